"""Ledger operations on SQLite and PostgreSQL: idempotency, holds, lots, locks, reversal."""

from __future__ import annotations

import pytest

from models import ledger
from models.base import ist_date
from models.ledger.internals import RETURN_GRACE
from models.ledger.operations import Balance, InsufficientCredits, LedgerError
from models.ledger.verify import verify


def _earn(db, partner, program, credits, key, **kw):
    kw.setdefault("cause", "qr_code")
    kw.setdefault("cause_ref", key)
    return ledger.earn(db, partner_id=partner.id, program_id=program.id, credits=credits,
                       key=key, **kw)


def _bal(db, partner, program) -> Balance:
    return ledger.wallet_balance(db, partner.id, program.id)


def _old_and_new_lots(db, programs, make_partner, clock):
    """A LUBE partner (credits expire after 365 days) with 100 credits earned on day 0 and 50
    on day 100; return (program, partner)."""
    lube = programs["LUBE"]
    p = make_partner(lube)
    _earn(db, p, lube, 100, "old")
    clock.advance(days=100)
    _earn(db, p, lube, 50, "new")
    return lube, p


def test_repeated_earn_key_credits_once(db, programs, make_partner, clock):
    lube = programs["LUBE"]
    p = make_partner(lube)
    first = _earn(db, p, lube, 150, "cert:1", cause="certification")
    again = _earn(db, p, lube, 150, "cert:1", cause="certification")
    assert again.entry_id == first.entry_id and again.credits == 150
    assert _bal(db, p, lube) == Balance(150, 0, 150, 0, 0)
    assert verify(db) == []


def test_hold_beyond_available_is_refused(db, programs, make_partner, clock):
    lube = programs["LUBE"]
    p = make_partner(lube)
    _earn(db, p, lube, 100, "e1")
    with pytest.raises(InsufficientCredits):
        ledger.hold(db, partner_id=p.id, program_id=lube.id, credits=101, key="h1",
                    cause="redemption", cause_ref="r1")
    assert _bal(db, p, lube).available == 100


def test_hold_then_settle_spends_and_release_gives_back(db, programs, make_partner, clock):
    lube = programs["LUBE"]
    p = make_partner(lube)
    _earn(db, p, lube, 100, "e1")
    h1 = ledger.hold(db, partner_id=p.id, program_id=lube.id, credits=60, key="h1",
                     cause="redemption", cause_ref="r1")
    assert _bal(db, p, lube) == Balance(100, 60, 40, 0, 0)
    assert ledger.hold(db, partner_id=p.id, program_id=lube.id, credits=60, key="h1",
                       cause="redemption", cause_ref="r1") == h1
    settled = ledger.settle(db, h1, key="s1")
    assert ledger.settle(db, h1, key="s1") == settled
    assert _bal(db, p, lube) == Balance(40, 0, 40, 0, 0)
    h2 = ledger.hold(db, partner_id=p.id, program_id=lube.id, credits=40, key="h2",
                     cause="voucher", cause_ref="v1")
    ledger.release(db, h2, key="rel2")
    ledger.release(db, h2, key="rel2")
    assert _bal(db, p, lube) == Balance(40, 0, 40, 0, 0)
    with pytest.raises(LedgerError):
        ledger.settle(db, h2, key="s2")
    assert verify(db) == []


def test_refund_gives_settled_credits_back_to_their_lots_once(db, programs, make_partner, clock):
    lube, p = _old_and_new_lots(db, programs, make_partner, clock)
    h1 = ledger.hold(db, partner_id=p.id, program_id=lube.id, credits=120, key="h1",
                     cause="redemption", cause_ref="r1")
    with pytest.raises(LedgerError):  # nothing was spent yet
        ledger.refund(db, h1, key="f1")
    ledger.settle(db, h1, key="s1")
    assert _bal(db, p, lube) == Balance(30, 0, 30, 0, 0)
    refunded = ledger.refund(db, h1, key="f1")
    assert ledger.refund(db, h1, key="f1") == refunded
    assert ledger.refund(db, h1, key="f2") == refunded  # already refunded: the same entry
    assert _bal(db, p, lube) == Balance(150, 0, 150, 0, 0)
    with pytest.raises(LedgerError):
        ledger.release(db, h1, key="rel1")
    clock.advance(days=266)  # the first lot's day: its 100 credits came back to it and expire
    assert ledger.expire_due(db) == 1
    assert _bal(db, p, lube) == Balance(50, 0, 50, 0, 0)
    assert verify(db) == []


