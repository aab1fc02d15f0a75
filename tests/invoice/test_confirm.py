"""What the partner is told when a reviewer approves an invoice, and a conversation parked under
the invoice flow's old name (the questions about an unsure read: tests/transcripts/invoice/)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from models.db import unit_of_work
from models.invoices.read import InvoiceRead, Item
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
