"""Inbound messages, stored before processing and unique by (channel, provider id)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index, String, Text, UniqueConstraint, bindparam, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import INPUT, Base, BigId, Json, UTCDateTime, utcnow
from models.db import (
    ASYNC_COMMIT_COLUMN,
    built_insert,
    may_tell_without_waiting,
    told_without_waiting,
)


class InboxStatus(StrEnum):
    RECEIVED = "received"
    PROCESSED = "processed"
    FAILED = "failed"


class InboxMessage(Base):
    __tablename__ = "inbox_messages"
    __table_args__ = (UniqueConstraint("channel", "provider_id"),
                      Index("ix_inbox_messages_unanswered", "received_at",
                            postgresql_where=text("status = 'received'"),
                            sqlite_where=text("status = 'received'")))

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    provider_id: Mapped[str] = mapped_column(String(128), info=INPUT)
    phone: Mapped[str] = mapped_column(String(20), index=True, info=INPUT)
    body: Mapped[str] = mapped_column(Text, default="")
    payload: Mapped[dict] = mapped_column(Json, default=dict)
    status: Mapped[str] = mapped_column(String(16), default=InboxStatus.RECEIVED)
    replies: Mapped[list | None] = mapped_column(Json)
    error: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def done(self) -> bool:
        return self.status != InboxStatus.RECEIVED


def store(session: Session, *, channel: str, provider_id: str, phone: str, body: str,
          payload: dict) -> InboxMessage | None:
    """Insert the message; return None if new, or the stored row if this is a redelivery.

    On PostgreSQL this commit does not wait for its WAL flush: the processing transaction that
    follows commits synchronously and flushes it too. A crash in between loses a message that
    was neither processed nor answered, which Twilio sees as a failed delivery.
    """
    values = {"channel": channel, "provider_id": provider_id, "phone": phone, "body": body,
              "payload": payload, "status": InboxStatus.RECEIVED, "received_at": utcnow()}
    if may_tell_without_waiting(session):  # said by the INSERT itself: one round trip
        new = session.execute(_INSERT_TELLING, values).first()
        if new is not None:
            told_without_waiting(session)
    else:
        new = session.execute(built_insert(session, _insert), values).first()
    return None if new is not None else get(session, channel, provider_id)


def get(session: Session, channel: str, provider_id: str, *, for_update: bool = False
        ) -> InboxMessage:
    stmt = select(InboxMessage).where(
        InboxMessage.channel == channel, InboxMessage.provider_id == provider_id
    ).execution_options(populate_existing=True)
    if for_update:
        stmt = stmt.with_for_update()
    return session.scalars(stmt).one()


def finish(session: Session, channel: str, provider_id: str, replies: list[dict], *,
           error: str | None = None) -> bool:
    """Record the replies (and the error, if the flow failed) unless another delivery of the
    same message did first; return False in that case."""
    result = session.execute(_FINISH, {
        "by_channel": channel, "by_provider_id": provider_id, "replies": replies,
        "error": error, "processed_at": utcnow(),
        "status": InboxStatus.FAILED if error else InboxStatus.PROCESSED})
    return result.rowcount == 1


def unanswered(session: Session, received_before: datetime, limit: int = 200
               ) -> list[InboxMessage]:
    """Messages stored before `received_before` and never answered, oldest first."""
    return list(session.scalars(
        select(InboxMessage).where(InboxMessage.status == InboxStatus.RECEIVED,
                                   InboxMessage.received_at < received_before)
        .order_by(InboxMessage.received_at).limit(limit)))


# The webhook's hot path, built once as Core statements on the table: the ORM's bulk-DML
# layer and per-call statement building were a third of a message's CPU time.
_TABLE = InboxMessage.__table__


def _insert(insert):
    return insert(_TABLE).on_conflict_do_nothing(index_elements=["channel", "provider_id"]) \
        .returning(_TABLE.c.id)


_INSERT_TELLING = _insert(pg_insert).returning(ASYNC_COMMIT_COLUMN)  # + commit_without_waiting
_FINISH = (
    update(_TABLE)
    .where(_TABLE.c.channel == bindparam("by_channel"),
           _TABLE.c.provider_id == bindparam("by_provider_id"),
           _TABLE.c.status == InboxStatus.RECEIVED)
)
