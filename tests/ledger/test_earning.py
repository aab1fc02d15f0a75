"""Earning rules: invoice amounts by category, QR codes, certifications."""

from models.programs.earning import certification_credits, invoice_credits, qr_credits
from models.programs.schema import read_file

from .conftest import PROGRAMS


def test_invoice_rules_by_category_with_fallback():
    elec = read_file(PROGRAMS / "elec.yaml")
    # ₹10,000 switchgear (3 per ₹1,000) + ₹5,000 wires (2 per ₹1,000) + ₹999 other
    assert invoice_credits(elec, [("switchgear", 10_00_000), ("Wires", 5_00_000),
                                  ("fans", 999_00)]) == 30 + 10 + 0


def test_cashback_percent_is_paid_in_credits():
    chemx = read_file(PROGRAMS / "chemx.yaml")  # 2% of ₹10,000 = ₹200 = 200 credits of ₹1
    assert invoice_credits(chemx, [("tile-adhesive", 10_00_000)]) == 200


def test_minimum_amount_and_certification_and_qr():
    cempro = read_file(PROGRAMS / "cempro.yaml")
    assert invoice_credits(cempro, [("blocks", 4_999_00)]) == 0
    assert certification_credits(cempro, "Master") == 1200
    assert certification_credits(cempro, "unknown") == 0
    lube = read_file(PROGRAMS / "lube.yaml")
    assert (qr_credits(lube, "ENGINE-OIL-4L"), qr_credits(lube, "grease")) == (20, 5)
