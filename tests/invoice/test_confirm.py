"""What the partner is asked about an unsure read: a field that was not read is typed, never
confirmed as empty; and what they are told when a reviewer approves an invoice."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from models.db import unit_of_work
from models.invoices.invoice import Invoice, InvoiceStatus
from models.invoices.read import InvoiceRead, Item
from models.ledger.operations import wallet_balance
from models.review.queue import ReviewItem
from tests.invoice.conftest import SELLER, outbox_texts, submit_read

ASK_TOTAL = "I could not read the total. Type the invoice total, for example 12500, or 2 to cancel."
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


def test_confirming_an_unread_total_is_refused_and_the_total_is_asked_for(
        app, twilio, clock, make_partner, program):
    partner = make_partner()
    submit_read(partner, _read())
    assert outbox_texts(partner.phone) == [
        f"I read: Invoice ST/2026/00417, seller GSTIN {SELLER}, date 02-03-2026, total not "
        f"read.\n{ASK_TOTAL}"]
    assert twilio.chat(partner.phone, "1") == [ASK_TOTAL]
    with unit_of_work() as session:
        invoice = session.scalar(select(Invoice))
        assert (invoice.status, invoice.credits) == (InvoiceStatus.CONFIRM, 0)
        assert wallet_balance(session, partner.id, program.id).balance == 0


def test_a_typed_total_where_none_was_read_waits_for_a_reviewer(app, twilio, clock,
                                                                make_partner):
    partner = make_partner()
    submit_read(partner, _read())
    assert twilio.chat(partner.phone, "71040") == [
        "Thanks! Our team will check the total of invoice ST/2026/00417 and message you."]
    with unit_of_work() as session:
        invoice = session.scalar(select(Invoice))
        assert (invoice.status, invoice.total_paise) == (InvoiceStatus.REVIEW, 71_040_00)


def test_an_unread_date_is_asked_for_then_the_total_is_confirmed(app, twilio, clock,
                                                                 make_partner, program):
    partner = make_partner()
    submit_read(partner, _read(total_paise=71_040_00, day=None))
    assert outbox_texts(partner.phone)[0].endswith(f"date not read, total ₹71,040.\n{ASK_DATE}")
    assert twilio.chat(partner.phone, "1") == [ASK_DATE]
    assert twilio.chat(partner.phone, "2/3/2026") == [
        f"I read: Invoice ST/2026/00417, seller GSTIN {SELLER}, date 02-03-2026, total "
        "₹71,040.\nReply 1 if this is right, 2 to cancel, or type the correct total."]
    [credited] = twilio.chat(partner.phone, "1")
    assert credited.endswith("+71 credits. New balance: 71.")
    with unit_of_work() as session:
        assert session.scalar(select(Invoice.invoice_date)) == date(2026, 3, 2)


def test_a_typed_date_past_the_programs_age_limit_is_refused(app, twilio, clock, make_partner):
    partner = make_partner()
    submit_read(partner, _read(total_paise=71_040_00, day=None))
    assert twilio.chat(partner.phone, "02-03-2025") == [
        "Invoice ST/2026/00417 is too old to earn credits."]


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
