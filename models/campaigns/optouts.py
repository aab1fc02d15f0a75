"""A campaign's own unsubscribe word ("STOP OFFERS"): the partner who sends it leaves that
campaign only. Honoured mid-send: their pending deliveries are skipped, a written but unsent
message is withdrawn, and later rounds leave them out (build_round)."""

from __future__ import annotations

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from models.base import utcnow
from models.campaigns.tables import (
    Campaign,
    CampaignOptOut,
    CampaignStatus,
    Delivery,
    DeliveryStatus,
)
from models.messaging.outbox import OutboxMessage, OutboxStatus
from models.programs.campaign_spec import RESERVED_WORDS, UNSUBSCRIBE_MIN, unsubscribe_key
from models.programs.program import Membership

REASON = "unsubscribed"
MAX_WORDS = 4  # a longer message is never an unsubscribe word


def campaign_for_word(session: Session, partner_id: int, text: str) -> Campaign | None:
    """The campaign of the partner's programs whose unsubscribe word `text` is, if any."""
    said = unsubscribe_key(text or "")
    if len(said) < UNSUBSCRIBE_MIN or said in RESERVED_WORDS or len(said.split()) > MAX_WORDS:
        return None  # ("1", "MENU": never a campaign's word, so no query)
    for campaign_id, word in session.execute(_WORDS, {"partner_id": partner_id}):
        if unsubscribe_key(word) == said:
            return session.get(Campaign, campaign_id)
    return None


# Built once, and only the words: every message of a few words asks (a product code's too).
_WORD = Campaign.spec["unsubscribe_word"].as_string()
_WORDS = (select(Campaign.id, _WORD)
          .join(Membership, Membership.program_id == Campaign.program_id)
          .where(Membership.partner_id == bindparam("partner_id"),
                 Campaign.status != CampaignStatus.DRAFT, _WORD.is_not(None), _WORD != "")
          .order_by(Campaign.id.desc()))


def unsubscribe(session: Session, campaign: Campaign, partner_id: int) -> bool:
    """Leave `campaign` (False if the partner had left it already)."""
    if session.get(CampaignOptOut, (campaign.id, partner_id)) is not None:
        return False
    session.add(CampaignOptOut(campaign_id=campaign.id, partner_id=partner_id))
    mine = (Delivery.campaign_id == campaign.id, Delivery.partner_id == partner_id)
    written = select(Delivery.outbox_id).where(*mine, Delivery.outbox_id.is_not(None))
    session.execute(update(OutboxMessage).where(
        OutboxMessage.id.in_(written),  # refused: never sent by retry-refused
        ((OutboxMessage.status == OutboxStatus.QUEUED) & OutboxMessage.error.is_(None))
        | (OutboxMessage.status == OutboxStatus.REFUSED))
        .values(status=OutboxStatus.FAILED, error="unsubscribed", updated_at=utcnow()))
    session.execute(update(Delivery).where(*mine, Delivery.status == DeliveryStatus.PENDING)
                    .values(status=DeliveryStatus.SKIPPED, reason=REASON))
    session.flush()
    return True


def not_unsubscribed(campaign_id: int, partner_id_column):
    """The SQL condition: the partner has not left the campaign."""
    return ~select(CampaignOptOut.partner_id).where(
        CampaignOptOut.campaign_id == campaign_id,
        CampaignOptOut.partner_id == partner_id_column).exists()


def of_outbox(session: Session, outbox_ids: list[int]) -> dict[int, tuple[Campaign, bool]]:
    """Of `outbox_ids`, those a campaign wrote: its campaign, and whether the partner has left
    it since."""
    left = select(CampaignOptOut.partner_id).where(
        CampaignOptOut.campaign_id == Delivery.campaign_id,
        CampaignOptOut.partner_id == Delivery.partner_id).exists()
    return {outbox_id: (campaign, gone) for outbox_id, campaign, gone in session.execute(
        select(Delivery.outbox_id, Campaign, left).join(Campaign, Campaign.id ==
                                                        Delivery.campaign_id)
        .where(Delivery.outbox_id.in_(outbox_ids)))} if outbox_ids else {}
