"""Twilio Content API templates Saathi created (quick replies, list pickers), by the hash of
their JSON: each is created once and used for every reply that draws the same."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import Base, UTCDateTime, utcnow
from models.db import dialect_insert


class TwilioContent(Base):
    __tablename__ = "twilio_contents"

    content_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    sid: Mapped[str] = mapped_column(String(34))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def sid_for(session: Session, content_hash: str) -> str | None:
    return session.scalar(select(TwilioContent.sid).where(
        TwilioContent.content_hash == content_hash))


def remember(session: Session, content_hash: str, sid: str) -> str:
    """Keep `sid` for `content_hash`; if another process kept one first, that one wins."""
    session.execute(dialect_insert(session)(TwilioContent)
                    .values(content_hash=content_hash, sid=sid, created_at=utcnow())
                    .on_conflict_do_nothing(index_elements=["content_hash"]))
    return sid_for(session, content_hash) or sid
