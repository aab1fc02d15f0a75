"""Fraud rules for invoices, with thresholds from the program's `invoice:` section
(models/programs/invoice_settings.py). A rule that fires sends the invoice to the review queue
instead of crediting it; the reviewer sees which rule and its facts (`Flag.details`).

Checked, in order, for an invoice whose fields are all known and about to credit:
- the buyer GSTIN read on it is not the partner's;
- it is billed to the partner's GSTIN, but another partner (a distributor too) declared the
  same GSTIN, and no reviewer has yet confirmed this partner holds it (a GSTIN is declared,
  never proven, so a copied one must not unlock invoices billed to someone else);
- the partner sent more invoices than allowed in the 24 hours, or the 7 days, before it;
- it would take the partner's credits this month from invoices not billed to their own GSTIN
  (all of them, for a partner without one) past the program's cap;
- a spot check: each month a random share of the partners is drawn, and the first invoice
  a drawn partner sends while among the month's top earners is checked.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from models.base import ist_month_start, utcnow
from models.invoices.invoice import CLAIMING, Invoice, InvoiceStatus
from models.partners.partner import Partner
from models.programs.invoice_settings import InvoiceSettings
from models.review.queue import ReviewItem, ReviewStatus


class Rule(StrEnum):
    TOTAL_TYPED = "total_typed"  # the partner typed a total far from the one read, or none
    TOTAL_GUESSED = "total_guessed"  # the total read was a guess (read.GUESSED_TOTAL)
    NUMBER_TYPED = "number_typed"  # the number was not read: the partner typed it
    BUYER_GSTIN_MISMATCH = "buyer_gstin_mismatch"
    SHARED_GSTIN = "shared_gstin"  # billed to the partner's GSTIN, which another partner holds
    VELOCITY_DAY = "velocity_day"
    VELOCITY_WEEK = "velocity_week"
    UNMATCHED_BUYER_CAP = "unmatched_buyer_cap"
    SPOT_CHECK = "spot_check"
    BUYER_BY_NAME = "buyer_by_name"  # a distributor's sale whose buyer matched by name only
    DISTRIBUTOR_DATA = "distributor_data"  # a distributor's sales data disagrees with a photo


@dataclass(frozen=True)
class Flag:
    rule: Rule
    reason: str  # one line for operators
    details: dict = field(default_factory=dict)


def buyer_differs(invoice: Invoice, partner: Partner) -> bool:
    """True if both the invoice's buyer GSTIN and the partner's are known and differ."""
    return bool(invoice.buyer_gstin and partner.gstin and invoice.buyer_gstin != partner.gstin)


def billed_to(invoice: Invoice, partner: Partner) -> bool:
    """True if the invoice is billed to the partner's own GSTIN."""
    return partner.gstin is not None and invoice.buyer_gstin == partner.gstin


def unconfirmed_sharers(session: Session, partner: Partner) -> list[int]:
    """The other partners (distributors too) who declared `partner`'s GSTIN; empty if none, or
    if a reviewer already approved an invoice of `partner` held for sharing this GSTIN."""
    if partner.gstin is None:
        return []
    others = list(session.scalars(select(Partner.id).where(
        Partner.gstin == partner.gstin, Partner.id != partner.id).order_by(Partner.id)))
    if not others:
        return []
    approved = session.scalars(select(ReviewItem.payload).where(
        ReviewItem.partner_id == partner.id, ReviewItem.rule == Rule.SHARED_GSTIN,
        ReviewItem.status == ReviewStatus.APPROVED))
    if any((payload or {}).get("details", {}).get("gstin") == partner.gstin
           for payload in approved):
        return []
    return others


