"""Monthly budget caps: an earn past the cap waits in the review queue, neither dropped nor paid.

The counter row is touched only for programs that have a cap, so uncapped programs never
share a hot row. A capped program's earns all write its month's row, and a row written stays
locked until its transaction ends: a transaction that said `count_at_commit` decides by the
count as it read it and writes the row only as it commits, so that concurrent earns wait on
each other for a commit rather than for each other's whole work (a product code's screen,
rendered and stored, after its credit). The write stays conditional: a count that no longer
fits by then raises `Overtaken`, and the caller runs its work again, counting at once.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, event, select, update
from sqlalchemy.orm import Session

from models.base import ist_date, utcnow
from models.db import built_insert, dialect_insert
from models.ledger.tables import BudgetMonth

REVIEW_KIND = "budget_cap"
_AT_COMMIT = "saathi.budget.at_commit"  # session.info: this session counts as it commits
_PENDING = "saathi.budget.pending"  # session.info: {(program, month): [credits, cap]} to count


class Overtaken(Exception):
    """Credits counted at commit no longer fit the month's cap (concurrent earns took the
    room after this transaction read the count): run the work again without
    `count_at_commit`."""


def month_of(moment: datetime) -> str:
    """The budget month of `moment`: the Indian calendar month (a sponsor's month is IST)."""
    return ist_date(moment).strftime("%Y-%m")


def count_at_commit(session: Session) -> None:
    """Let this session's `reserve` count at commit instead of at once (see the module's
    docstring); its commit, or `count_pending` before it, may raise `Overtaken`."""
    session.info[_AT_COMMIT] = True


def _deferring(session: Session) -> bool:
    # Not inside a SAVEPOINT: one rolled back would leave its count behind.
    return bool(session.info.get(_AT_COMMIT)) and not session.in_nested_transaction()


def reserve(session: Session, program_id: int, credits: int, cap: int,
            now: datetime | None = None, *, seen: int | None = None) -> bool:
    """Count `credits` against this month's cap; False (nothing counted) if it would exceed.

    One statement: the month's row is written with them, or they are added to it where the
    sum stays within the cap (a month never counts below zero, so more than the cap at once
    never fits). Counting at commit (`count_at_commit`): decided by `seen` (the month's count
    as the caller read it; None: read here) and this transaction's earlier counts, written by
    `count_pending`."""
    if credits > cap:
        return False
    month = month_of(now or utcnow())
    if _deferring(session):
        pending = session.info.setdefault(_PENDING, {}).setdefault((program_id, month), [0, cap])
        counted = (issued(session, program_id, month) if seen is None else seen) + pending[0]
        if counted + credits > cap:
            return False
        pending[0] += credits
        return True
    return _add_within(session, program_id, month, credits, cap)


def _add_within(session: Session, program_id: int, month: str, credits: int, cap: int) -> bool:
    """Add `credits` to the month's row (written if new) where the sum stays within `cap`, in
    one statement; False if it would not."""
    return session.execute(built_insert(session, _reserve_statement), {
        "program_id": program_id, "month": month, "issued": credits, "cap": cap}).first() \
        is not None


def give_back(session: Session, program_id: int, credits: int,
              now: datetime | None = None) -> None:
    """Un-count `credits` that `reserve` counted in this transaction for an earn that did not
    happen after all."""
    pending = session.info.get(_PENDING, {}).get((program_id, month_of(now or utcnow())))
    if _deferring(session) and pending is not None:
        pending[0] -= credits
    else:
        force(session, program_id, -credits, now)


def count_pending(session: Session) -> None:
    """Write the counts this transaction deferred (each month's row locked from here to the
    commit); raise `Overtaken` if one no longer fits its cap."""
    for (program_id, month), (credits, cap) in sorted(session.info.pop(_PENDING, {}).items()):
        if credits > 0 and not _add_within(session, program_id, month, credits, cap):
            raise Overtaken(f"program {program_id}: {credits} credits past the {month} cap")


@event.listens_for(Session, "before_commit")
def _count_before_commit(session: Session) -> None:
    if session.info.get(_PENDING) and not session.in_nested_transaction():
        count_pending(session)


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    if not session.in_nested_transaction():
        session.info.pop(_PENDING, None)


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
