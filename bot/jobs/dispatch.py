"""Enqueue slow work, and only after the transaction that asked for it has committed.

`after_commit(session, Job.X, *args)` (bot/jobs/names.py) records the job in the database
(models/jobs/records.py) in `session`'s transaction; once that commits, the job goes to RQ
(REDIS_URL set) or runs in-process — after the HTTP response inside a request, at once
otherwise. A rollback drops the record with everything else. What runs is
`bot.jobs.runner.run(record_id)`, which claims the record first, so a job sent twice (by the
job sweep, by an RQ retry) still runs once in effect.

Redis gets a short budget per request (bot/jobs/rq_queue.py): a Redis that refuses or hangs costs
a webhook at most JOB_ENQUEUE_BUDGET_SECONDS, and the jobs wait in the database until the job
sweep sends them. `record=False` is for work that has its own record and sweep (an outbox row).
"""

from __future__ import annotations

import logging
import time

from flask import Flask, after_this_request, current_app, has_request_context
from redis.exceptions import RedisError
from sqlalchemy import event
from sqlalchemy.orm import Session

from bot.jobs import names
from bot.jobs import rq_queue as job_queue
from bot.jobs.rq_queue import Call, queue, redis_connection  # noqa: F401 - the jobs API
from models.jobs import records as job_records

log = logging.getLogger("saathi.jobs")
_PENDING = "saathi.jobs"
RUN = names.RUNNER


def init_app(app: Flask) -> None:
    job_queue.init_app(app)
    for path in app.config["JOB_EXTRA_TARGETS"]:
        names.register(path)


def after_commit(session: Session, func: str, *args: object, record: bool = True) -> None:
    """Run `func(*args)` once `session` commits (never if it rolls back); `args` are JSON."""
    if record:
        record_id = job_records.add(session, func, args).id
        call = Call(RUN, (record_id,), func, record_id)
    else:
        call = Call(names.target(func), args, func)
    session.info.setdefault(_PENDING, []).append(call)


@event.listens_for(Session, "after_commit")
def _dispatch(session: Session) -> None:
    if session.in_nested_transaction():  # a SAVEPOINT was released; the commit is yet to come
        return
    if calls := session.info.pop(_PENDING, []):
        send(calls)


@event.listens_for(Session, "after_rollback")
def _drop(session: Session) -> None:
    if session.in_nested_transaction():  # only a SAVEPOINT rolled back; the rest still stands
        return
    session.info.pop(_PENDING, None)


def send(calls: list[Call]) -> None:
    """Hand committed jobs to RQ within the request's budget, or run them in-process.

    The data is committed and each job has its record (or its outbox row): when Redis does
    not take them, they wait for their sweep. Raising here would turn a done transaction into
    an error reply.
    """
    if not current_app.config["REDIS_URL"]:
        for call in calls:
            run_here(call.func, *call.args)
        return
    try:
        job_queue.enqueue_within_budget(calls)
    except RedisError as exc:
        log.warning("jobs not enqueued; their sweep sends them when Redis answers",
                    extra={"jobs": [c.name for c in calls], "error": exc.__class__.__name__})


def resend(records: list[tuple[int, str]]) -> None:
    """Send recorded jobs, given as (id, func), again: to RQ at once (raises RedisError), or
    run them here when there is no Redis. For the job sweep and `flask jobs retry`."""
    calls = [Call(RUN, (record_id,), func, record_id) for record_id, func in records]
    if current_app.config["REDIS_URL"]:
        job_queue.enqueue_now(calls)
        return
    for call in calls:
        run_here(call.func, *call.args)


def enqueue(func: str, *args: object) -> None:
    """Send one job to RQ now (a sweep's), or run it in-process when there is no Redis."""
    if current_app.config["REDIS_URL"]:
        job_queue.enqueue_now([Call(names.target(func), args, func)])
        log.info("job enqueued", extra={"job": func})
        return
    run_here(func, *args)


def run_here(func: str, *args: object) -> None:
    """Run a job in this process: after the response inside a request, at once otherwise."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if has_request_context():
        _run_after_response(app, func, args)
    else:
        run_in_process(app, func, args)


def _run_after_response(app: Flask, func: str, args: tuple) -> None:
    @after_this_request
    def _later(response):
        response.call_on_close(lambda: run_in_process(app, func, args))
        return response


def run_in_process(app: Flask, func: str, args: tuple) -> None:
    """Run a job now with the same retries as RQ would, logging a final failure."""
    retries = app.config["JOB_RETRIES"]
    with app.app_context():
        for attempt in range(retries + 1):
            try:
                names.resolve(func)(*args)
                return
            except Exception:
                if attempt == retries:
                    log.exception("job failed", extra={"job": func, "attempts": attempt + 1})
                    return
                log.warning("job failed, retrying", extra={"job": func, "attempt": attempt + 1})
                time.sleep(app.config.get("JOB_INPROCESS_BACKOFF", 0.5) * 2**attempt)