def test_credits_whose_lot_lapsed_while_held_come_back_for_thirty_days(db, programs,
                                                                       make_partner, clock):
    lube = programs["LUBE"]  # credits expire 365 days after earning
    p = make_partner(lube)
    _earn(db, p, lube, 100, "old")
    clock.advance(days=300)
    _earn(db, p, lube, 50, "new")
    h1 = ledger.hold(db, partner_id=p.id, program_id=lube.id, credits=80, key="h1",
                     cause="redemption", cause_ref="r1")  # 80 of the old lot's 100
    clock.advance(days=70)  # the old lot's date passes while the payout is in flight
    ledger.expire_due(db)  # its other 20 credits expire
    assert _bal(db, p, lube) == Balance(130, 80, 50, 0, 0)
    ledger.release(db, h1, key="rel1")  # the payout failed after all
    assert _bal(db, p, lube) == Balance(130, 0, 130, 0, 0)
    assert ledger.expire_due(db) == 0
    assert ledger.expiring(db, p.id, lube.id) == [(80, ist_date(clock.now + RETURN_GRACE))]
    clock.advance(days=31)
    ledger.expire_due(db)
    assert _bal(db, p, lube) == Balance(50, 0, 50, 0, 0)
    assert verify(db) == []


def test_spending_and_expiry_take_first_expiring_lots_first(db, programs, make_partner, clock):
    lube, p = _old_and_new_lots(db, programs, make_partner, clock)
    ledger.hold(db, partner_id=p.id, program_id=lube.id, credits=80, key="h",
                cause="redemption", cause_ref="r")  # takes 80 of the 100 old credits
    assert ledger.expiring(db, p.id, lube.id, within_days=300) == [
        (20, (clock.now + __import__("datetime").timedelta(days=265)).date())]
    clock.advance(days=266)  # the old lot is past its date
    assert _bal(db, p, lube).available == 50  # overdue credits are not spendable
    assert ledger.expire_due(db) == 1
    assert _bal(db, p, lube) == Balance(130, 80, 50, 0, 0)
    assert ledger.history(db, p.id, lube.id, limit=1)[0].credits == -20
    assert verify(db) == []


def test_locked_invoice_credits_become_available_after_return_window(
        db, programs, make_partner, clock):
    chemx = programs["CHEMX"]
    p = make_partner(chemx)
    _earn(db, p, chemx, 200, "inv:1", cause="invoice", lock_days=15)
    assert _bal(db, p, chemx) == Balance(200, 0, 0, 200, 0)
    with pytest.raises(InsufficientCredits):
        ledger.hold(db, partner_id=p.id, program_id=chemx.id, credits=1, key="h",
                    cause="redemption", cause_ref="r")
    clock.advance(days=15, seconds=1)
    assert _bal(db, p, chemx) == Balance(200, 0, 200, 0, 0)


def test_earn_result_counts_its_own_locked_lot_and_overdue_lots(
        db, programs, make_partner, clock):
    """The balance an earn hands back (what the partner is told) includes the lot it wrote."""
    chemx = programs["CHEMX"]  # credits expire 365 days after earning
    p = make_partner(chemx)
    _earn(db, p, chemx, 100, "qr:old")
    clock.advance(days=366)  # the old lot is past expiry, not yet taken by the expiry job
    first = _earn(db, p, chemx, 200, "inv:1", cause="invoice", lock_days=15)
    assert first.balance == Balance(200, 0, 0, 200, 0) == _bal(db, p, chemx)
    second = _earn(db, p, chemx, 30, "qr:new")
    assert second.balance == Balance(230, 0, 30, 200, 0) == _bal(db, p, chemx)
    assert _earn(db, p, chemx, 30, "qr:new").balance == second.balance


