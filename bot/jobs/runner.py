"""Run one durable job: claim its record, keep the claim alive while it works, record the end.

This is the function RQ (or the in-process runner) calls for every recorded job. A copy of a
job that finds its record done, failed, or held by a live run returns at once, so the job
sweep and RQ's retries may send a job more than once and it still runs once in effect. The
jobs themselves stay idempotent as well (each keys its effects: the upload, the outbox key,
the payout reference): a run whose lease lapsed while it still worked (its database did not
answer for a minute) is the one way two runs can overlap.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from flask import Flask, current_app
from sqlalchemy.exc import SQLAlchemyError

from bot.jobs import names
from models.db import unit_of_work
from models.jobs import records as job_records

log = logging.getLogger("saathi.jobs")


def lease() -> timedelta:
    return timedelta(seconds=current_app.config["JOB_LEASE_SECONDS"])


def run(record_id: int) -> None:
    """Run the recorded job `record_id` unless it is done or another run holds it."""
    runner = uuid.uuid4().hex
    with unit_of_work() as session:
        record = job_records.claim(session, record_id, runner, lease())
        if record is None:
            log.info("job not run: done, failed or running elsewhere",
                     extra={"job_id": record_id})
            return
        func, args, attempt = record.func, record.args, record.attempts
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    with _lease_kept(app, record_id, runner):
        try:
            names.resolve(func)(*args)
        except Exception as exc:
            final = attempt > app.config["JOB_RETRIES"]
            with unit_of_work() as session:
                held = job_records.finish(session, record_id, runner, final=final,
                                          error=f"{exc.__class__.__name__}: {exc}")
            log.warning("job attempt failed", extra={"job": func, "job_id": record_id,
                                                     "attempt": attempt, "final": final,
                                                     "lease_lost": not held})
            if final and held:  # a run that lost its lease leaves the job to the run that took it
                _give_up(func, args, record_id)
            raise
    with unit_of_work() as session:
        if not job_records.finish(session, record_id, runner):
            log.warning("job finished after its lease was taken over",
                        extra={"job": func, "job_id": record_id})


def _give_up(func: str, args: list, record_id: int) -> None:
    """Tell the partner a job they wait on will not finish (names.GIVEN_UP); a failure to
    tell is logged, never raised over the job's own."""
    try:
        tell = names.given_up(func)
        if tell is not None:
            tell(*args)
    except Exception:
        log.exception("partner not told that a job was given up",
                      extra={"job": func, "job_id": record_id})


@contextmanager
def _lease_kept(app: Flask, record_id: int, runner: str) -> Iterator[None]:
    """Renew the run's lease a few times per lease period until the block ends."""
    stop = threading.Event()
    period = app.config["JOB_LEASE_SECONDS"] / 3

    def renew() -> None:
        with app.app_context():
            while not stop.wait(period):
                try:
                    with unit_of_work() as session:
                        if not job_records.renew(session, record_id, runner, lease()):
                            return
                except SQLAlchemyError as exc:  # the job itself will meet the same outage
                    log.warning("job lease not renewed", extra={
                        "job_id": record_id, "error": exc.__class__.__name__})

    keeper = threading.Thread(target=renew, name=f"job-lease-{record_id}", daemon=True)
    keeper.start()
    try:
        yield
    finally:
        stop.set()
        keeper.join()
