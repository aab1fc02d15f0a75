"""Milestone campaigns: credits once per partner per IST week or month when their credited
scans (or invoices) reach the target, through the ledger with the campaign on the entry and
a notice in the partner's language; never twice for a retried or duplicated earn, never
below the target, and the period turns at midnight IST."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.i18n import NP_, translate
from bot.notices import held
from models import campaigns, events, ledger, review
from models.campaigns.milestones import pay_reached
from models.codes import tables as qr
from models.codes.format import group
from models.db import unit_of_work
from models.ledger import budget
from models.ledger.tables import JournalEntry
from models.messaging.outbox import OutboxMessage
from models.programs.campaign_spec import CampaignSpec
from models.programs.program import load_spec
from models.programs.schema import parse
from tests.campaigns.conftest import BOTH, phone_of

REACHED = NP_("Target reached in {program}! Bonus of {n} credit added. New balance: {balance}.",
              "Target reached in {program}! Bonus of {n} credits added. New balance: "
              "{balance}.")
NAME = "Shakti Cement Pro Retailer"


def milestone(program, code: str = "FIVE-SCANS", **target) -> int:
    with unit_of_work() as session:
        campaign = campaigns.save(session, program, CampaignSpec(
            code=code, kind="milestone", messages={"en": "Scan 3 codes this week: +50!"},
            milestone={"period": "week", "counts": "scans", "target": 3, "credits": 50,
                       **target}))
        campaigns.schedule(session, campaign, None)
        return campaign.id


def scan_earn(program, partner_id: int, key: str, cause: str = "qr_code") -> None:
    with unit_of_work() as session:
        ledger.earn(session, partner_id=partner_id, program_id=program.id, credits=5, key=key,
                    cause=cause, cause_ref=key, apply_tier_multiplier=False)


def bonuses(partner_id: int) -> list[tuple[str, str, int]]:
    with unit_of_work() as session:
        return [(e.key, e.cause_ref, e.credits) for e in session.scalars(
            select(JournalEntry).where(JournalEntry.partner_id == partner_id,
                                       JournalEntry.cause == "bonus"))]


def told(partner_id: int) -> list[str]:
    with unit_of_work() as session:
        return list(session.scalars(select(OutboxMessage.body).where(
            OutboxMessage.partner_id == partner_id).order_by(OutboxMessage.id)))


def notices(partner_id: int) -> list[str]:
    with unit_of_work() as session:
        return list(session.scalars(select(OutboxMessage.body).where(
            OutboxMessage.partner_id == partner_id,
            OutboxMessage.idempotency_key.like("milestone-notice:%"))))


@BOTH
def test_three_scanned_codes_in_a_week_pay_the_milestone_once_with_a_notice(
        app, twilio, program, member, clock):
    campaign_id = milestone(program)
    partner = member(language="hi")
    with unit_of_work() as session:
        batch = qr.create_batch(session, program=program, name="MS", count=4, credits=5)
        codes = [group(code) for _serial, code in qr.batch_codes(batch)]
    phone = phone_of(partner)
    for code in codes[:2]:
        twilio.chat(phone, f"CODE {code}")
        clock.advance(minutes=3)
    assert bonuses(partner) == [] and notices(partner) == []  # 2 of 3: nothing yet
    twilio.chat(phone, f"CODE {codes[2]}")
    twilio.chat(phone, f"CODE {codes[2]}")  # the same code again: no earn, no second pay
    clock.advance(minutes=3)
    twilio.chat(phone, f"CODE {codes[3]}")  # a 4th this week: paid already
    assert bonuses(partner) == [(f"milestone:{campaign_id}:w2026-03-09:{partner}",
                                 f"campaign:{campaign_id}", 50)]
    with unit_of_work() as session:
        balance = ledger.wallet_balance(session, partner, program.id).balance
    assert balance == 4 * 5 + 50
    [text] = notices(partner)
    assert text == translate("hi", REACHED, program=NAME, n=50, balance="65")


@BOTH
def test_a_retried_or_duplicated_earn_event_never_pays_twice(app, program, member, clock):
    campaign_id = milestone(program)
    partner = member()
    for n in range(3):
        scan_earn(program, partner, f"s{n}")
    scan_earn(program, partner, "s2")  # a retry of the same earn: the ledger replays it
    with unit_of_work() as session:
        entry = session.scalar(select(JournalEntry).where(JournalEntry.key == "s2"))
        events.record(session, events.Earned(partner, program.id, entry.id, "qr_code", 5))
        assert pay_reached(session, partner, program.id) == []  # a duplicated event
    assert len(bonuses(partner)) == 1 and bonuses(partner)[0][0].startswith(
        f"milestone:{campaign_id}:")
    assert len(notices(partner)) == 1


def test_below_target_or_other_counts_pay_nothing(app, program, member):
    milestone(program)
    partner = member()
    scan_earn(program, partner, "a")
    scan_earn(program, partner, "b")
    scan_earn(program, partner, "c", cause="invoice")  # an invoice is not a scan
    with unit_of_work() as session:
        ledger.adjust(session, partner_id=partner, program_id=program.id, credits=500,
                      key="gift", reason="welcome", actor="admin")
    assert bonuses(partner) == [] and notices(partner) == []


def test_the_week_turns_at_monday_midnight_ist(app, program, member, clock):
    campaign_id = milestone(program)
    partner = member()
    clock.set(datetime(2026, 3, 15, 18, 29, tzinfo=UTC))  # Sunday 23:59 IST
    scan_earn(program, partner, "sun-1")
    scan_earn(program, partner, "sun-2")
    clock.advance(minutes=2)  # Monday 00:01 IST: a new week
    scan_earn(program, partner, "mon-1")
    assert bonuses(partner) == []
    scan_earn(program, partner, "mon-2")
    scan_earn(program, partner, "mon-3")
    assert [k for k, _, _ in bonuses(partner)] == [f"milestone:{campaign_id}:w2026-03-16:"
                                                   f"{partner}"]


@pytest.mark.parametrize("app", ["postgres"], indirect=True)  # the week: on SQLite
def test_a_monthly_invoice_milestone_turns_on_the_first_at_midnight_ist(app, program, member,
                                                                        clock):
    campaign_id = milestone(program, "THREE-INVOICES", period="month", counts="invoices")
    partner = member()
    clock.set(datetime(2026, 3, 31, 18, 29, tzinfo=UTC))  # 31 March 23:59 IST
    scan_earn(program, partner, "i1", cause="invoice")
    scan_earn(program, partner, "i2", cause="invoice")
    clock.advance(minutes=2)  # 1 April 00:01 IST
    scan_earn(program, partner, "i3", cause="invoice")
    assert bonuses(partner) == []
    scan_earn(program, partner, "i4", cause="invoice")
    scan_earn(program, partner, "i5", cause="invoice")
    assert [k for k, _, _ in bonuses(partner)] == [f"milestone:{campaign_id}:m2026-04:{partner}"]


def test_a_milestone_outside_its_dates_or_segment_pays_nothing(app, program, member, clock):
    milestone(program, "LATER", starts=datetime(2026, 4, 1, tzinfo=UTC))
    with unit_of_work() as session:
        campaigns.save(session, program, CampaignSpec(
            code="HINDI-ONLY", kind="milestone", messages={"en": "x"},
            segment={"language": ["hi"]},
            milestone={"target": 1, "credits": 9}))
        campaigns.schedule(session, campaigns.find(session, program, "HINDI-ONLY"), None)
    partner = member(language="en")
    for n in range(4):
        scan_earn(program, partner, f"x{n}")
    assert bonuses(partner) == []


def test_a_milestone_in_the_program_file_is_live_once_loaded_and_pays(app, member, clock):
    from tests.campaigns.test_segments import cempro

    data = cempro()
    data["campaigns"] = [{"code": "TWO-INVOICES", "kind": "milestone",
                          "messages": {"en": "Two invoices this month: +25 credits."},
                          "milestone": {"period": "month", "counts": "invoices", "target": 2,
                                        "credits": 25}}]
    with unit_of_work() as session:
        program = load_spec(session, parse(data))
    partner = member()
    scan_earn(program, partner, "inv-1", cause="invoice")
    scan_earn(program, partner, "inv-2", cause="invoice")
    assert [c for _, c, n in bonuses(partner) if n == 25] and len(bonuses(partner)) == 1


@BOTH
def test_a_chunk_of_imported_invoices_counts_once_per_partner_and_replays_pay_nothing(
        app, program, member, clock):
    campaign_id = milestone(program, "THREE-SALES", period="month", counts="invoices")
    buyer, other = member(), member()
    chunk = [ledger.Earn(partner_id=buyer, credits=7, key=f"sale-{n}", cause="invoice",
                         cause_ref=f"S-{n}") for n in range(3)]
    chunk.append(ledger.Earn(partner_id=other, credits=7, key="sale-x", cause="invoice",
                             cause_ref="S-x"))
    for _ in range(2):  # the file imported twice: the second is all replays
        with unit_of_work() as session:
            ledger.earn_many(session, program.id, chunk)
    assert [k for k, _, _ in bonuses(buyer)] == [f"milestone:{campaign_id}:m2026-03:{buyer}"]
    assert bonuses(other) == [] and len(notices(buyer)) == 1


@BOTH
@pytest.mark.parametrize("approve", [True, False])
def test_a_milestone_past_the_budget_cap_is_told_once_the_cap_review_decides(
        app, program, member, clock, approve):
    """Three scans fit the budget, the milestone's 50 do not: nothing is said while it waits;
    approval pays it (one entry) and announces it as reached, refusal says it was not
    approved."""
    campaign_id = milestone(program)
    partner = member()
    with unit_of_work() as session:
        budget.force(session, program.id, program.spec.budget.monthly_cap_credits - 20)
    for n in range(3):
        scan_earn(program, partner, f"s{n}")
    key = f"milestone:{campaign_id}:w2026-03-09:{partner}"
    assert bonuses(partner) == [(key, f"campaign:{campaign_id}", 0)] and told(partner) == []
    with unit_of_work() as session:
        [item] = review.pending(session, "budget_cap")
        review.decide(session, item.id, approve=approve, actor="ops@shakti.test")
    if approve:
        assert bonuses(partner)[-1] == (f"{key}:approved", f"campaign:{campaign_id}", 50)
        assert told(partner) == [translate("en", REACHED, program=NAME, n=50, balance="65")]
    else:
        assert len(bonuses(partner)) == 1
        assert told(partner) == [translate("en", held.TEXTS["milestone"][1], program=NAME,
                                           n=50)]
