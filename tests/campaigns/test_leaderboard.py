"""Leaderboards: ranks by area and period, ties sharing a rank, masked names, opt-outs."""

from __future__ import annotations

from sqlalchemy import update

from models import ledger
from models.campaigns.leaderboard import masked, ranking, top
from models.db import unit_of_work
from models.partners.partner import Partner
from models.programs.program import Membership


def earn(program, partner_id: int, credits: int, key: str) -> None:
    with unit_of_work() as session:
        ledger.earn(session, partner_id=partner_id, program_id=program.id, credits=credits,
                    key=key, cause="qr_code", cause_ref="t")


def board(program, partner_id: int, area: str, monthly: bool, now) -> list[tuple]:
    with unit_of_work() as session:
        places = ranking(session, program.id, session.get(Partner, partner_id), area,
                         monthly, now)
        return [(p.rank, p.shown_as, p.credits) for p in top(places)], \
            next((p.rank, len(places)) for p in places if p.partner_id == partner_id)


def test_ties_share_a_rank_and_an_opted_out_partner_is_not_shown(app, program, member, clock):
    ramesh = member(name="Ramesh Patil", pincode="411001", region="Pune")
    sunil = member(name="Sunil Kale", pincode="411038", region="Pune")
    anil = member(name="Anil", pincode="411002", region="Pune")
    shy = member(name="Vijay Rao", pincode="411004", region="Pune")
    member(name="Far Away", pincode="560001", region="Bengaluru")
    earn(program, ramesh, 40, "a"), earn(program, sunil, 40, "b"), earn(program, shy, 90, "c")
    clock.advance(days=40)  # last month's credits count only for all time
    earn(program, anil, 10, "d")
    with unit_of_work() as session:
        session.execute(update(Membership).where(Membership.partner_id == shy)
                        .values(hidden_from_boards=True))
    shown, own = board(program, anil, "district", False, clock.now)
    assert shown == [(2, "Ramesh P., Pune", 40), (2, "Sunil K., Pune", 40),
                     (4, "Anil, Pune", 10)]
    assert own == (4, 4)
    shown, own = board(program, shy, "district", True, clock.now)
    assert shown[0] == (1, "Anil, Pune", 10) and own == (2, 4)  # the rest tie on 0
    assert board(program, anil, "pin", False, clock.now)[1] == (1, 1)


def test_masked_names():
    assert masked("Ramesh Kumar Patil", "Pune") == "Ramesh P., Pune"
    assert masked("Anil", None) == "Anil"
    assert masked(None, "Pune") == "-, Pune"