def test_earn_with_an_unknown_cause_writes_nothing(db, programs, make_partner, clock):
    lube = programs["LUBE"]
    p = make_partner(lube)
    with pytest.raises(LedgerError, match="unknown cause"):
        _earn(db, p, lube, 10, "e1", cause="lottery")
    assert _bal(db, p, lube) == Balance(0, 0, 0, 0, 0)
    assert verify(db) == []


def test_credit_note_claws_back_from_the_locked_lot(db, programs, make_partner, clock):
    chemx = programs["CHEMX"]
    p = make_partner(chemx)
    _earn(db, p, chemx, 100, "qr:1")
    _earn(db, p, chemx, 200, "inv:1", cause="invoice", lock_days=15)
    ledger.reverse(db, key="cn:1", original_key="inv:1", reason="credit note CN-7",
                   actor="system", credits=50)
    assert _bal(db, p, chemx) == Balance(250, 0, 100, 150, 0)
    ledger.reverse(db, key="ret:1", original_key="inv:1", reason="goods returned",
                   actor="system")
    assert _bal(db, p, chemx) == Balance(100, 0, 100, 0, 0)
    with pytest.raises(LedgerError):
        ledger.reverse(db, key="ret:2", original_key="inv:1", reason="again", actor="x")
    assert verify(db) == []


def test_reversal_of_partly_spent_earn_leaves_debt_paid_by_later_earns(
        db, programs, make_partner, clock):
    lube = programs["LUBE"]
    p = make_partner(lube)
    _earn(db, p, lube, 100, "e1")
    h = ledger.hold(db, partner_id=p.id, program_id=lube.id, credits=70, key="h",
                    cause="redemption", cause_ref="r")
    ledger.settle(db, h, key="s")
    ledger.reverse(db, key="rev:e1", original_key="e1", reason="fraud", actor="admin")
    assert _bal(db, p, lube) == Balance(0, 0, 0, 0, 70)  # never below zero: 70 is debt
    later = _earn(db, p, lube, 50, "e2")
    assert later.debt_paid == 50 and _bal(db, p, lube) == Balance(0, 0, 0, 0, 20)
    _earn(db, p, lube, 50, "e3")
    assert _bal(db, p, lube) == Balance(30, 0, 30, 0, 0)
    assert verify(db) == []


def test_adjustments_need_a_reason_and_never_go_below_zero(db, programs, make_partner, clock):
    lube = programs["LUBE"]
    p = make_partner(lube)
    ledger.adjust(db, partner_id=p.id, program_id=lube.id, credits=40, key="a1",
                  reason="goodwill", actor="ops@brand")
    with pytest.raises(InsufficientCredits):
        ledger.adjust(db, partner_id=p.id, program_id=lube.id, credits=-41, key="a2",
                      reason="typo", actor="ops@brand")
    with pytest.raises(LedgerError):
        ledger.adjust(db, partner_id=p.id, program_id=lube.id, credits=5, key="a3",
                      reason=" ", actor="ops@brand")
    ledger.adjust(db, partner_id=p.id, program_id=lube.id, credits=-15, key="a4",
                  reason="duplicate credit", actor="ops@brand")
    ledger.reverse(db, key="a4:undo", original_key="a4", reason="it was not", actor="ops")
    assert _bal(db, p, lube).balance == 40
    line = ledger.history(db, p.id, lube.id)[0]
    assert (line.credits, line.cause, line.description) == (15, "reversal", "it was not")
    assert verify(db) == []


def test_wallets_of_different_programs_never_mix(db, programs, make_partner, clock):
    p = make_partner(programs["LUBE"])
    ledger.ensure_wallet(db, p.id, programs["CEMPRO"].id)
    _earn(db, p, programs["LUBE"], 10, "e1")
    assert _bal(db, p, programs["CEMPRO"]).balance == 0
    with pytest.raises(InsufficientCredits):
        ledger.hold(db, partner_id=p.id, program_id=programs["CEMPRO"].id, credits=5,
                    key="h", cause="redemption", cause_ref="r")


def test_unknown_wallet_cannot_hold(db, programs, make_partner, clock):
    p = make_partner()
    with pytest.raises(ledger.UnknownWallet):
        ledger.hold(db, partner_id=p.id, program_id=programs["LUBE"].id, credits=5, key="h",
                    cause="redemption", cause_ref="r")
