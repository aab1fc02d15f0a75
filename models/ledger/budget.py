"""Monthly budget caps: an earn past the cap waits in the review queue, neither dropped nor paid.

The counter row is touched only for programs that have a cap, so uncapped programs never
share a hot row.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from models.base import ist_date, utcnow
from models.db import built_insert, dialect_insert
from models.ledger.tables import BudgetMonth

REVIEW_KIND = "budget_cap"


def month_of(moment: datetime) -> str:
    """The budget month of `moment`: the Indian calendar month (a sponsor's month is IST)."""
    return ist_date(moment).strftime("%Y-%m")


def reserve(session: Session, program_id: int, credits: int, cap: int,
            now: datetime | None = None) -> bool:
    """Count `credits` against this month's cap; False (nothing counted) if it would exceed.

    One statement: the month's row is written with them, or they are added to it where the
    sum stays within the cap (a month never counts below zero, so more than the cap at once
    never fits)."""
    if credits > cap:
        return False
    row = session.execute(built_insert(session, _reserve_statement), {
        "program_id": program_id, "month": month_of(now or utcnow()), "issued": credits,
        "cap": cap}).first()
    return row is not None


def _reserve_statement(make):
    insert = make(BudgetMonth)
    counted = BudgetMonth.issued + insert.excluded.issued
    return (insert.values(program_id=bindparam("program_id"), month=bindparam("month"),
                          issued=bindparam("issued"))
            .on_conflict_do_update(index_elements=["program_id", "month"],
                                   set_={"issued": counted}, where=counted <= bindparam("cap"))
            .returning(BudgetMonth.id))


def reserve_each(session: Session, program_id: int, amounts: list[int], cap: int,
                 now: datetime | None = None) -> list[bool]:
    """`reserve` each amount in turn, in three statements: which were counted (one that
    would pass the cap is not; a smaller one after it may be)."""
    month = month_of(now or utcnow())
    session.execute(dialect_insert(session)(BudgetMonth).values(
        program_id=program_id, month=month, issued=0,
    ).on_conflict_do_nothing(index_elements=["program_id", "month"]))
    where = (BudgetMonth.program_id == program_id, BudgetMonth.month == month)
    issued_now = session.scalar(select(BudgetMonth.issued).where(*where).with_for_update())
    fits = []
    for amount in amounts:
        fits.append(issued_now + amount <= cap)
        issued_now += amount if fits[-1] else 0
    session.execute(update(BudgetMonth).where(*where).values(issued=issued_now)
                    .execution_options(synchronize_session=False))
    return fits


def issued(session: Session, program_id: int, month: str) -> int:
    """Return the credits counted against `month`'s cap so far."""
    value = session.scalar(select(BudgetMonth.issued).where(
        BudgetMonth.program_id == program_id, BudgetMonth.month == month))
    return int(value or 0)


def force(session: Session, program_id: int, credits: int, now: datetime | None = None) -> None:
    """Count credits an admin approved past the cap."""

    month = month_of(now or utcnow())
    session.execute(dialect_insert(session)(BudgetMonth).values(
        program_id=program_id, month=month, issued=0,
    ).on_conflict_do_nothing(index_elements=["program_id", "month"]))
    session.execute(update(BudgetMonth).where(
        BudgetMonth.program_id == program_id, BudgetMonth.month == month,
    ).values(issued=BudgetMonth.issued + credits).execution_options(synchronize_session=False))
