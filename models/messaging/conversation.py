"""Conversations: one per (channel, phone), holding the flow state as JSON."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    ForeignKey,
    Select,
    String,
    UniqueConstraint,
    bindparam,
    select,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column
from sqlalchemy.orm.attributes import set_committed_value

from models.base import INPUT, Base, BigId, Json, UTCDateTime, utcnow
from models.db import dialect_insert
from models.partners.partner import Partner

KEPT = "_kept"  # in `data`: what outlives a flow (flows/engine.py: Context.keep)


class Conversation(Base):
    __tablename__ = "conversations"
    __table_args__ = (UniqueConstraint("channel", "phone"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    phone: Mapped[str] = mapped_column(String(20), index=True, info=INPUT)
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"))
    flow: Mapped[str] = mapped_column(String(40), default="menu")
    state: Mapped[str] = mapped_column(String(40), default="idle")
    data: Mapped[dict] = mapped_column(Json, default=dict)
    language: Mapped[str | None] = mapped_column(String(5), info=INPUT)
    last_inbound_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The business number the partner last wrote to on WhatsApp (a Cloud API phone number
    # id; None for Twilio's): replies and notices leave from there.
    via: Mapped[str | None] = mapped_column(String(32))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def lock(session: Session, channel: str, phone: str) -> Conversation:
    """Return the conversation for (channel, phone), created if new, locked until commit.

    The row lock (SELECT ... FOR UPDATE on PostgreSQL; SQLite's single writer) is what makes
    two messages from one partner run one after the other, across processes and hosts.
    """
    return lock_with_partner(session, channel, phone)[0]


def lock_with_partner(session: Session, channel: str, phone: str,
                      extra: ColumnElement | None = None
                      ) -> tuple[Conversation, Partner | None, Any]:
    """`lock`, and the partner with that phone (None if not enrolled) in the same round trip:
    every inbound message needs both. `extra`: a column about the partner the caller needs
    too (a built-once expression), read in that round trip (None without one)."""
    key, stmt = {"channel": channel, "phone": phone}, _lock(extra)
    found = session.execute(stmt, key).one_or_none()
    if found is None:
        session.execute(
            dialect_insert(session)(Conversation)
            .values(channel=channel, phone=phone, flow="menu", state="idle", data={},
                    updated_at=utcnow())
            .on_conflict_do_nothing(index_elements=["channel", "phone"])
        )
        found = session.execute(stmt, key).one()
    return found[0], found[1], found[2] if extra is not None else None


@cache
def _lock(extra: ColumnElement | None) -> Select:
    """Built once per `extra`: this runs for every inbound message."""
    return (select(Conversation, Partner, *(() if extra is None else (extra,)))
            .outerjoin(Partner, Partner.phone == Conversation.phone)
            .where(Conversation.channel == bindparam("channel"),
                   Conversation.phone == bindparam("phone"))
            .with_for_update(of=Conversation)
            .execution_options(populate_existing=True))


STEP = ("flow", "state", "data", "partner_id", "language", "last_inbound_at", "via",
        "updated_at")  # what a step may change


def _save_statement():
    table = Conversation.__table__
    return update(table).where(table.c.id == bindparam("by_id")).values(
        {name: bindparam(f"new_{name}", type_=table.c[name].type) for name in STEP})


_SAVE = _save_statement()


def save_step(session: Session, conv: Conversation, **changes: Any) -> None:
    """Write the step's end on the (locked) conversation: `changes` (of `STEP`) and whatever
    else of `STEP` the step changed, in one UPDATE built once (the unit of work's flush of the
    same row cost a screen more than the statement). `conv` then holds them as written."""
    values = {name: changes[name] if name in changes else getattr(conv, name) for name in STEP}
    with session.no_autoflush:  # (a flush would write the row first)
        session.execute(_SAVE, {"by_id": conv.id, **{f"new_{k}": v for k, v in values.items()}})
    for name, value in values.items():
        set_committed_value(conv, name, value)


def latest_for_phone(session: Session, phone: str, channel: str) -> Conversation | None:
    """Return the conversation on `channel` with this phone, if any (for the 24-hour rule)."""
    stmt = select(Conversation).where(Conversation.phone == phone, Conversation.channel == channel)
    return session.scalar(stmt)


def park(session: Session, channel: str, phone: str, flow: str, state: str, data: dict) -> None:
    """Put the conversation in `flow` at `state` with `data`, so the answer to a question a
    job sent lands there (the idle timeout counts from the question)."""
    conv = lock(session, channel, phone)
    conv.flow, conv.state, conv.data = flow, state, data
    conv.updated_at = utcnow()
