"""The e-invoice QR's signature: verified against the portal keys configured as PEM files
(EINVOICE_PUBLIC_KEYS); a QR that is not verified is worth no more than the printed text."""

from __future__ import annotations

import functools
import random
from datetime import date

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import select

from app import create_app
from bot.einvoice_keys import load_public_keys
from models.codes.format import CodeError, codes_in, find_codes
from models.db import unit_of_work
from models.invoices.invoice import Invoice, InvoiceStatus
from models.ledger.operations import wallet_balance
from tests.invoice import make
from tests.invoice.conftest import SELLER, outbox_texts, send_file, upload
from workers.ocr.einvoice import CONFIDENCE
from workers.ocr.read import read_invoice

PRINTED = make.Truth(seller_gstin=SELLER, buyer_gstin=make.make_gstin(random.Random(9), 27),
                     number="ST/2026/00417", day=date(2026, 3, 2), total_paise=10_030_00,
                     items=[("OPC 53 Grade Cement", 25, 8_500_00)])
FONT = make.font_path("DejaVuSans.ttf")


def page_with_qr(token: str):
    return make.render(PRINTED, random.Random(4), font=FONT, qr_text=token)


@functools.cache
def forger_key() -> rsa.RSAPrivateKey:
    """A key no portal has, made once per test process: on SQLite and on PostgreSQL the
    forged page is then the same, and read once (tests/conftest.py)."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def test_a_forged_qr_claiming_a_bigger_total_earns_nothing_at_its_word(
        twilio, clock, make_partner, program):
    token = make.einvoice_jwt(PRINTED, key=forger_key(), TotInvVal=10_03_000.0)  # 100 times
    partner = make_partner()
    send_file(twilio, partner.phone, upload(make.to_bytes(page_with_qr(token))))
    assert outbox_texts(partner.phone) == [
        f"I read: Invoice ST/2026/00417, seller GSTIN {SELLER}, date 02-03-2026, total "
        "₹10,030.\nReply 1 if this is right, 2 to cancel, or type the correct total."]
    with unit_of_work() as session:
        invoice = session.scalar(select(Invoice))
        assert (invoice.status, invoice.source) == (InvoiceStatus.CONFIRM, "qr-unverified+ocr")
        assert invoice.confidence["total_paise"] < app_min(twilio)
        assert wallet_balance(session, partner.id, program.id).balance == 0


def app_min(twilio) -> float:
    return twilio.client.application.config["INVOICE_MIN_CONFIDENCE"]


def test_a_qr_signed_with_a_configured_key_is_trusted(tmp_path):
    (tmp_path / "irp.pem").write_bytes(make.public_pem(make.irp_key()))
    keys = load_public_keys([str(tmp_path / "irp.pem")])
    read = read_invoice(page_with_qr(make.einvoice_jwt(PRINTED)), keys=keys)
    assert read.source == "einvoice-qr"
    assert read.total_paise == PRINTED.total_paise
    assert read.confidence["total_paise"] == CONFIDENCE


def test_with_no_key_configured_a_qrs_fields_carry_the_confidence_of_ocr():
    page = page_with_qr(make.einvoice_jwt(PRINTED))
    unverified = read_invoice(page, keys=())
    printed_only = read_invoice(page, qr_texts=[], keys=())
    assert unverified.source == "qr-unverified+ocr"
    assert unverified.invoice_number == PRINTED.number
    assert unverified.total_paise == PRINTED.total_paise
    assert unverified.confidence == printed_only.confidence


def test_a_total_only_an_unverified_qr_states_counts_as_not_read():
    page = make.render(PRINTED, random.Random(4), font=FONT)
    above_the_totals = page.crop((0, 0, page.width, 680))  # down to the item lines
    read = read_invoice(above_the_totals, qr_texts=[make.einvoice_jwt(PRINTED)], keys=())
    assert read.invoice_number == PRINTED.number and read.total_paise is None


def test_a_qr_field_that_ocr_did_not_read_is_left_for_the_partner_to_confirm():
    blank = make.render(make.Truth(SELLER, PRINTED.buyer_gstin, "", PRINTED.day, 0),
                        random.Random(4), font=FONT)
    read = read_invoice(blank, qr_texts=[make.einvoice_jwt(PRINTED)], keys=())
    assert read.invoice_number == PRINTED.number
    assert read.confidence["invoice_number"] < 0.8


def test_a_key_file_that_is_not_a_pem_key_stops_the_app_with_its_name(tmp_path, capsys):
    bad = tmp_path / "nic.pem"
    bad.write_text("not a key")
    with pytest.raises(SystemExit):
        create_app({"EINVOICE_PUBLIC_KEYS": str(bad)})
    assert capsys.readouterr().err.strip() == (
        f"Saathi will not start: EINVOICE_PUBLIC_KEYS: {bad}: not a PEM public key or "
        "certificate")


def test_several_key_files_are_given_separated_by_commas(tmp_path):
    paths = []
    for name in ("irp1.pem", "irp2.pem"):
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        (tmp_path / name).write_bytes(make.public_pem(key))
        paths.append(str(tmp_path / name))
    app = create_app({"EINVOICE_PUBLIC_KEYS": ", ".join(paths)})
    assert app.config["EINVOICE_PUBLIC_KEYS"] == paths


def test_a_signed_token_is_never_taken_for_product_codes():
    """With its dots dropped, one real signature in sixteen has the length and letters of
    product codes: such a QR is still an invoice."""
    tokens = (make.einvoice_jwt(PRINTED, irn=f"{n:064x}") for n in range(200))
    code_like = next(t for t in tokens if _passes_for_codes(t))
    assert codes_in([code_like]) == []


def _passes_for_codes(token: str) -> bool:
    try:
        return bool(find_codes(token))
    except CodeError:
        return False