def check(session: Session, invoice: Invoice, partner: Partner, settings: InvoiceSettings,
          credits: int, secret: str) -> Flag | None:
    """The first rule that holds `invoice` (worth `credits`) for review, or None."""
    if buyer_differs(invoice, partner):
        return Flag(Rule.BUYER_GSTIN_MISMATCH, "buyer GSTIN is not the partner's",
                    {"buyer_gstin": invoice.buyer_gstin, "partner_gstin": partner.gstin})
    if billed_to(invoice, partner) and (others := unconfirmed_sharers(session, partner)):
        return Flag(Rule.SHARED_GSTIN, f"buyer GSTIN is the partner's, but partners {others} "
                    "declared it too", {"gstin": partner.gstin, "also_declared_by": others})
    for rule, days, limit in ((Rule.VELOCITY_DAY, 1, settings.max_invoices_per_day),
                              (Rule.VELOCITY_WEEK, 7, settings.max_invoices_per_week)):
        sent = _sent_within(session, invoice, timedelta(days=days))
        if sent > limit:
            return Flag(rule, f"{sent} invoices in {days * 24} hours (limit {limit})",
                        {"invoices": sent, "limit": limit, "hours": days * 24})
    month = ist_month_start(utcnow())
    cap = settings.unmatched_buyer_monthly_cap_credits
    if cap is not None and not billed_to(invoice, partner):
        earned = _unmatched_credits(session, invoice, partner, month)
        if earned + credits > cap:
            return Flag(Rule.UNMATCHED_BUYER_CAP,
                        f"{earned} + {credits} credits this month from invoices not billed to "
                        f"the partner's GSTIN (cap {cap})",
                        {"earned_this_month": earned, "credits": credits, "cap": cap})
    if _spot_check_due(session, invoice, settings, credits, month, secret):
        return Flag(Rule.SPOT_CHECK, "random spot check of a top earner",
                    {"share_percent": settings.spot_check_percent,
                     "top_percent": settings.spot_check_top_percent})
    return None


def _sent_within(session: Session, invoice: Invoice, window: timedelta) -> int:
    """Invoices the partner sent in the program in `window` up to this one, this one too."""
    return 1 + session.scalar(select(func.count(Invoice.id)).where(
        Invoice.partner_id == invoice.partner_id, Invoice.program_id == invoice.program_id,
        Invoice.id != invoice.id, Invoice.status.in_(CLAIMING),
        Invoice.created_at > invoice.created_at - window, Invoice.created_at <= invoice.created_at))


def _credited_since(invoice: Invoice, since: datetime):
    return (Invoice.program_id == invoice.program_id, Invoice.id != invoice.id,
            Invoice.status == InvoiceStatus.CREDITED, Invoice.updated_at >= since)


def _unmatched_credits(session: Session, invoice: Invoice, partner: Partner,
                       month: datetime) -> int:
    """Credits the partner earned since `month` on invoices not billed to their GSTIN."""
    not_theirs = () if partner.gstin is None else (or_(
        Invoice.buyer_gstin.is_(None), Invoice.buyer_gstin != partner.gstin),)
    return int(session.scalar(select(func.coalesce(func.sum(Invoice.credits), 0)).where(
        Invoice.partner_id == partner.id, *not_theirs, *_credited_since(invoice, month))))


def spot_checked(secret: str, program_id: int, partner_id: int, month: str,
                 percent: float) -> bool:
    """Whether the partner is drawn for this month's spot check: `percent` of partners are,
    by a keyed hash, so the draw holds all month and cannot be worked out from outside."""
    digest = hmac.new(secret.encode(), f"{program_id}:{partner_id}:{month}".encode(),
                      hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big") < percent / 100 * 2**64


def _spot_check_due(session: Session, invoice: Invoice, settings: InvoiceSettings,
                    credits: int, month: datetime, secret: str) -> bool:
    if not spot_checked(secret, invoice.program_id, invoice.partner_id,
                        month.strftime("%Y-%m"), settings.spot_check_percent):
        return False
    done = session.scalar(select(func.count(ReviewItem.id)).where(
        ReviewItem.partner_id == invoice.partner_id, ReviewItem.program_id == invoice.program_id,
        ReviewItem.rule == Rule.SPOT_CHECK, ReviewItem.created_at >= month))
    return not done and _top_earner(session, invoice, settings, credits, month)


def _top_earner(session: Session, invoice: Invoice, settings: InvoiceSettings, credits: int,
                month: datetime) -> bool:
    """Whether this invoice puts the partner among the month's top invoice earners."""
    rows = session.execute(select(Invoice.partner_id, func.sum(Invoice.credits)).where(
        *_credited_since(invoice, month)).group_by(Invoice.partner_id))
    earned = {partner_id: int(total) for partner_id, total in rows}
    mine = earned.get(invoice.partner_id, 0) + credits
    earned[invoice.partner_id] = mine
    ranked = sorted(earned.values(), reverse=True)
    top = max(1, math.ceil(len(ranked) * settings.spot_check_top_percent / 100))
    return mine > 0 and mine >= ranked[top - 1]
