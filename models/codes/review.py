"""Decide flagged scans (review kind "qr_scan"): approve credits the code, reject burns it.
The partner is told either way."""

from __future__ import annotations

from sqlalchemy.orm import Session

from models import events, review
from models.codes import format as qr_codes
from models.codes.scan import REVIEW_KIND, credit_redemption
from models.codes.tables import QrBatch, QrRedemption, QrScan, RedemptionStatus, ScanStatus
from models.partners.partner import Partner
from models.review.queue import ReviewItem


def _load(session: Session, item: ReviewItem) -> tuple[QrRedemption, QrBatch, Partner]:
    redemption = session.get(QrRedemption, item.payload["redemption_id"])
    return (redemption, session.get(QrBatch, redemption.batch_id),
            session.get(Partner, redemption.partner_id))


def approve(session: Session, item: ReviewItem) -> None:
    """Credit the flagged code now."""
    redemption, batch, partner = _load(session, item)
    result = credit_redemption(session, redemption, batch)
    session.get(QrScan, redemption.scan_id).status = ScanStatus.CREDITED
    events.record(session, events.ScanReviewed(
        item.id, partner.id, qr_codes.group(redemption.code), approved=True,
        credits=result.credits, balance=result.balance.balance))


def reject(session: Session, item: ReviewItem) -> None:
    """Keep the code used without crediting it."""
    redemption, _batch, partner = _load(session, item)
    redemption.status = RedemptionStatus.REJECTED
    events.record(session, events.ScanReviewed(item.id, partner.id,
                                               qr_codes.group(redemption.code), approved=False))


review.register(REVIEW_KIND, approve=approve, reject=reject)
