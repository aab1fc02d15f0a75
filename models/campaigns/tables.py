"""Campaigns and their deliveries: one row per (campaign, round, partner), so a partner gets a
campaign's round exactly once however often its sending is started, resumed or retried."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId, Json, UTCDateTime, utcnow


class CampaignStatus(StrEnum):
    DRAFT = "draft"  # made, not asked to send
    SCHEDULED = "scheduled"  # waits for `next_run_at` (a set time, the next cron tick)
    RUNNING = "running"  # deliveries being written and sent
    DONE = "done"  # a broadcast sent; a recurring or triggered one stays SCHEDULED
    CANCELLED = "cancelled"


class DeliveryStatus(StrEnum):
    PENDING = "pending"  # in the audience, not yet handled
    QUEUED = "queued"  # its outbox row is written (sent, held by quiet hours, or failed there)
    CONTROL = "control"  # the A/B holdout: counted, never sent
    SKIPPED = "skipped"  # opted out, over the frequency cap, no way to reach: see `reason`
    CANCELLED = "cancelled"


class Campaign(Base):
    __tablename__ = "campaigns"
    __table_args__ = (UniqueConstraint("program_id", "code"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default=CampaignStatus.DRAFT, index=True)
    spec: Mapped[dict] = mapped_column(Json)  # models/programs/campaign_spec.CampaignSpec
    round: Mapped[int] = mapped_column(Integer, default=0)  # a recurring campaign's current run
    next_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Delivery(Base):
    __tablename__ = "campaign_deliveries"
    __table_args__ = (UniqueConstraint("campaign_id", "round", "partner_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"))
    round: Mapped[int] = mapped_column(Integer, default=0)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), index=True)
    status: Mapped[str] = mapped_column(String(12), default=DeliveryStatus.PENDING)
    reason: Mapped[str | None] = mapped_column(String(40))
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox_messages.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    queued_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)


class CampaignOptOut(Base):
    """A partner who sent a campaign's own unsubscribe word: that campaign skips them."""

    __tablename__ = "campaign_optouts"

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class InviteCode(Base):
    """A partner's own invite code (JOIN <program> <code>), made the first time it is asked."""

    __tablename__ = "invite_codes"

    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReferralStatus(StrEnum):
    LINKED = "linked"  # joined with the code; the bonus waits for their first earn
    PAID = "paid"
    REVIEW = "review"  # a fraud rule asked a person to decide
    REFUSED = "refused"  # see `reason`


class Referral(Base):
    """A new partner who joined a program with another partner's invite code: linked once."""

    __tablename__ = "referrals"
    __table_args__ = (UniqueConstraint("program_id", "referee_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"))
    referrer_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), index=True)
    referee_id: Mapped[int] = mapped_column(ForeignKey("partners.id"))
    status: Mapped[str] = mapped_column(String(12), default=ReferralStatus.LINKED)
    reason: Mapped[str | None] = mapped_column(String(40))
    credits: Mapped[int] = mapped_column(Integer, default=0)
    review_item_id: Mapped[int | None] = mapped_column(ForeignKey("review_items.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
