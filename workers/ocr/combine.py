"""Merge what two OCR engines read from one page, field by field.

Two engines that fail in different ways rarely misread a field into the same wrong value, so
agreement makes a field sure; disagreement makes it unsure (the partner confirms it), unless
one reading's total was vouched for by the page itself (amount in words, tax arithmetic) and
the other's was not."""

from __future__ import annotations

from models.invoices.read import InvoiceRead
from workers.ocr.total import SURE

FIELDS = ("seller_gstin", "buyer_gstin", "invoice_number", "invoice_date", "total_paise")
AGREED = 0.92
DISAGREED = 0.6
CHECKED_OVER_UNCHECKED = 0.85
PLAUSIBLE_TOTAL = 0.65  # workers.ocr.total: a labelled total that is the page's largest amount


def merge(first: InvoiceRead, second: InvoiceRead, *, independent: bool = True) -> InvoiceRead:
    """One read from two: each field's value and confidence from both readings. Two engines'
    agreement makes a field sure (`independent`); one engine's two readings of a page fail
    alike, so their agreement keeps the surer confidence."""
    merged = InvoiceRead(items=max(first.items, second.items, key=len))
    for name in FIELDS:
        a, b = getattr(first, name), getattr(second, name)
        ca, cb = first.confidence.get(name, 0.0), second.confidence.get(name, 0.0)
        if a is None or b is None:
            value, conf = (a, ca) if b is None else (b, cb)
        elif a == b:
            # Both engines pick amounts by the same rules: when each only guessed (no total
            # label, or not the page's largest amount), agreeing is no evidence.
            guessed = name == "total_paise" and min(ca, cb) < PLAUSIBLE_TOTAL
            value, conf = a, max(ca, cb) if guessed or not independent else max(ca, cb, AGREED)
        else:
            value, conf = (a, ca) if ca >= cb else (b, cb)
            checked = name == "total_paise" and max(ca, cb) >= SURE > min(ca, cb)
            conf = CHECKED_OVER_UNCHECKED if checked else min(conf, DISAGREED)
        merged.set(name, value, conf)
    return merged


def is_sure(read: InvoiceRead, threshold: float) -> bool:
    """Whether one engine's reading is enough: every field the bot would otherwise ask about
    is there and sure, and the total was vouched for by the page itself."""
    return not read.unsure(threshold) and read.confidence.get("total_paise", 0.0) >= SURE
