"""Decide what an uploaded invoice earns: duplicates, distributor, confidence, credits, review.

Every path ends in one InvoiceStatus; the caller tells the partner (models/invoice_notices.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from models import earning, ledger, review
from models.base import column_length, utcnow
from models.invoice_notices import tell_result
from models.invoice_read import InvoiceRead
from models.invoices import Invoice, InvoiceStatus, Reason, same_image, same_number, set_status
from models.invoices import take_claim as _take_claim
from models.program import Program, ProgramSpec, memberships_of

REVIEW_KIND = "invoice"


class InvoiceSettings(BaseModel):
    """The `invoice:` section of a program file (owned by INVOICE)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    # category -> words in a line item's name that put it in that category ("opc": ["OPC"])
    categories: dict[str, list[str]] = Field(default_factory=dict)
    max_age_days: int = Field(default=180, gt=0)
    max_credits_per_invoice: int | None = Field(default=None, gt=0)


def settings_of(spec: ProgramSpec) -> InvoiceSettings:
    return InvoiceSettings.model_validate(spec.invoice or {})


@dataclass(frozen=True)
class Match:
    program: Program
    distributor: str  # the distributor's name, for messages


def distributor_program(session: Session, partner_id: int, seller_gstin: str) -> Match | None:
    """The partner's program in which the seller is a listed distributor, if any."""
    for membership in memberships_of(session, partner_id):
        program = session.get(Program, membership.program_id)
        for dist in program.spec.distributors:
            if dist.gstin == seller_gstin:
                return Match(program, dist.name)
    return None


def category_lines(spec: ProgramSpec, invoice: Invoice) -> list[tuple[str, int]]:
    """[(category, amount_paise)]: items matched to categories; the rest of the total at "*"."""
    total = invoice.total_paise or 0
    keywords = settings_of(spec).categories
    lines: list[tuple[str, int]] = []
    for item in invoice.items or []:
        name, amount = str(item.get("name", "")).lower(), item.get("amount_paise") or 0
        category = next((c for c, words in keywords.items()
                         if any(w.lower() in name for w in words)), None)
        if category and amount:
            lines.append((category, amount))
    if sum(a for _c, a in lines) > total:
        lines = []  # items misread: credit on the total alone
    rest = total - sum(a for _c, a in lines)
    return [*lines, ("*", rest)] if rest > 0 else lines


def credits_for(spec: ProgramSpec, invoice: Invoice) -> int:
    credits = earning.invoice_credits(spec, category_lines(spec, invoice))
    cap = settings_of(spec).max_credits_per_invoice
    return min(credits, cap) if cap else credits


def submit(session: Session, invoice: Invoice, read: InvoiceRead) -> Invoice:
    """Apply every rule to a freshly read invoice; it ends credited, waiting, or rejected."""
    _copy_read(invoice, read)
    session.add(invoice)
    session.flush()
    config = current_app.config
    if same_image(session, invoice, config["INVOICE_IMAGE_DISTANCE"]) is not None:
        return _reject(invoice, Reason.DUPLICATE_IMAGE)
    if not invoice.seller_gstin or not invoice.number:
        return _reject(invoice, Reason.UNREADABLE)
    if same_number(session, invoice) is not None or not _take_claim(session, invoice):
        return _reject(invoice, Reason.DUPLICATE_NUMBER)
    match = distributor_program(session, invoice.partner_id, invoice.seller_gstin)
    if match is None:
        return _reject(invoice, Reason.NOT_DISTRIBUTOR)
    invoice.program_id = match.program.id
    max_age = timedelta(days=settings_of(match.program.spec).max_age_days)
    if invoice.invoice_date and invoice.invoice_date < (utcnow() - max_age).date():
        return _reject(invoice, Reason.TOO_OLD)
    # The seller GSTIN matched a listed distributor exactly: the program vouches for it.
    if set(read.unsure(config["INVOICE_MIN_CONFIDENCE"])) - {"seller_gstin"}:
        set_status(invoice, InvoiceStatus.CONFIRM)
        return invoice
    return credit(session, invoice)


def stored_number(number: str | None) -> str | None:
    """The invoice number as its column holds it (a misread can run long)."""
    return number[:column_length(Invoice.number)] if number else None


def _copy_read(invoice: Invoice, read: InvoiceRead) -> None:
    invoice.seller_gstin, invoice.buyer_gstin = read.seller_gstin, read.buyer_gstin
    invoice.number = stored_number(read.invoice_number)
    invoice.invoice_date = read.invoice_date
    invoice.total_paise = invoice.read_total_paise = read.total_paise
    invoice.items = [vars(i) for i in read.items]
    invoice.confidence, invoice.source = dict(read.confidence), read.source


def _reject(invoice: Invoice, reason: Reason) -> Invoice:
    set_status(invoice, InvoiceStatus.REJECTED, reason)
    return invoice


def credit(session: Session, invoice: Invoice) -> Invoice:
    """Earn the invoice's credits (tier multiplier, return-window lock); mark it credited."""
    program = session.get(Program, invoice.program_id)
    spec = program.spec
    credits = credits_for(spec, invoice)
    if credits > 0:
        match = distributor_program(session, invoice.partner_id, invoice.seller_gstin or "")
        volume = invoice.total_paise or 0
        result = ledger.earn(
            session, partner_id=invoice.partner_id, program_id=program.id, credits=credits,
            key=f"invoice:{invoice.id}", cause="invoice", cause_ref=invoice.number or "",
            description=f"invoice {invoice.number} from {match.distributor if match else '?'}",
            lock_days=earning.invoice_lock_days(spec),
            volume=volume if spec.tiers and spec.tiers.unit == "paise" else 0)
        invoice.credits, invoice.entry_id = result.credits, result.entry_id
    set_status(invoice, InvoiceStatus.CREDITED)
    return invoice


def confirm(session: Session, invoice: Invoice) -> Invoice:
    """The partner says the read is right: credit it."""
    return credit(session, invoice)


def correct_total(session: Session, invoice: Invoice, total_paise: int) -> Invoice:
    """The partner typed the total: within the margin it credits, beyond it goes to review."""
    read = invoice.read_total_paise
    margin = current_app.config["INVOICE_TOTAL_MARGIN_PERCENT"] / 100
    invoice.total_paise = total_paise
    if read and abs(total_paise - read) <= read * margin:
        return credit(session, invoice)
    item = review.submit(session, kind=REVIEW_KIND, partner_id=invoice.partner_id,
                         program_id=invoice.program_id,
                         reason=f"total corrected from {read} to {total_paise} paise",
                         payload={"invoice_id": invoice.id, "read_total_paise": read,
                                  "total_paise": total_paise})
    invoice.review_item_id = item.id
    set_status(invoice, InvoiceStatus.REVIEW)
    return invoice


def cancel(invoice: Invoice) -> Invoice:
    return _reject(invoice, Reason.CANCELLED)


def _approve(session: Session, item: review.ReviewItem) -> None:
    invoice = session.get(Invoice, item.payload["invoice_id"])
    tell_result(session, credit(session, invoice))


def _reject_review(session: Session, item: review.ReviewItem) -> None:
    invoice = session.get(Invoice, item.payload["invoice_id"])
    tell_result(session, _reject(invoice, Reason.REVIEW_REJECTED))


review.register(REVIEW_KIND, approve=_approve, reject=_reject_review)
