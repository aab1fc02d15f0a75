"""Inbound messages, stored before processing and unique by (channel, provider id)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import String, Text, UniqueConstraint, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import Base, BigId, Json, UTCDateTime, utcnow


class InboxStatus(StrEnum):
    RECEIVED = "received"
    PROCESSED = "processed"
    FAILED = "failed"


class InboxMessage(Base):
    __tablename__ = "inbox_messages"
    __table_args__ = (UniqueConstraint("channel", "provider_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    provider_id: Mapped[str] = mapped_column(String(64))
    phone: Mapped[str] = mapped_column(String(20), index=True)
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
          payload: dict) -> InboxMessage:
    """Insert the message unless (channel, provider_id) is already stored; return the row."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(
        insert(InboxMessage)
        .values(channel=channel, provider_id=provider_id, phone=phone, body=body,
                payload=payload, status=InboxStatus.RECEIVED, received_at=utcnow())
        .on_conflict_do_nothing(index_elements=["channel", "provider_id"])
    )
    return get(session, channel, provider_id)


def get(session: Session, channel: str, provider_id: str, *, for_update: bool = False
        ) -> InboxMessage:
    stmt = select(InboxMessage).where(
        InboxMessage.channel == channel, InboxMessage.provider_id == provider_id
    ).execution_options(populate_existing=True)
    if for_update:
        stmt = stmt.with_for_update()
    return session.scalars(stmt).one()


def finish(message: InboxMessage, replies: list[dict], *, error: str | None = None) -> None:
    """Record the replies given (and the error, if the flow failed)."""
    message.replies = replies
    message.error = error
    message.status = InboxStatus.FAILED if error else InboxStatus.PROCESSED
    message.processed_at = utcnow()
