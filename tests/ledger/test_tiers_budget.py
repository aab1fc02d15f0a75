"""Tiers (window metric, multipliers, grace, freeze, messages) and monthly budget caps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from models import ledger, review
from models.db import unit_of_work
from models.ledger import budget, tiers
from models.ledger.verify import verify
from models.messaging.outbox import OutboxMessage


def _earn(db, partner, program, credits, key, **kw):
    return ledger.earn(db, partner_id=partner.id, program_id=program.id, credits=credits,
                       key=key, cause=kw.pop("cause", "invoice"), cause_ref=key, **kw)


def test_promotion_applies_the_multiplier_and_sends_a_message(db, programs, make_partner,
                                                               clock):
    cempro = programs["CEMPRO"]  # Specialist at 700 credits earned in 365 days: 1.5x
    p = make_partner(cempro)
    _earn(db, p, cempro, 700, "cert:basic", cause="certification")
    info = ledger.current_tier(db, p.id, cempro.id)
    assert (info.name, info.next_name, info.distance) == ("Member", "Specialist", 0)
    assert tiers.recompute(db) == [(p.id, None, "Specialist")]
    info = ledger.current_tier(db, p.id, cempro.id)
    assert (info.name, info.multiplier, info.next_name, info.distance) == (
        "Specialist", Decimal("1.5"), "Master", 1200)
    assert _earn(db, p, cempro, 101, "inv:1").credits == 151  # floor(101 * 1.5)
    assert _earn(db, p, cempro, 100, "adj", apply_tier_multiplier=False).credits == 100
    sent = db.scalars(select(OutboxMessage).where(OutboxMessage.phone == p.phone)).all()
    assert [m.body for m in sent] == ["Congratulations! You are now Specialist in "
                                      "Shakti Cement Pro Retailer."]


def test_redeeming_does_not_demote(db, programs, make_partner, clock):
    lube = programs["LUBE"]  # Certified at 200 credits in 180 days
    p = make_partner(lube)
    _earn(db, p, lube, 250, "cert", cause="certification")
    tiers.recompute(db)
    hold = ledger.hold(db, partner_id=p.id, program_id=lube.id, credits=250, key="h",
                       cause="redemption", cause_ref="upi")
    ledger.settle(db, hold, key="s")
    assert tiers.recompute(db) == []
    assert ledger.current_tier(db, p.id, lube.id).name == "Certified"


def test_demotion_waits_for_the_grace_period(db, programs, make_partner, clock):
    lube = programs["LUBE"]  # window 180 days, grace 30 days
    p = make_partner(lube)
    _earn(db, p, lube, 250, "cert", cause="certification")
    tiers.recompute(db)
    clock.advance(days=181)  # the earn left the window
    assert tiers.recompute(db) == []
    clock.advance(days=29)
    assert tiers.recompute(db) == []
    clock.advance(days=2)
    assert tiers.recompute(db) == [(p.id, "Certified", "Technician")]


def test_freeze_period_keeps_the_tier(db, make_program, make_partner, clock):
    day = clock.now.date()
    program = make_program("LUBE", code="FRZ", tiers={
        "basis": "credits", "window_days": 30, "demotion_grace_days": 0,
        "freeze_periods": [{"start": day + timedelta(days=20),
                            "end": day + timedelta(days=60)}],
        "levels": [{"name": "Base", "threshold": 0, "multiplier": 1.0},
                   {"name": "Gold", "threshold": 100, "multiplier": 2.0}]})
    p = make_partner(program)
    _earn(db, p, program, 100, "e", cause="qr_code")
    tiers.recompute(db)
    clock.advance(days=31)  # out of the window, but inside the freeze
    assert tiers.recompute(db) == []
    clock.advance(days=30)  # freeze over
    assert tiers.recompute(db) == [(p.id, "Gold", "Base")]


def test_volume_tiers_count_purchases_not_credits(db, programs, make_partner, clock):
    elec = programs["ELEC"]  # Bronze from ₹10 L a year; below it, no tier and 1x
    p = make_partner(elec)
    assert ledger.current_tier(db, p.id, elec.id).name is None
    _earn(db, p, elec, 10, "inv:1", volume=60_00_000_00)  # ₹60 L
    assert tiers.recompute(db) == [(p.id, None, "Platinum")]
    assert _earn(db, p, elec, 10, "inv:2").credits == 30


def test_earn_past_the_monthly_cap_waits_for_review(db, make_program, make_partner, clock):
    program = make_program("LUBE", code="CAP", budget={"monthly_cap_credits": 100})
    p = make_partner(program)
    assert not _earn(db, p, program, 80, "e1").queued_for_review
    queued = _earn(db, p, program, 30, "e2")
    assert queued.queued_for_review and queued.credits == 30
    assert _earn(db, p, program, 30, "e2").queued_for_review  # a retry does not queue twice
    assert ledger.wallet_balance(db, p.id, program.id).balance == 80
    assert not _earn(db, p, program, 20, "e3").queued_for_review  # still fits
    items = review.pending(db, "budget_cap")
    assert len(items) == 1 and items[0].payload["credits"] == 30
    review.decide(db, items[0].id, approve=True, actor="admin")
    assert ledger.wallet_balance(db, p.id, program.id).balance == 130
    clock.advance(days=31)  # a new month
    assert not _earn(db, p, program, 90, "e4").queued_for_review
    assert verify(db) == []


def test_budget_months_are_indian_calendar_months(db, make_program, make_partner, clock):
    program = make_program("LUBE", code="CAP3", budget={"monthly_cap_credits": 100})
    p = make_partner(program)
    clock.set(datetime(2026, 3, 31, 18, 0, tzinfo=UTC))  # 31 March, 23:30 IST
    assert not _earn(db, p, program, 100, "march").queued_for_review
    clock.set(datetime(2026, 3, 31, 18, 45, tzinfo=UTC))  # still 31 March in UTC; 1 April IST
    assert not _earn(db, p, program, 100, "april").queued_for_review
    assert budget.issued(db, program.id, "2026-03") == budget.issued(db, program.id, "2026-04")
    assert review.pending(db, "budget_cap") == []


def test_rejected_over_cap_earn_credits_nothing(db, make_program, make_partner, clock, app):
    program = make_program("LUBE", code="CAP2", budget={"monthly_cap_credits": 10})
    p = make_partner(program)
    _earn(db, p, program, 11, "big")
    item = review.pending(db, "budget_cap")[0]
    db.commit()
    result = app.test_cli_runner().invoke(args=["review", "reject", str(item.id)])
    assert result.exit_code == 0, result.output
    assert ledger.wallet_balance(db, p.id, program.id).balance == 0


def test_a_decision_reads_the_item_as_it_is_once_locked(db, make_program, make_partner,
                                                        clock):
    """A reviewer's page loaded the item; a return then shrank what it asks for (another
    transaction) before the reviewer approved: the approval pays what the item asks now, not
    what the page's copy said (it paid the full amount: the return's credits twice)."""
    program = make_program("LUBE", code="CAP4", budget={"monthly_cap_credits": 10})
    p = make_partner(program)
    _earn(db, p, program, 30, "held")
    [item] = review.pending(db, "budget_cap")  # the reviewer's copy, in this session
    db.commit()
    with unit_of_work() as other:  # a return takes 20 of the 30 while the item waits
        shrunk = other.get(type(item), item.id)
        shrunk.payload = {**shrunk.payload, "credits": 10}
    review.decide(db, item.id, approve=True, actor="admin")
    assert ledger.wallet_balance(db, p.id, program.id).balance == 10
