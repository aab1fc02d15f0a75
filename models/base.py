"""Declarative base, UTC-aware timestamps and the clock every operation reads."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone

from sqlalchemy import JSON, BigInteger, DateTime, Integer, MetaData, TypeDecorator
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# SQLite only autoincrements INTEGER PRIMARY KEY; PostgreSQL gets 64-bit ids.
BigId = BigInteger().with_variant(Integer(), "sqlite")
MAX_ID = 2**63 - 1  # both stop here: a larger number is no row's id, and an error to send
_ID = re.compile(r"[0-9]{1,19}")


def parse_id(text: str) -> int | None:
    """Return `text` as a row id (ASCII digits, 1 to MAX_ID), or None if it cannot be one."""
    if not _ID.fullmatch(text):
        return None
    value = int(text)
    return value if 1 <= value <= MAX_ID else None
Json = JSON().with_variant(JSONB(), "postgresql")


# Marks a String(n) column that text from outside (partners, reps, providers, operators'
# commands) reaches: tests/core/test_column_limits.py checks that what is stored there fits.
INPUT = {"input": True}


def column_length(attribute) -> int:
    """The n of a String(n) column, from its mapped attribute (Partner.name -> 120)."""
    return attribute.property.columns[0].type.length


class UTCDateTime(TypeDecorator):
    """Store aware datetimes as UTC; SQLite hands them back naive, so re-attach UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware UTC datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


_frozen_now: datetime | None = None
# Stored times are UTC; partners and operators read them in India Standard Time (no DST).
IST = timezone(timedelta(hours=5, minutes=30), "IST")


def utcnow() -> datetime:
    """Return the current time in UTC (or the time a test froze)."""
    return _frozen_now or datetime.now(UTC)


def ist_day_start(moment: datetime) -> datetime:
    """Midnight IST of the day `moment` falls on: daily limits count from it."""
    return moment.astimezone(IST).replace(hour=0, minute=0, second=0, microsecond=0)


def ist_month_start(moment: datetime) -> datetime:
    """Midnight IST of the first of the month `moment` falls on: monthly limits count from it."""
    return ist_day_start(moment).replace(day=1)


def ist_date(moment: datetime) -> date:
    """The calendar day `moment` falls on in India: the date a partner is shown."""
    return moment.astimezone(IST).date()


def freeze_clock(moment: datetime | None) -> None:
    """Pin `utcnow()` to `moment` (None releases it). For tests and demos."""
    global _frozen_now
    _frozen_now = moment
