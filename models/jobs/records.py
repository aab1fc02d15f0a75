"""Durable jobs: every job a partner waits on, recorded in the transaction that asked for it.

The row is written beside the change that needs the job (`bot.jobs.dispatch`), so a Redis
that loses its queue delays the work but never loses it: the job sweep
(`workers/job_sweep.py`) sends again every row not done in time. A run first claims its row
(RUNNING, with a lease it renews while it works); another copy of the same job — a sweep
racing a slow worker, an RQ retry — finds the row claimed or done and does nothing. A run
whose process died leaves its lease to expire, and the sweep sends the job again.

    QUEUED --claim--> RUNNING --ok--------------------> DONE
                      RUNNING --error, attempts left--> QUEUED (RQ retries it with backoff)
                      RUNNING --error, none left------> FAILED --`flask jobs retry`--> QUEUED
                      RUNNING --lease lapsed (its process died)--> claimed by the next run
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import Index, Integer, String, Text, or_, select, text, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import Base, BigId, Json, UTCDateTime, utcnow


class JobStatus(StrEnum):
    QUEUED = "queued"  # waiting for a run: the first, or the next after a failed attempt
    RUNNING = "running"  # claimed by a run; its lease says until when
    DONE = "done"
    FAILED = "failed"  # every attempt failed: waits for an operator


OPEN = (JobStatus.QUEUED, JobStatus.RUNNING)


class JobRecord(Base):
    __tablename__ = "job_records"
    __table_args__ = (Index("ix_job_records_open", "updated_at",
                            postgresql_where=text("status IN ('queued', 'running')"),
                            sqlite_where=text("status IN ('queued', 'running')")),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    func: Mapped[str] = mapped_column(String(120))  # a job name (bot/jobs/names.py)
    args: Mapped[list] = mapped_column(Json, default=list)  # JSON values only
    status: Mapped[str] = mapped_column(String(16), default=JobStatus.QUEUED)
    attempts: Mapped[int] = mapped_column(Integer, default=0)  # runs that claimed it
    runner: Mapped[str | None] = mapped_column(String(32))  # the claiming run's token
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


def add(session: Session, func_name: str, args: tuple | list) -> JobRecord:
    """Record a job in `session`'s transaction; flushed, so it has its id."""
    now = utcnow()
    record = JobRecord(func=func_name, args=list(args), status=JobStatus.QUEUED,
                       created_at=now, updated_at=now)
    session.add(record)
    session.flush()
    return record


def claim(session: Session, record_id: int, runner: str, lease: timedelta) -> JobRecord | None:
    """Take the job for one run: None when it is done, failed or held by a live run."""
    now = utcnow()
    claimed = session.execute(
        update(JobRecord).where(
            JobRecord.id == record_id,
            or_(JobRecord.status == JobStatus.QUEUED,
                (JobRecord.status == JobStatus.RUNNING) & (JobRecord.lease_until < now)))
        .values(status=JobStatus.RUNNING, runner=runner, lease_until=now + lease,
                attempts=JobRecord.attempts + 1, updated_at=now)
        .execution_options(synchronize_session=False))
    if claimed.rowcount != 1:
        return None
    return session.get(JobRecord, record_id, populate_existing=True)


def renew(session: Session, record_id: int, runner: str, lease: timedelta) -> bool:
    """Extend a run's lease; False when the run no longer holds the job."""
    return _held(session, record_id, runner, lease_until=utcnow() + lease)


def finish(session: Session, record_id: int, runner: str, *, error: str | None = None,
           final: bool = False) -> bool:
    """End a run: DONE without `error`; with one, QUEUED for a retry or FAILED when `final`.
    False when the run had lost the job (its lease expired and another run took it)."""
    now = utcnow()
    if error is None:
        return _held(session, record_id, runner, status=JobStatus.DONE, done_at=now,
                     lease_until=None, error=None)
    return _held(session, record_id, runner, lease_until=None, error=error[:2000],
                 status=JobStatus.FAILED if final else JobStatus.QUEUED)


def _held(session: Session, record_id: int, runner: str, **values: object) -> bool:
    result = session.execute(
        update(JobRecord).where(JobRecord.id == record_id, JobRecord.runner == runner,
                                JobRecord.status == JobStatus.RUNNING)
        .values(updated_at=utcnow(), **values).execution_options(synchronize_session=False))
    return result.rowcount == 1


def overdue(session: Session, queued_before: datetime, limit: int = 500
            ) -> list[tuple[int, str]]:
    """(id, func) of jobs not done in time: queued since before `queued_before`, or held by a
    run whose lease expired (its process died). Oldest first."""
    return [(row.id, row.func) for row in session.execute(
        select(JobRecord.id, JobRecord.func).where(or_(
            (JobRecord.status == JobStatus.QUEUED) & (JobRecord.updated_at < queued_before),
            (JobRecord.status == JobStatus.RUNNING) & (JobRecord.lease_until < utcnow())))
        .order_by(JobRecord.updated_at).limit(limit))]


def failed(session: Session) -> list[JobRecord]:
    return list(session.scalars(select(JobRecord).where(JobRecord.status == JobStatus.FAILED)
                                .order_by(JobRecord.id)))


def requeue(session: Session, record_ids: list[int] | None = None) -> list[tuple[int, str]]:
    """Put failed jobs (all, or those of `record_ids`) back in the queue with fresh attempts;
    return (id, func) of each."""
    where = JobRecord.status == JobStatus.FAILED
    if record_ids is not None:
        where &= JobRecord.id.in_(record_ids)
    found = [(row.id, row.func) for row in session.execute(
        select(JobRecord.id, JobRecord.func).where(where).order_by(JobRecord.id))]
    session.execute(update(JobRecord).where(JobRecord.id.in_([i for i, _ in found])).values(
        status=JobStatus.QUEUED, attempts=0, runner=None, updated_at=utcnow())
        .execution_options(synchronize_session=False))
    return found
