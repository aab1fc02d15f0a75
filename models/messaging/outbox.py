"""The outbox: every proactive message, from queued to delivered or failed."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Integer, String, Text, select, text
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import INPUT, Base, BigId, Json, UTCDateTime, utcnow
from models.db import is_postgres
from models.messaging import links


class OutboxStatus(StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    DELIVERED = "delivered"
    READ = "read"
    FAILED = "failed"
    UNDELIVERED = "undelivered"
    # An SMS no DLT template matches: not sent (the partner got the fallback template);
    # `flask outbox retry-refused` sends it once its template is registered.
    REFUSED = "refused"


# Twilio's status callback values, mapped onto ours.
PROVIDER_STATUS = {
    "accepted": OutboxStatus.SENT, "queued": OutboxStatus.SENT, "sending": OutboxStatus.SENT,
    "sent": OutboxStatus.SENT, "delivered": OutboxStatus.DELIVERED, "read": OutboxStatus.READ,
    "failed": OutboxStatus.FAILED, "undelivered": OutboxStatus.UNDELIVERED,
}
_RANK = {OutboxStatus.QUEUED: 0, OutboxStatus.SENT: 1, OutboxStatus.DELIVERED: 2,
         OutboxStatus.READ: 3, OutboxStatus.FAILED: 4, OutboxStatus.UNDELIVERED: 4,
         OutboxStatus.REFUSED: 4}


class OutboxMessage(Base):
    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    phone: Mapped[str] = mapped_column(String(20), index=True, info=INPUT)
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"))
    body: Mapped[str] = mapped_column(Text, default="")
    media_urls: Mapped[list] = mapped_column(Json, default=list)
    template: Mapped[str | None] = mapped_column(String(60))
    template_vars: Mapped[dict] = mapped_column(Json, default=dict)
    # The reply with its options as the flow meant it (body is its numbered-text form), for
    # channels that draw options natively; and the business number to send from.
    reply: Mapped[dict | None] = mapped_column(Json)
    via: Mapped[str | None] = mapped_column(String(32))
    idempotency_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    status: Mapped[str] = mapped_column(String(16), default=OutboxStatus.QUEUED, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    provider_sid: Mapped[str | None] = mapped_column(String(128), unique=True)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Held by quiet hours (models/messaging/quiet.py) until then; the outbox sweep sends it.
    not_before: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# On a queued row's `error`: a campaign sender handed it to the provider and has not stored
# the answer yet (workers/campaigns.py); only that sender, or one that asks the provider
# first, sends it.
IN_FLIGHT = "in flight"


_ID_LOCKS = 0x5A1D  # advisory lock class: provider ids being recorded
# The locks are taken on the ids' hashes in the hashes' order (PostgreSQL evaluates a
# volatile function of the select list after its ORDER BY): two ids sorted one way as text
# may hash the other way round.
_LOCK_IDS = text("SELECT pg_advisory_xact_lock(:kind, h) FROM (SELECT DISTINCT hashtext(sid) "
                 "AS h FROM unnest(CAST(:sids AS text[])) AS sid) AS ids ORDER BY h")


def lock_provider_ids(session: Session, sids: set[str]) -> None:
    """Hold `sids` until this transaction ends, so that a concurrent sender told the same
    id finds it committed (or free) when it looks, rather than both recording it and the
    second failing on the unique rule at its commit. PostgreSQL only: SQLite writes one
    transaction at a time. Call it once per transaction with every id it records (not id by
    id): two senders taking their sets each in the order of the locks' keys (the ids'
    hashes) can wait for one another but never each for the other, so neither deadlocks."""
    if sids and is_postgres(session):
        session.execute(_LOCK_IDS, {"kind": _ID_LOCKS, "sids": list(sids)})


def held(row: OutboxMessage, now: datetime) -> bool:
    """Whether `row` still waits for its quiet hours to end."""
    return row.not_before is not None and row.not_before > now


def sent(row: OutboxMessage, provider_sid: str | None) -> None:
    """The provider took `row`: it is sent, and its one-time links are not kept
    (models/messaging/links.py)."""
    row.provider_sid, row.status, row.sent_at = provider_sid, OutboxStatus.SENT, utcnow()
    row.body, row.reply = links.redact(row.body), links.redact_reply(row.reply)


def by_key(session: Session, key: str) -> OutboxMessage | None:
    return session.scalar(select(OutboxMessage).where(OutboxMessage.idempotency_key == key))


def record_status(session: Session, provider_sid: str, provider_status: str,
                  error: str | None = None) -> OutboxMessage | None:
    """Apply a provider's delivery report; reports that arrive late never move status back."""
    row = session.scalar(
        select(OutboxMessage).where(OutboxMessage.provider_sid == provider_sid).with_for_update()
    )
    new = PROVIDER_STATUS.get(provider_status.lower())
    if row is None or new is None:
        return row
    if _RANK[new] >= _RANK[OutboxStatus(row.status)]:
        row.status = new
        row.error = error or row.error
        row.updated_at = utcnow()
    return row
