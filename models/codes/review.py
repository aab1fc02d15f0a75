"""Decide flagged scans (review kind "qr_scan"), and codes the budget cap held back (kind
"budget_cap"): approve credits the code, reject burns it. The partner is told either way."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import events, review
from models.codes import format as qr_codes
from models.codes.scan import CAUSE, REVIEW_KIND, credit_redemption, mark
from models.codes.tables import QrBatch, QrRedemption, QrScan, RedemptionStatus, ScanStatus
from models.partners.partner import Partner
from models.review.queue import ReviewItem


def _load(session: Session, item: ReviewItem) -> tuple[QrRedemption, QrBatch, Partner]:
    redemption = session.get(QrRedemption, item.payload["redemption_id"])
    return (redemption, session.get(QrBatch, redemption.batch_id),
            session.get(Partner, redemption.partner_id))


def approve(session: Session, item: ReviewItem) -> None:
    """Credit the flagged code now (past the budget cap, it waits for that review)."""
    redemption, batch, _partner = _load(session, item)
    result = credit_redemption(session, redemption, batch)
    if not result.queued_for_review:
        _credited(session, item.id, redemption, result.credits, result.balance.balance)


def _credited(session: Session, item_id: int, redemption: QrRedemption, credits: int,
              balance: int) -> None:
    session.get(QrScan, redemption.scan_id).status = ScanStatus.CREDITED
    events.record(session, events.ScanReviewed(
        item_id, redemption.partner_id, qr_codes.group(redemption.code), approved=True,
        credits=credits, balance=balance))


def reject(session: Session, item: ReviewItem) -> None:
    """Keep the code used without crediting it."""
    redemption, _batch, partner = _load(session, item)
    redemption.status = RedemptionStatus.REJECTED
    events.record(session, events.ScanReviewed(item.id, partner.id,
                                               qr_codes.group(redemption.code), approved=False))


review.register(REVIEW_KIND, approve=approve, reject=reject)


@events.handles(events.OverCapDecided)
def budget_decided(session: Session, decided: events.OverCapDecided) -> None:
    """A code the budget cap held back: credited with the approved entry, or burnt."""
    if decided.cause != CAUSE:
        return
    redemption = session.scalar(select(QrRedemption).where(
        QrRedemption.code == decided.cause_ref).with_for_update())
    if not decided.approved:
        mark(session, redemption, RedemptionStatus.REJECTED, None)
        events.record(session, events.ScanReviewed(
            decided.review_item_id, redemption.partner_id, qr_codes.group(redemption.code),
            approved=False, budget=True))
        return
    mark(session, redemption, RedemptionStatus.CREDITED, decided.entry_id)
    _credited(session, decided.review_item_id, redemption, decided.credits, decided.balance)
