"""Heartbeats of long-running processes (the scheduler), in the database: `flask status` reads
them, and the row is a lease too — of several processes beating under one name, one holds it
and the others wait until it has been silent for a while."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import String, or_, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import Base, UTCDateTime, utcnow
from models.db import dialect_insert


class Heartbeat(Base):
    __tablename__ = "heartbeats"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    owner: Mapped[str] = mapped_column(String(80))  # host:pid:random of the process beating
    at: Mapped[datetime] = mapped_column(UTCDateTime)


def beat(session: Session, name: str, owner: str, takeover_after: timedelta) -> bool:
    """Record that `owner` is alive; False when another owner beat within `takeover_after`."""
    now = utcnow()
    inserted = session.execute(dialect_insert(session)(Heartbeat)
                               .values(name=name, owner=owner, at=now)
                               .on_conflict_do_nothing(index_elements=["name"]))
    if inserted.rowcount == 1:
        return True
    taken = session.execute(
        update(Heartbeat).where(Heartbeat.name == name,
                                or_(Heartbeat.owner == owner, Heartbeat.at < now - takeover_after))
        .values(owner=owner, at=now).execution_options(synchronize_session=False))
    return taken.rowcount == 1


def last(session: Session, name: str) -> datetime | None:
    return session.scalar(select(Heartbeat.at).where(Heartbeat.name == name))
