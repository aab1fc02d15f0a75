"""The demo programs' category rates apply: an invoice's goods are put in a category by their
item names (keywords) or the e-invoice's HSN code, and earn that category's rate."""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from models.db import unit_of_work
from models.invoices.credits import credits_for
from models.invoices.invoice import Invoice
from models.programs.schema import read_file
from tests.invoice import make
from tests.invoice.conftest import SELLER, outbox_texts, send_file, upload

PROGRAMS = Path(__file__).resolve().parents[2] / "programs"
OPC_INVOICE = make.Truth(seller_gstin=SELLER, buyer_gstin=make.make_gstin(random.Random(9), 27),
                         number="ST/2026/00417",
                         day=date(2026, 3, 2), total_paise=71_040_00,
                         items=[("OPC 53 Grade Cement", 160, 60_800_00)])


def test_a_printed_opc_invoice_earns_the_opc_rate_on_cempro(twilio, clock, make_partner,
                                                            program):
    partner = make_partner()
    page = make.render(OPC_INVOICE, random.Random(4), font=make.font_path("DejaVuSans.ttf"))
    send_file(twilio, partner.phone, upload(make.to_bytes(page)))
    [text] = outbox_texts(partner.phone)
    assert text.endswith("total ₹71,040: +71 credits. New balance: 71.")  # not 35


@pytest.mark.parametrize(("hsn", "credits"), [
    ("25232910", 71),  # ordinary Portland cement: 1 credit per ₹1,000
    ("25232930", 71),  # Portland pozzolana cement: 1 credit per ₹1,000
    ("32149090", 35),  # wall putty: the generic rate, 1 credit per ₹2,000
])
def test_an_einvoice_earns_the_rate_of_its_main_hsn_code(twilio, clock, make_partner, program,
                                                         hsn, credits):
    partner = make_partner()
    page = make.render(OPC_INVOICE, random.Random(4),
                       qr_text=make.einvoice_jwt(OPC_INVOICE, hsn=hsn))
    send_file(twilio, partner.phone, upload(make.to_bytes(page)))
    assert outbox_texts(partner.phone)[0].endswith(f": +{credits} credits. New balance: "
                                                   f"{credits}.")
    with unit_of_work() as session:
        assert session.scalar(select(Invoice.hsn)) == hsn


def _invoice(total_paise: int, *items: tuple[str, int]) -> Invoice:
    return Invoice(total_paise=total_paise,
                   items=[{"name": n, "quantity": 1, "amount_paise": a} for n, a in items])


def test_elec_pays_switchgear_and_wires_their_own_rates_and_spreads_the_tax_over_them():
    spec = read_file(PROGRAMS / "elec.yaml")
    # ₹50,000 of MCBs (3 per ₹1,000) and ₹50,000 of FR wire (2 per ₹1,000), ₹18,000 GST
    invoice = _invoice(1_18_000_00, ("MCB 32A Double Pole", 50_000_00),
                       ("FR Wire 2.5 sqmm 90m", 50_000_00))
    assert credits_for(spec, invoice) == 59 * 3 + 59 * 2


def test_items_read_short_of_the_total_earn_their_rate_and_the_rest_the_generic_one():
    spec = read_file(PROGRAMS / "elec.yaml")
    # a line of ₹40,000 was not read: the ₹60,000 left earns 1 per ₹1,000
    invoice = _invoice(1_00_000_00, ("MCB 32A Double Pole", 40_000_00))
    assert credits_for(spec, invoice) == 40 * 3 + 60 * 1
