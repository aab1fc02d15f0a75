"""Invoice rules end to end: duplicates by anyone, distributor check, age, and the unsure read
path (confirm, correct within the margin, review beyond it). The photo-hash rule for the same
photo sent again is in test_duplicates.py."""

from __future__ import annotations

import random

from sqlalchemy import select

from models.db import unit_of_work
from models.invoices.invoice import Invoice, InvoiceStatus
from models.ledger.operations import wallet_balance
from models.review.queue import ReviewItem
from tests.invoice import make
from tests.invoice.conftest import einvoice_photo, outbox_texts, send_file, upload

BIG = 1_00_000_00  # ₹1,00,000


def test_same_invoice_number_from_another_partner_is_refused(twilio, clock, make_partner):
    first, second = make_partner(), make_partner()
    data, truth = einvoice_photo(seed=5, total_paise=BIG)
    send_file(twilio, first.phone, upload(data))
    other_photo, _ = einvoice_photo(seed=5, total_paise=BIG, degrade=True)
    send_file(twilio, second.phone, upload(other_photo))
    assert outbox_texts(second.phone) == [
        f"Invoice {truth.number} from this seller was already sent, so it cannot earn again."]


def test_seller_who_is_not_a_distributor_of_the_partners_programs_earns_nothing(
        twilio, clock, make_partner, program):
    partner = make_partner()
    data, truth = einvoice_photo(seed=7, seller=make.make_gstin(random.Random(7)))
    send_file(twilio, partner.phone, upload(data))
    assert outbox_texts(partner.phone) == [
        f"The seller on invoice {truth.number} is not a distributor in your programs, so it "
        "earns no credits."]
    with unit_of_work() as session:
        assert wallet_balance(session, partner.id, program.id).balance == 0


def test_invoice_older_than_the_programs_limit_is_refused(twilio, clock, make_partner):
    partner = make_partner()
    clock.set(clock.now.replace(year=2026, month=9))  # the invoice is now months old
    data, truth = einvoice_photo(seed=8)
    send_file(twilio, partner.phone, upload(data))
    assert outbox_texts(partner.phone) == [f"Invoice {truth.number} is too old to earn credits."]


def _unsure_upload(app, twilio, partner, seed: int) -> make.Truth:
    app.config["INVOICE_MIN_CONFIDENCE"] = 1.0  # every read field counts as unsure
    data, truth = einvoice_photo(seed=seed, total_paise=BIG)
    send_file(twilio, partner.phone, upload(data))
    assert outbox_texts(partner.phone) == [
        f"I read: Invoice {truth.number}, seller GSTIN {truth.seller_gstin}, date "
        f"{truth.day:%d-%m-%Y}, total ₹1,00,000.\n"
        "Reply 1 if this is right, 2 to cancel, or type the correct total."]
    return truth


def test_unsure_read_is_credited_only_after_the_partner_confirms(app, twilio, clock,
                                                                 make_partner, program):
    partner = make_partner()
    truth = _unsure_upload(app, twilio, partner, seed=9)
    with unit_of_work() as session:
        assert wallet_balance(session, partner.id, program.id).balance == 0
    [reply] = twilio.chat(partner.phone, "1")
    assert reply.startswith(f"Invoice {truth.number}") and "credits. New balance:" in reply
    with unit_of_work() as session:
        assert wallet_balance(session, partner.id, program.id).balance > 0


def test_partner_can_cancel_an_unsure_read(app, twilio, clock, make_partner):
    partner = make_partner()
    truth = _unsure_upload(app, twilio, partner, seed=10)
    assert twilio.chat(partner.phone, "2") == [f"OK, invoice {truth.number} was not submitted."]


def test_a_total_typed_within_the_margin_credits_on_the_typed_total(app, twilio, clock,
                                                                    make_partner):
    partner = make_partner()
    _unsure_upload(app, twilio, partner, seed=11)
    [reply] = twilio.chat(partner.phone, "₹99,500")
    assert "total ₹99,500: +" in reply  # the total it was credited on
    with unit_of_work() as session:
        invoice = session.scalar(select(Invoice))
        assert (invoice.status, invoice.total_paise) == (InvoiceStatus.CREDITED, 99_500_00)


def test_a_total_far_from_the_read_one_waits_for_review_then_credits_when_approved(
        app, twilio, clock, make_partner, program):
    partner = make_partner()
    truth = _unsure_upload(app, twilio, partner, seed=12)
    assert twilio.chat(partner.phone, "250000") == [
        f"Thanks! Our team will check the total of invoice {truth.number} and message you."]
    with unit_of_work() as session:
        item = session.scalar(select(ReviewItem).where(ReviewItem.kind == "invoice"))
        assert wallet_balance(session, partner.id, program.id).balance == 0
    result = app.test_cli_runner().invoke(args=["review", "approve", str(item.id)])
    assert result.exit_code == 0, result.output
    with unit_of_work() as session:
        invoice = session.scalar(select(Invoice))
        assert (invoice.status, invoice.total_paise) == (InvoiceStatus.CREDITED, 2_50_000_00)
        balance = wallet_balance(session, partner.id, program.id).balance
    assert balance == invoice.credits > 0
    assert outbox_texts(partner.phone)[-1].endswith(f"New balance: {balance}.")


def test_a_rejected_review_is_told_to_the_partner_and_credits_nothing(app, twilio, clock,
                                                                      make_partner, program):
    partner = make_partner()
    truth = _unsure_upload(app, twilio, partner, seed=13)
    twilio.chat(partner.phone, "9,99,999")
    with unit_of_work() as session:
        item_id = session.scalar(select(ReviewItem.id))
    assert app.test_cli_runner().invoke(args=["review", "reject", str(item_id)]).exit_code == 0
    assert outbox_texts(partner.phone)[-1] == (
        f"Sorry, invoice {truth.number} was checked and cannot earn credits.")
    with unit_of_work() as session:
        assert wallet_balance(session, partner.id, program.id).balance == 0
        assert session.scalar(select(Invoice.invoice_date)) == truth.day
