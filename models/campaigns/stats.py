"""What a campaign did: its deliveries, the providers' reports on them, replies and opt-outs,
and its effect: the sent group against the held-out control group."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from models.campaigns.tables import Campaign, Delivery, DeliveryStatus
from models.learning.certificates import Certificate
from models.ledger.tables import JournalEntry
from models.messaging.inbox import InboxMessage
from models.messaging.outbox import OutboxMessage
from models.partners.partner import Partner, PartnerStatus


@dataclass
class Stats:
    deliveries: Counter = field(default_factory=Counter)  # pending, queued, control, skipped…
    skipped: Counter = field(default_factory=Counter)  # by reason
    outbox: Counter = field(default_factory=Counter)  # queued, sent, delivered, read, failed
    failed_codes: Counter = field(default_factory=Counter)  # provider error code -> count
    channels: Counter = field(default_factory=Counter)  # whatsapp / sms rows
    replied: int = 0  # partners who wrote to us after their message was queued
    opted_out: int = 0  # audience members opted out now


def _outbox_of(campaign: Campaign):
    return (select(OutboxMessage).join(Delivery, Delivery.outbox_id == OutboxMessage.id)
            .where(Delivery.campaign_id == campaign.id))


def collect(session: Session, campaign: Campaign) -> Stats:
    stats = Stats()
    by = Delivery.campaign_id == campaign.id
    for status, reason, n in session.execute(select(Delivery.status, Delivery.reason,
                                                    func.count()).where(by)
                                             .group_by(Delivery.status, Delivery.reason)):
        stats.deliveries[status] += n
        if status == DeliveryStatus.SKIPPED:
            stats.skipped[reason or "-"] += n
    rows = _outbox_of(campaign).subquery()
    for channel, status, error, n in session.execute(
            select(rows.c.channel, rows.c.status, rows.c.error, func.count())
            .group_by(rows.c.channel, rows.c.status, rows.c.error)):
        stats.outbox[status] += n
        stats.channels[channel] += n
        if error and status in ("failed", "undelivered"):
            stats.failed_codes[error[:40]] += n
    stats.replied = session.scalar(
        select(func.count(func.distinct(InboxMessage.phone)))
        .join(OutboxMessage, OutboxMessage.phone == InboxMessage.phone)
        .join(Delivery, Delivery.outbox_id == OutboxMessage.id)
        .where(by, InboxMessage.received_at > Delivery.queued_at)) or 0
    stats.opted_out = session.scalar(
        select(func.count()).select_from(Delivery).join(Partner, Partner.id == Delivery.partner_id)
        .where(by, Partner.status == PartnerStatus.OPTED_OUT)) or 0
    return stats


@dataclass(frozen=True)
class Effect:
    """One A/B group's partners and how many of them did each thing within `days` of the
    campaign (earned, redeemed, got certified)."""

    group: str  # "test" (sent) or "control" (held out)
    days: int
    partners: int
    earned: int
    redeemed: int
    certified: int


def effect(session: Session, campaign: Campaign, days: int) -> list[Effect]:
    """Test (sent) against control (held out) in the `days` after each partner's delivery."""
    groups = {"test": DeliveryStatus.QUEUED, "control": DeliveryStatus.CONTROL}
    return [_group(session, campaign, name, status, days) for name, status in groups.items()]


def _group(session: Session, campaign: Campaign, name: str, status: str, days: int) -> Effect:
    """Counted per time the deliveries were made (one for a broadcast, each run of a triggered
    campaign), so the windows are plain parameters on both databases."""
    totals = [0, 0, 0, 0]
    made = select(Delivery.created_at).where(Delivery.campaign_id == campaign.id,
                                             Delivery.status == status).distinct()
    for start in session.scalars(made):
        base = select(Delivery.partner_id).where(
            Delivery.campaign_id == campaign.id, Delivery.status == status,
            Delivery.created_at == start).subquery()
        window = (start, start + timedelta(days=days))
        mine = (JournalEntry.partner_id == base.c.partner_id,
                JournalEntry.program_id == campaign.program_id)
        counts = (select(func.count()).select_from(base),
                  _within(base, window, JournalEntry.created_at, *mine,
                          JournalEntry.credits > 0),
                  _within(base, window, JournalEntry.created_at, *mine,
                          JournalEntry.cause == "redemption"),
                  _within(base, window, Certificate.issued_at,
                          Certificate.partner_id == base.c.partner_id,
                          Certificate.program_id == campaign.program_id))
        totals = [t + session.scalar(q) for t, q in zip(totals, counts, strict=True)]
    return Effect(name, days, *totals)


def _within(base, window: tuple[datetime, datetime], column, *where):
    """How many of `base`'s partners have a row (`where`) dated within `window`."""
    return select(func.count(func.distinct(base.c.partner_id))).where(exists().where(
        *where, column >= window[0], column < window[1]))
