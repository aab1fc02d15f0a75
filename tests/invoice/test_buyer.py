"""Whose invoice it is: the buyer GSTIN read on the invoice against the partner's GSTIN, and a
monthly cap for invoices that cannot be tied to the partner that way."""

from __future__ import annotations

import random
from datetime import date

from sqlalchemy import select

from models.db import unit_of_work
from models.invoices.invoice import Invoice, InvoiceStatus, Reason
from models.partners.partner import Partner
from models.review.queue import ReviewItem
from tests.invoice import make
from tests.invoice.conftest import (
    SELLER,
    load_cempro,
    outbox_texts,
    send_file,
    upload,
)

PARTNER_GSTIN = make.make_gstin(random.Random(21), 27)
OTHER_GSTIN = make.make_gstin(random.Random(22), 27)


def send_einvoice(twilio, phone: str, number: str, total_paise: int, buyer: str) -> None:
    truth = make.Truth(seller_gstin=SELLER, buyer_gstin=buyer, number=number,
                       day=date(2026, 3, 2), total_paise=total_paise)
    page = make.render(truth, random.Random(4), qr_text=make.einvoice_jwt(truth))
    send_file(twilio, phone, upload(make.to_bytes(page)))


def test_an_invoice_billed_to_another_gstin_waits_for_a_reviewer(twilio, clock, make_partner):
    partner = make_partner(gstin=PARTNER_GSTIN)
    send_einvoice(twilio, partner.phone, "ST/2026/00417", 71_040_00, OTHER_GSTIN)
    assert outbox_texts(partner.phone) == [
        "Invoice ST/2026/00417 is billed to a GSTIN other than yours: our team will check it "
        "and message you."]
    with unit_of_work() as session:
        assert session.scalar(select(Invoice.status)) == InvoiceStatus.REVIEW
        item = session.scalar(select(ReviewItem))
        assert (item.kind, item.rule) == ("invoice", "buyer_gstin_mismatch")
        assert item.payload["details"] == {"buyer_gstin": OTHER_GSTIN,
                                           "partner_gstin": PARTNER_GSTIN}


def test_a_program_can_refuse_invoices_billed_to_another_gstin(db, twilio, clock,
                                                               make_partner):
    partner = make_partner(gstin=PARTNER_GSTIN)
    load_cempro(db, buyer_gstin_mismatch="reject")
    send_einvoice(twilio, partner.phone, "ST/2026/00417", 71_040_00, OTHER_GSTIN)
    assert outbox_texts(partner.phone) == [
        "Invoice ST/2026/00417 is billed to a GSTIN other than yours, so it cannot earn "
        "credits for you."]
    with unit_of_work() as session:
        invoice = session.scalar(select(Invoice))
        assert (invoice.status, invoice.reason) == (InvoiceStatus.REJECTED, Reason.NOT_BUYER)


def test_a_partner_without_a_gstin_earns_invoice_credits_up_to_the_monthly_cap(
        db, twilio, clock, make_partner):
    partner = make_partner()
    load_cempro(db, unmatched_buyer_monthly_cap_credits=100)
    send_einvoice(twilio, partner.phone, "ST/2026/00417", 71_040_00, OTHER_GSTIN)
    send_einvoice(twilio, partner.phone, "ST/2026/00452", 51_584_00, OTHER_GSTIN)
    first, second = outbox_texts(partner.phone)
    assert first.endswith("+71 credits. New balance: 71.")
    assert second == "Thanks! Our team will check invoice ST/2026/00452 and message you."
    with unit_of_work() as session:
        assert session.scalar(select(ReviewItem.rule)) == "unmatched_buyer_cap"
    clock.set(clock.now.replace(month=4))  # a new month, a new allowance
    send_einvoice(twilio, partner.phone, "ST/2026/00488", 51_584_00, OTHER_GSTIN)
    assert outbox_texts(partner.phone)[-1].endswith("+51 credits. New balance: 122.")


def test_invoices_billed_to_the_partners_own_gstin_are_not_capped(db, twilio, clock,
                                                                  make_partner):
    partner = make_partner(gstin=PARTNER_GSTIN)
    load_cempro(db, unmatched_buyer_monthly_cap_credits=100)
    send_einvoice(twilio, partner.phone, "ST/2026/00417", 71_040_00, PARTNER_GSTIN)
    send_einvoice(twilio, partner.phone, "ST/2026/00452", 51_584_00, PARTNER_GSTIN)
    assert outbox_texts(partner.phone)[-1].endswith("+51 credits. New balance: 122.")


def test_a_gstin_another_partner_declared_too_holds_its_invoices_until_a_reviewer_confirms(
        app, db, twilio, clock, make_partner):
    """Anyone can declare any GSTIN at enrolment: a copied one must not unlock invoices
    billed to the shop that really holds it (QA finding F)."""
    honest = make_partner(gstin=PARTNER_GSTIN)
    copier = make_partner(gstin=PARTNER_GSTIN)
    send_einvoice(twilio, copier.phone, "ST/2026/00417", 71_040_00, PARTNER_GSTIN)
    assert outbox_texts(copier.phone) == [
        "Thanks! Our team will check invoice ST/2026/00417 and message you."]
    with unit_of_work() as session:
        item = session.scalar(select(ReviewItem))
        assert item.rule == "shared_gstin"
        assert item.payload["details"] == {"gstin": PARTNER_GSTIN,
                                           "also_declared_by": [honest.id]}
    result = app.test_cli_runner().invoke(args=["review", "approve", str(item.id)])
    assert result.exit_code == 0, result.output
    send_einvoice(twilio, copier.phone, "ST/2026/00452", 51_584_00, PARTNER_GSTIN)
    assert outbox_texts(copier.phone)[-1].endswith("+51 credits. New balance: 122.")


def test_a_partner_who_declared_a_distributors_gstin_cannot_claim_its_invoices(
        db, twilio, clock, make_partner, program):
    distributor = db.scalar(select(Partner).where(Partner.role == "distributor",
                                                  Partner.gstin.is_not(None)))
    partner = make_partner(gstin=distributor.gstin)
    send_einvoice(twilio, partner.phone, "ST/2026/00417", 71_040_00, distributor.gstin)
    assert outbox_texts(partner.phone) == [
        "Thanks! Our team will check invoice ST/2026/00417 and message you."]
    with unit_of_work() as session:
        assert session.scalar(select(ReviewItem.rule)) == "shared_gstin"
