"""Webhook subscriptions and deliveries. Each delivery is one event for one subscription,
with its own id (the receiver's de-duplication key), its JSON body fixed when it was made,
and its attempts: a failed POST is retried after 30 s, 1, 2, 4 … minutes (at most an hour
apart), and given up after MAX_ATTEMPTS.

The signature, for the receiver to check: header X-Saathi-Signature = "sha256=" + hex
HMAC-SHA256(secret, timestamp + "." + raw body), with X-Saathi-Timestamp the Unix seconds of
the attempt (refuse old ones against replays).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import uuid
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import ForeignKey, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import Base, BigId, Json, UTCDateTime, utcnow

EVENT_TYPES = ("tier.changed", "certification.granted", "redemption.paid",
               "redemption.returned", "partner.enrolled")
MAX_ATTEMPTS = 10
FIRST_RETRY = timedelta(seconds=30)
LONGEST_WAIT = timedelta(hours=1)


class DeliveryStatus(StrEnum):
    PENDING = "pending"  # to be sent (again) at next_attempt_at
    DELIVERED = "delivered"  # the receiver answered 2xx
    FAILED = "failed"  # given up after MAX_ATTEMPTS


class Subscription(Base):
    __tablename__ = "webhook_subscriptions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"), index=True)
    url: Mapped[str] = mapped_column(String(500))
    events: Mapped[list] = mapped_column(Json, default=list)
    secret: Mapped[str] = mapped_column(String(64))  # needed in clear to sign
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class WebhookDelivery(Base):
    __tablename__ = "webhook_deliveries"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("webhook_subscriptions.id"),
                                                 index=True)
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    event_type: Mapped[str] = mapped_column(String(40))
    body: Mapped[str] = mapped_column(Text)  # the exact bytes signed and sent, as text
    status: Mapped[str] = mapped_column(String(12), index=True, default=DeliveryStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_status: Mapped[int | None] = mapped_column(Integer)  # the receiver's HTTP status
    last_error: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def add_subscription(session: Session, program_id: int, url: str,
                     events: list[str]) -> Subscription:
    unknown = set(events) - set(EVENT_TYPES)
    if unknown or not events:
        raise ValueError(f"unknown events {sorted(unknown)}; known: {', '.join(EVENT_TYPES)}")
    if not url.startswith(("https://", "http://")):
        raise ValueError("the URL must start with https://")
    row = Subscription(program_id=program_id, url=url, events=sorted(set(events)),
                       secret=secrets.token_hex(32))
    session.add(row)
    session.flush()
    return row


def remove_subscription(session: Session, subscription_id: int) -> Subscription:
    row = session.get(Subscription, subscription_id)
    if row is None:
        raise LookupError(f"no subscription {subscription_id}")
    row.removed_at = row.removed_at or utcnow()
    return row


def subscriptions(session: Session, program_id: int | None = None) -> list[Subscription]:
    query = select(Subscription).where(Subscription.removed_at.is_(None))
    if program_id is not None:
        query = query.where(Subscription.program_id == program_id)
    return list(session.scalars(query.order_by(Subscription.id)))


def queue_event(session: Session, program_id: int, event_type: str,
                data: dict) -> list[WebhookDelivery]:
    """One pending delivery per live subscription of the program to `event_type`."""
    made = []
    for sub in subscriptions(session, program_id):
        if event_type not in sub.events:
            continue
        event_id = str(uuid.uuid4())
        body = json.dumps({"id": event_id, "type": event_type,
                           "created_at": utcnow().isoformat(), "data": data},
                          separators=(",", ":"), ensure_ascii=False)
        row = WebhookDelivery(subscription_id=sub.id, event_id=event_id,
                              event_type=event_type, body=body)
        session.add(row)
        made.append(row)
    session.flush()
    return made


def record_attempt(row: WebhookDelivery, status: int | None, error: str | None) -> None:
    """What came of one POST: delivered on 2xx; else retried later, or given up."""
    now = utcnow()
    row.attempts += 1
    row.last_status, row.last_error = status, (error or "")[:300] or None
    if status is not None and 200 <= status < 300:
        row.status, row.delivered_at = DeliveryStatus.DELIVERED, now
    elif row.attempts >= MAX_ATTEMPTS:
        row.status = DeliveryStatus.FAILED
    else:
        row.next_attempt_at = now + min(FIRST_RETRY * 2 ** (row.attempts - 1), LONGEST_WAIT)


def due(session: Session, limit: int = 200) -> list[int]:
    """Deliveries whose (next) attempt is due, oldest first."""
    return list(session.scalars(select(WebhookDelivery.id).where(
        WebhookDelivery.status == DeliveryStatus.PENDING,
        WebhookDelivery.next_attempt_at <= utcnow()).order_by(WebhookDelivery.id).limit(limit)))


def recent(session: Session, limit: int = 50, status: str | None = None,
           program_ids: list[int] | None = None) -> list[WebhookDelivery]:
    """The latest deliveries (of these programs' subscriptions, if given), newest first."""
    query = select(WebhookDelivery)
    if program_ids is not None:
        query = query.join(Subscription, Subscription.id == WebhookDelivery.subscription_id
                           ).where(Subscription.program_id.in_(program_ids))
    if status:
        query = query.where(WebhookDelivery.status == status)
    return list(session.scalars(query.order_by(WebhookDelivery.id.desc()).limit(limit)))
