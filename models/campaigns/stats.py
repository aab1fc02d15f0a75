"""What a campaign did: its deliveries, the providers' reports on them, replies and opt-outs."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.campaigns.tables import Campaign, Delivery, DeliveryStatus
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
