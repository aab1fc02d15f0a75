"""What the partner is told when a reviewer approves an invoice, and a conversation parked under
the invoice flow's old name (the questions about an unsure read: tests/transcripts/invoice/)."""

from __future__ import annotations

import logging
from datetime import date

import pytest
from sqlalchemy import select

from models import review
from models.db import unit_of_work
from models.invoices.invoice import Invoice, InvoiceStatus
from models.invoices.read import InvoiceRead, Item
from models.ledger import budget
from models.ledger.operations import wallet_balance
from models.ledger.tables import JournalEntry
from models.messaging.conversation import Conversation
from models.review.queue import ReviewItem
from tests.invoice.conftest import SELLER, outbox_texts, submit_read

ASK_DATE = ("I could not read the date. Type the invoice date, for example 12-03-2026, or 2 to "
            "cancel.")


def _read(*, total_paise: int | None = None, day: date | None = date(2026, 3, 2)
          ) -> InvoiceRead:
    read = InvoiceRead(source="ocr")
    read.set("seller_gstin", SELLER, 0.95)
    read.set("invoice_number", "ST/2026/00417", 0.95)
    read.set("invoice_date", day, 0.95)
    read.set("total_paise", total_paise, 0.95)
    read.items = [Item("OPC 53 Grade Cement", 160, 60_000_00)]  # all OPC: 1 credit per ₹1,000
    return read


def test_after_a_reviewer_approves_the_partner_is_told_the_approved_total(
        app, twilio, clock, make_partner, program):
    partner = make_partner()
    submit_read(partner, _read())
    twilio.chat(partner.phone, "71040")
    with unit_of_work() as session:
        item_id = session.scalar(select(ReviewItem.id))
    result = app.test_cli_runner().invoke(args=["review", "approve", str(item_id)])
    assert result.exit_code == 0, result.output
    assert outbox_texts(partner.phone)[-1] == (
        "Invoice ST/2026/00417 was checked and approved with a total of ₹71,040: +71 credits. "
        "New balance: 71.")


def test_a_conversation_stored_under_the_old_flow_name_photo_is_answered_by_the_invoice_flow(
        app, twilio, clock, make_partner):
    partner = make_partner()
    submit_read(partner, _read(total_paise=71_040_00, day=None))
    with unit_of_work() as session:  # as a conversation parked before the rename was stored
        conv = session.scalar(select(Conversation).where(Conversation.phone == partner.phone))
        assert (conv.flow, conv.state) == ("invoice", "confirm")
        conv.flow = "photo"
    assert twilio.chat(partner.phone, "1") == [ASK_DATE]
    with unit_of_work() as session:
        conv = session.scalar(select(Conversation).where(Conversation.phone == partner.phone))
        assert (conv.flow, conv.state) == ("invoice", "confirm")


@pytest.mark.parametrize("verdict", ["approve", "reject"])
def test_an_invoice_past_the_budget_cap_is_settled_by_the_cap_review(
        app, db, clock, make_partner, program, verdict):
    """The cap holds the invoice's credits back (the partner is told they wait); approval
    points the invoice at the one entry that credits it, refusal rejects the invoice; the
    partner is told either way."""
    partner = make_partner()
    budget.force(db, program.id, program.spec.budget.monthly_cap_credits - 10)
    db.commit()
    invoice = submit_read(partner, _read(total_paise=71_040_00))
    assert outbox_texts(partner.phone)[-1].endswith(": 71 credits are waiting for approval.")
    with unit_of_work() as session:
        [item] = review.pending(session, "budget_cap")
    result = app.test_cli_runner().invoke(args=["review", verdict, str(item.id)])
    assert result.exit_code == 0, result.output
    with unit_of_work() as session:
        invoice = session.get(Invoice, invoice.id)
        entry = session.get(JournalEntry, invoice.entry_id) if invoice.entry_id else None
        balance = wallet_balance(session, partner.id, program.id).balance
    if verdict == "approve":
        assert (invoice.status, entry.queued, entry.credits, balance) == (
            InvoiceStatus.CREDITED, False, 71, 71)
        assert outbox_texts(partner.phone)[-1] == (
            "Invoice ST/2026/00417 was checked and approved with a total of ₹71,040: +71 "
            "credits. New balance: 71.")
    else:
        assert (invoice.status, invoice.credits, balance) == (InvoiceStatus.REJECTED, 0, 0)
        assert outbox_texts(partner.phone)[-1] == (
            "Invoice ST/2026/00417 was not approved (monthly budget reached), so it earns no "
            "credits.")


def test_review_approve_prints_its_answer_without_info_log_lines(app, twilio, clock,
                                                                 make_partner, caplog):
    """`flask review approve` printed the JSON log lines of the credit and the message sent
    around its own answer (QA); as `flask chat`, they show with --logs only."""
    partner = make_partner()
    submit_read(partner, _read())
    twilio.chat(partner.phone, "71040")
    with unit_of_work() as session:
        item_id = session.scalar(select(ReviewItem.id))
    before = logging.getLogger("saathi").level
    with caplog.at_level(logging.INFO):
        logging.getLogger("saathi").setLevel(logging.INFO)
        caplog.clear()
        result = app.test_cli_runner().invoke(args=["review", "approve", str(item_id)])
        assert result.exit_code == 0 and result.output == f"{item_id} approved\n", result.output
        assert not [r for r in caplog.records if r.name.startswith("saathi.")
                    and r.levelno < logging.WARNING]
        assert logging.getLogger("saathi").level == logging.INFO  # given back
    logging.getLogger("saathi").setLevel(before)


def _guessed(conf: float) -> InvoiceRead:
    """A read whose total is a figure the reader found without its label (workers.ocr.total:
    UNLABELLED times the engine's confidence in it)."""
    read = _read()
    read.set("total_paise", 71_040_00, conf)
    return read


@pytest.mark.parametrize(("reply", "how"), [("1", "confirmed"), ("71000", "typed near it")])
def test_a_guessed_total_the_partner_confirms_or_types_near_waits_for_a_reviewer(
        app, twilio, clock, make_partner, program, reply, how):
    partner = make_partner()
    submit_read(partner, _guessed(0.33))
    assert twilio.chat(partner.phone, reply) == [
        "Thanks! Our team will check the total of invoice ST/2026/00417 and message you."]
    with unit_of_work() as session:
        item = session.scalar(select(ReviewItem))
        view = review.describe(session, item)
        assert wallet_balance(session, partner.id, program.id).balance == 0
    assert (view["rule"], view["reason"]) == (
        "total_guessed", f"total only guessed as 71040.00 rupees (confidence 0.33), then {how}")
    assert view["details"] == {"read_total_paise": 71_040_00, "confidence": 0.33}
    result = app.test_cli_runner().invoke(args=["review", "approve", str(item.id)])
    assert result.exit_code == 0, result.output
    assert outbox_texts(partner.phone)[-1].endswith("+71 credits. New balance: 71.")


def test_a_total_read_surer_than_a_guess_credits_when_the_partner_confirms_it(
        app, twilio, clock, make_partner, program):
    partner = make_partner()
    submit_read(partner, _guessed(0.45))
    [reply] = twilio.chat(partner.phone, "1")
    assert reply.endswith("+71 credits. New balance: 71.")
    with unit_of_work() as session:
        assert session.scalar(select(ReviewItem)) is None
        assert session.scalar(select(Invoice)).status == InvoiceStatus.CREDITED
