"""The "My credits" chat: balance with tier, last entries in plain words, expiring credits."""

from __future__ import annotations

from datetime import UTC, datetime

from models import ledger
from models.db import unit_of_work
from models.partners.partner import Partner
from models.programs.program import Membership, load_file

from .conftest import PROGRAMS

PHONE = "+919811100001"


def _member(codes: tuple[str, ...]) -> dict[str, int]:
    with unit_of_work() as s:
        partner = Partner(phone=PHONE, name="Ravi", shop="Ravi Hardware")
        s.add(partner)
        s.flush()
        ids = {}
        for code in codes:
            program = load_file(s, PROGRAMS / f"{code.lower()}.yaml")
            s.add(Membership(partner_id=partner.id, program_id=program.id))
            ledger.ensure_wallet(s, partner.id, program.id)
            ids[code] = program.id
        ids["partner"] = partner.id
        return ids


def test_balance_history_and_expiring_in_indian_format(twilio, clock):
    ids = _member(("CHEMX",))
    with unit_of_work() as s:
        ledger.earn(s, partner_id=ids["partner"], program_id=ids["CHEMX"], credits=123456,
                    key="inv:1", cause="invoice", cause_ref="INV-2231",
                    description="from Sai Traders", volume=30)
        ledger.earn(s, partner_id=ids["partner"], program_id=ids["CHEMX"], credits=120,
                    key="inv:2", cause="invoice", cause_ref="INV-2232", lock_days=15)
    replies = twilio.chat(PHONE, "BALANCE")
    assert "DuraChem Distributor Rewards · DuraChem points: 1,23,576 (worth ₹1,23,576)" in \
        replies[0]
    assert "Locked for the return window: 120" in replies[0]
    assert "Tier: Registered\nNext tier Tier 1: 10 more cases" in replies[0]
    history = twilio.chat(PHONE, "1")
    assert history[0].endswith("+1,23,456 for invoice INV-2231")  # not the ledger's description
    clock.advance(days=160)
    twilio.chat(PHONE, "BALANCE")
    expiring = twilio.chat(PHONE, "2")
    assert expiring[0].startswith("Expiring in the next 30 days:")
    assert "1,23,576 on 08-09-2026" in expiring[0]  # both lots expire that day


def test_partner_in_two_programs_chooses_one(twilio, clock):
    _member(("LUBE", "ELEC"))
    first = twilio.chat(PHONE, "BALANCE")
    assert "Which program?" in first[0]
    shown = twilio.chat(PHONE, "2")
    assert any("Voltix Dealer Circle · Voltix points: 0" in r for r in shown)
    assert any("Next tier Bronze: ₹10,00,000 more in purchases" in r for r in shown)
    assert "No credits yet" in twilio.chat(PHONE, "1")[0]


def test_dates_are_shown_in_ist(twilio, clock):
    ids = _member(("CHEMX",))
    clock.set(datetime(2026, 3, 12, 20, 0, tzinfo=UTC))  # 13 March, 01:30 in India
    with unit_of_work() as s:
        ledger.earn(s, partner_id=ids["partner"], program_id=ids["CHEMX"], credits=500,
                    key="inv:late", cause="invoice", cause_ref="INV-9", volume=1)
    twilio.chat(PHONE, "BALANCE")
    assert twilio.chat(PHONE, "1")[0].splitlines()[1].startswith("13-03 +500 ")
    clock.advance(days=160)
    twilio.chat(PHONE, "BALANCE")
    # 180 days on, the lot expires at 20:00 UTC on 8 September: 9 September in India.
    assert "500 on 09-09-2026" in twilio.chat(PHONE, "2")[0]
