"""A credited code counts against its program's monthly budget at the end of the message's
step (models/ledger/budget.py `count_at_commit`): concurrent codes wait on the month's row
only for each other's commit, and the budget stays exact when they race for its last room."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from models import ledger, review
from models.codes import tables as qr
from models.db import unit_of_work
from models.ledger import budget
from models.ledger.tables import JournalEntry
from models.ledger.verify import verify
from models.messaging.outbox import OutboxMessage
from models.partners.partner import Partner

CAP = 500_000  # QRA's monthly_cap_credits (programs/cempro.yaml)


@pytest.fixture
def near_cap(db, programs, make_partner, make_batch, clock):
    """A partner with a 10-credit code, and another, in QRA with 15 credits of room left."""
    partner, rival = make_partner(), make_partner()
    codes = make_batch(credits=10)
    month = budget.month_of(clock.now)
    budget.force(db, programs["QRA"].id, CAP - 15)
    db.commit()
    return partner.phone, rival.id, codes, programs["QRA"].id, month


def test_a_code_counts_the_budget_once_with_its_step(twilio, near_cap):
    phone, _rival, codes, program_id, month = near_cap
    assert twilio.chat(phone, f"CODE {codes[0]}") == [
        f"Code {codes[0]}: 10 credits added. New balance: 10."]
    with unit_of_work() as session:
        assert budget.issued(session, program_id, month) == CAP - 5
        assert review.pending(session, "budget_cap") == []
    # the room left is 5: the next code waits for review, counting nothing
    [reply] = twilio.chat(phone, f"CODE {codes[1]}")
    assert reply.startswith(f"Code {codes[1]} is under review.")
    with unit_of_work() as session:
        assert budget.issued(session, program_id, month) == CAP - 5
        assert len(review.pending(session, "budget_cap")) == 1


@pytest.mark.parametrize("app", ["postgres"], indirect=True)
def test_a_code_whose_room_is_taken_before_its_step_ends_waits_for_review(
        twilio, near_cap, monkeypatch):
    """The step read 15 credits of room and credited its 10; another transaction took 10 of
    them and committed before the step's end: the step runs again, counting at once, and the
    code waits for review. The month counts exactly what was credited, never past the cap."""
    phone, rival, codes, program_id, month = near_cap
    count_now, counts = ledger.count_budget_now, []

    def overtaken_once(session):
        if not counts:
            with unit_of_work() as other:  # a concurrent earn, committed meanwhile
                assert not ledger.earn(other, partner_id=rival, program_id=program_id,
                                       credits=10, key="rival", cause="invoice",
                                       cause_ref="rival").queued_for_review
        counts.append(session)
        return count_now(session)

    monkeypatch.setattr(ledger, "count_budget_now", overtaken_once)
    [reply] = twilio.chat(phone, f"CODE {codes[0]}")
    assert reply.startswith(f"Code {codes[0]} is under review.")
    assert len(counts) == 2  # the step, then its second run
    with unit_of_work() as session:
        assert budget.issued(session, program_id, month) == CAP - 5
        [item] = review.pending(session, "budget_cap")
        assert item.payload["credits"] == 10
        credited = session.scalar(select(func.sum(JournalEntry.credits))
                                  .where(JournalEntry.cause == "qr_code"))
        assert not credited
        assert verify(session) == []


@pytest.mark.parametrize("app", ["postgres"], indirect=True)
def test_counting_at_commit_never_passes_the_cap(db, programs, make_partner, clock):
    """Two transactions each read room for their earn, together more than the room: the one
    that commits second raises Overtaken and leaves nothing behind."""
    first, second = make_partner(), make_partner()
    program_id, month = programs["QRA"].id, budget.month_of(clock.now)
    budget.force(db, program_id, CAP - 15)
    db.commit()
    with pytest.raises(budget.Overtaken), unit_of_work() as late:
        budget.count_at_commit(late)
        assert not ledger.earn(late, partner_id=first.id, program_id=program_id, credits=10,
                               key="late", cause="invoice", cause_ref="late").queued_for_review
        with unit_of_work() as early:
            budget.count_at_commit(early)
            assert not ledger.earn(early, partner_id=second.id, program_id=program_id,
                                   credits=10, key="early", cause="invoice",
                                   cause_ref="early").queued_for_review
    with unit_of_work() as session:
        assert budget.issued(session, program_id, month) == CAP - 5
        keys = session.scalars(select(JournalEntry.key).where(
            JournalEntry.key.in_(["early", "late"]))).all()
        assert keys == ["early"]


@pytest.mark.parametrize("approve", [True, False])
def test_a_code_past_the_cap_waits_for_review_unclaimed_by_the_ledger(twilio, near_cap,
                                                                      approve):
    """A code the cap sends to review is not marked credited: it waits in review with no
    entry; approval posts exactly one entry and credits it, refusal burns it (as a rejected
    scan does). The partner is told the decision either way."""
    phone, _rival, codes, program_id, _month = near_cap
    twilio.chat(phone, f"CODE {codes[0]}")
    [reply] = twilio.chat(phone, f"CODE {codes[1]}")
    assert reply.startswith(f"Code {codes[1]} is under review.")
    code = codes[1].replace("-", "")
    with unit_of_work() as session:
        redemption = session.scalar(select(qr.QrRedemption).where(qr.QrRedemption.code == code))
        assert (redemption.status, redemption.entry_id) == (qr.RedemptionStatus.REVIEW, None)
        [item] = review.pending(session, "budget_cap")
        review.decide(session, item.id, approve=approve, actor="test")
    with unit_of_work() as session:
        redemption = session.scalar(select(qr.QrRedemption).where(qr.QrRedemption.code == code))
        partner = session.scalar(select(Partner).where(Partner.phone == phone))
        entries = session.scalars(select(JournalEntry).where(
            JournalEntry.partner_id == partner.id, ~JournalEntry.queued)).all()
        sent = session.scalars(select(OutboxMessage.body).where(
            OutboxMessage.phone == phone, OutboxMessage.idempotency_key.like("qr-review:%"))).all()
        assert ledger.wallet_balance(session, partner.id, program_id).balance == (
            20 if approve else 10)
        assert verify(session) == []
        if approve:
            assert redemption.status == qr.RedemptionStatus.CREDITED
            assert redemption.entry_id == entries[-1].id and len(entries) == 2
            assert sent == [f"Code {codes[1]} was approved: 10 credits added. New balance: 20."]
        else:
            assert (redemption.status, redemption.entry_id) == (
                qr.RedemptionStatus.REJECTED, None)
            assert len(entries) == 1
            assert sent == [f"Code {codes[1]} was not approved (monthly budget reached), so "
                            "no credits were added."]  # the cap's reason, not a reviewer's
