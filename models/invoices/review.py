"""Invoices in the review queue (kind "invoice"): how one is queued, and what a reviewer is
shown of it beside the item's partner, rule and details (models/review/queue.py `describe`):

    "invoice": {"id", "status", "photo" (media URL), "source" ("einvoice-qr", "ocr", ...),
                "credits_if_approved" (before the tier multiplier),
                "fields": {name: {"value", "confidence" (0..1, None if not read),
                                  "typed" (the partner typed it)}, ...;
                           "total_paise" also has "read" (the total as read)},
                "items": [{"name", "quantity", "amount_paise"}]}

Field names: seller_gstin, buyer_gstin, invoice_number, invoice_date (ISO), total_paise, hsn.
"""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from models import review
from models.invoices.credits import credits_for
from models.invoices.fraud import Flag
from models.invoices.invoice import Invoice, InvoiceStatus, set_status
from models.programs.program import Program

log = logging.getLogger("saathi.invoice")
KIND = "invoice"
_COLUMNS = {"seller_gstin": "seller_gstin", "buyer_gstin": "buyer_gstin",
            "invoice_number": "number", "invoice_date": "invoice_date",
            "total_paise": "total_paise", "hsn": "hsn"}


def hold(session: Session, invoice: Invoice, flag: Flag) -> Invoice:
    """Queue the invoice for a reviewer under `flag`'s rule; it credits only if approved."""
    item = review.submit(session, kind=KIND, rule=flag.rule, reason=flag.reason,
                         partner_id=invoice.partner_id, program_id=invoice.program_id,
                         payload={"invoice_id": invoice.id, "details": flag.details})
    invoice.review_item_id = item.id
    set_status(invoice, InvoiceStatus.REVIEW)
    log.info("invoice held for review", extra={"invoice_id": invoice.id,
                                               "review_item_id": item.id, "rule": flag.rule})
    return invoice


def invoice_of(session: Session, item: review.ReviewItem) -> Invoice | None:
    invoice_id = (item.payload or {}).get("invoice_id")
    return session.get(Invoice, invoice_id) if invoice_id else None


def view(session: Session, item: review.ReviewItem) -> dict:
    """The invoice as the reviewer needs it (shape in the module docstring)."""
    invoice = invoice_of(session, item)
    if invoice is None:
        return {}
    program = session.get(Program, invoice.program_id) if invoice.program_id else None
    fields = {}
    for name, column in _COLUMNS.items():
        value = getattr(invoice, column)
        fields[name] = {"value": value.isoformat() if hasattr(value, "isoformat") else value,
                        "confidence": (invoice.confidence or {}).get(name),
                        "typed": column in (invoice.typed or [])}
    fields["total_paise"]["read"] = invoice.read_total_paise
    return {"id": invoice.id, "status": invoice.status, "photo": invoice.media_url,
            "source": invoice.source,
            "credits_if_approved": credits_for(program.spec, invoice) if program else 0,
            "fields": fields, "items": invoice.items or []}
