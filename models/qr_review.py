"""Decide flagged scans (review kind "qr_scan"): approve credits the code, reject burns it.
The partner is told either way."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot import outbound
from bot.i18n import NP_, format_credits, translate
from models import qr_codes, review
from models.partner import Partner
from models.qr import QrBatch, QrRedemption, QrScan, RedemptionStatus, ScanStatus
from models.qr_scan import REVIEW_KIND, credit_redemption
from models.review import ReviewItem


def _load(session: Session, item: ReviewItem) -> tuple[QrRedemption, QrBatch, Partner]:
    redemption = session.get(QrRedemption, item.payload["redemption_id"])
    return (redemption, session.get(QrBatch, redemption.batch_id),
            session.get(Partner, redemption.partner_id))


def _tell(session: Session, partner: Partner, item: ReviewItem, text: str) -> None:
    outbound.queue_message(session, phone=partner.phone, text=text, template="scan_review",
                           template_vars={"1": text}, key=f"qr-review:{item.id}")


def approve(session: Session, item: ReviewItem) -> None:
    """Credit the flagged code now."""
    redemption, batch, partner = _load(session, item)
    result = credit_redemption(session, redemption, batch)
    session.get(QrScan, redemption.scan_id).status = ScanStatus.CREDITED
    lang = partner.language
    _tell(session, partner, item, translate(
        lang, NP_("Code {code} was approved: {n} credit added. New balance: {balance}.",
                  "Code {code} was approved: {n} credits added. New balance: {balance}."),
        code=qr_codes.group(redemption.code), n=result.credits,
        balance=format_credits(result.balance.balance, lang)))


def reject(session: Session, item: ReviewItem) -> None:
    """Keep the code used without crediting it."""
    redemption, _batch, partner = _load(session, item)
    redemption.status = RedemptionStatus.REJECTED
    _tell(session, partner, item, translate(
        partner.language, "Code {code} was not approved after review, so no credits were added.",
        code=qr_codes.group(redemption.code)))


review.register(REVIEW_KIND, approve=approve, reject=reject)
