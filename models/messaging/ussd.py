"""USSD sessions: what a gateway's session has shown and consumed, one row per session id.

A gateway such as Africa's Talking sends every input of a session so far joined by `*`, and
may deliver a request twice. The row keeps the text already consumed (so the newest input is
what follows it, even when an input holds a `*`), the pages of the screen being shown (a long
reply is paged with "98 More" / "0 Back") and every screen answered, by step, so that a
redelivered request gets the same screen and changes nothing.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, Select, String, Text, bindparam, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import INPUT, Base, BigId, Json, UTCDateTime, utcnow
from models.db import (
    ASYNC_COMMIT_COLUMN,
    built_insert,
    commit_without_waiting,
    may_tell_without_waiting,
    told_without_waiting,
)
from models.messaging import links


class UssdSession(Base):
    __tablename__ = "ussd_sessions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    session_id: Mapped[str] = mapped_column(String(64), unique=True, info=INPUT)
    phone: Mapped[str] = mapped_column(String(20), index=True, info=INPUT)
    service_code: Mapped[str] = mapped_column(String(40), info=INPUT)
    network_code: Mapped[str] = mapped_column(String(16), default="", info=INPUT)
    consumed: Mapped[str] = mapped_column(Text, default="")
    pages: Mapped[list] = mapped_column(Json, default=list)
    page: Mapped[int] = mapped_column(Integer, default=0)
    screens: Mapped[dict] = mapped_column(Json, default=dict)  # step -> screen answered
    ended_reason: Mapped[str | None] = mapped_column(String(40), info=INPUT)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def answered(self, step: str) -> str | None:
        """The screen already answered for `step`, if this step was seen."""
        return (self.screens or {}).get(step)


def get(session: Session, session_id: str, *, for_update: bool = False) -> UssdSession | None:
    return session.scalar(_select(session_id, for_update=for_update))


def _select(session_id: str, *, for_update: bool = False) -> Select:
    stmt = select(UssdSession).where(UssdSession.session_id == session_id) \
        .execution_options(populate_existing=True)
    return stmt.with_for_update() if for_update else stmt


def lock(session: Session, *, session_id: str, phone: str, service_code: str,
         network_code: str, dial: bool = False) -> tuple[UssdSession, bool]:
    """Return the session row, created if new, locked until commit; and whether it is new.

    `dial`: the request has no input yet, as a session's first has; its row is written
    first, not looked for first (one statement a dial; a redelivered dial's insert finds the
    row and reads it then).

    The commit need not wait for the disk: the router's transaction that follows in the same
    request commits synchronously, which flushes this one's record too; a page turn ("98")
    lost with a crash is turned again when the gateway asks again. The statement that locks
    (or writes) the row says so too: no round trip of its own."""
    tell = may_tell_without_waiting(session)
    found, new = None if dial else session.execute(
        _LOCK_TELLING if tell else _LOCK, {"session_id": session_id}).first(), False
    if found is None:  # the dial: the row is written, and so locked, by this transaction
        found, new = session.execute(
            built_insert(session, _insert_telling if tell else _insert),
            {"session_id": session_id, "phone": phone, "service_code": service_code,
             "network_code": network_code, "now": utcnow()}).first(), True
    if found is None:  # a delivery of the same dial wrote it first: wait for its lock
        commit_without_waiting(session)
        return get(session, session_id, for_update=True), False
    if tell:
        told_without_waiting(session)
    return found[0], new


# Built once (each screen locks the row; building a statement cost about what running it did).
_LOCK = select(UssdSession).where(UssdSession.session_id == bindparam("session_id")) \
    .with_for_update().execution_options(populate_existing=True)
_LOCK_TELLING = _LOCK.add_columns(ASYNC_COMMIT_COLUMN)


def _insert(make, *tell):
    now = bindparam("now")
    return (make(UssdSession)
            .values(session_id=bindparam("session_id"), phone=bindparam("phone"),
                    service_code=bindparam("service_code"),
                    network_code=bindparam("network_code"), consumed="", pages=[], page=0,
                    screens={}, created_at=now, updated_at=now)
            .on_conflict_do_nothing(index_elements=["session_id"])
            .returning(UssdSession, *tell))


def _insert_telling(make):
    return _insert(make, ASYNC_COMMIT_COLUMN)


def answer(row: UssdSession, *, step: str, consumed: str, pages: list[str], page: int,
           screen: str) -> None:
    """Record the screen answered for `step` and where the session now stands (`row` is
    locked in this transaction)."""
    for name, value in _answered(row, step, consumed, pages, page, screen).items():
        setattr(row, name, value)


def answer_as_read(session: Session, row: UssdSession, *, step: str, consumed: str,
                   pages: list[str], page: int, screen: str) -> bool:
    """`answer` for a row read (and locked) by a transaction that has since committed: one
    UPDATE, unless the row was written after it was read (False: nothing written)."""
    written = session.execute(_ANSWER_AS_READ, {
        "by_id": row.id, "by_updated_at": row.updated_at, "by_consumed": row.consumed,
        **_answered(row, step, consumed, pages, page, screen)})
    return written.rowcount == 1


def _answered(row: UssdSession, step: str, consumed: str, pages: list[str], page: int,
              screen: str) -> dict:
    return {"consumed": consumed, "pages": [links.redact(p) for p in pages], "page": page,
            "screens": {**(row.screens or {}), step: links.redact(screen)},  # no one-time links
            "updated_at": utcnow()}


_TABLE = UssdSession.__table__
_ANSWER_AS_READ = update(_TABLE).where(_TABLE.c.id == bindparam("by_id"),
                                       _TABLE.c.updated_at == bindparam("by_updated_at"),
                                       _TABLE.c.consumed == bindparam("by_consumed"))


def end(session: Session, session_id: str, reason: str) -> bool:
    """Mark the session ended (the network's end-of-session report); False if unknown."""
    row = get(session, session_id, for_update=True)
    if row is None:
        return False
    if row.ended_at is None:
        row.ended_at, row.ended_reason = utcnow(), reason
    return True
