"""The read-back of an invoice says which field was not read: a missing number is "invoice
number not read", not "invoice: not read" (QA finding A)."""

from __future__ import annotations

from datetime import date

import pytest

from bot.i18n import LANGUAGES, translate
from bot.notices.invoices import read_summary
from models.invoices.invoice import Invoice


def _invoice(number: str | None) -> Invoice:
    return Invoice(number=number, seller_gstin="27AAACS1234P1Z7", invoice_date=date(2026, 3, 2),
                   total_paise=71_040_00)


def test_an_unread_number_is_named_as_the_number():
    assert read_summary("en", _invoice(None)) == (
        "Invoice number not read, seller GSTIN 27AAACS1234P1Z7, date 02-03-2026, total ₹71,040")
    assert read_summary("hi", _invoice(None)).startswith("बिल नंबर पढ़ा नहीं गया")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_language_reads_back_not_read_as_the_invoice_number(lang):
    unread = translate(lang, "not read")
    assert read_summary(lang, _invoice(None)) != read_summary(lang, _invoice(unread))
    assert "ST/2026/00417" in read_summary(lang, _invoice("ST/2026/00417"))
