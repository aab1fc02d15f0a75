"""Enqueue slow work, and only after the transaction that asked for it has committed.

`after_commit(session, "workers.x.func", *args)` records the job on the session; when that
session commits, the job goes to RQ (REDIS_URL set) or runs in-process — after the HTTP
response when inside a request, at once otherwise; when Redis cannot take it, in-process too.
A rollback drops the recorded jobs, so a job never runs against data that is not there.
"""

from __future__ import annotations

import importlib
import logging
import time
from collections.abc import Callable

from flask import Flask, current_app, has_request_context
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Retry
from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger("saathi.jobs")
_PENDING = "saathi.jobs"



def init_app(app: Flask) -> None:
    app.extensions["saathi.jobs"] = {"redis": None}


def after_commit(session: Session, func: str, *args: object) -> None:
    """Run `func(*args)` once `session` commits (never if it rolls back)."""
    session.info.setdefault(_PENDING, []).append((func, args))


@event.listens_for(Session, "after_commit")
def _dispatch(session: Session) -> None:
    if session.in_nested_transaction():  # a SAVEPOINT was released; the commit is yet to come
        return
    for func, args in session.info.pop(_PENDING, []):
        try:
            enqueue(func, *args)
        except RedisError:
            # The data is committed and the job must not be lost (an invoice photo would never
            # be read): with Redis down, this process runs it, after the response in a request.
            # Raising here would turn a done transaction into an error reply.
            log.exception("enqueue failed after commit; running the job here",
                          extra={"job": func})
            run_here(func, *args)


@event.listens_for(Session, "after_rollback")
def _drop(session: Session) -> None:
    if session.in_nested_transaction():  # only a SAVEPOINT rolled back; the rest still stands
        return
    session.info.pop(_PENDING, None)


def redis_connection() -> Redis | None:
    """Return the shared Redis connection, or None when REDIS_URL is unset."""
    state = current_app.extensions["saathi.jobs"]
    url = current_app.config["REDIS_URL"]
    if url and state["redis"] is None:
        state["redis"] = Redis.from_url(url)
    return state["redis"]


def queue() -> Queue:
    return Queue(current_app.config["RQ_QUEUE"], connection=redis_connection())


def _backoff() -> list[int]:
    return [10 * 3**n for n in range(current_app.config["JOB_RETRIES"])]  # 10 s, 30 s, 90 s


def enqueue(func: str, *args: object) -> None:
    """Send a job to RQ, or run it in-process when there is no Redis."""
    if redis_connection() is not None:
        retries = current_app.config["JOB_RETRIES"]
        retry = Retry(max=retries, interval=_backoff()) if retries else None
        queue().enqueue_call(func=func, args=args, retry=retry, failure_ttl=7 * 24 * 3600)
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
    from flask import after_this_request

    @after_this_request
    def _later(response):
        response.call_on_close(lambda: run_in_process(app, func, args))
        return response


def resolve(func: str) -> Callable:
    module, _, name = func.rpartition(".")
    return getattr(importlib.import_module(module), name)


def run_in_process(app: Flask, func: str, args: tuple) -> None:
    """Run a job now with the same retries as RQ would, logging a final failure."""
    retries = app.config["JOB_RETRIES"]
    with app.app_context():
        for attempt in range(retries + 1):
            try:
                resolve(func)(*args)
                return
            except Exception:
                if attempt == retries:
                    log.exception("job failed", extra={"job": func, "attempts": attempt + 1})
                    return
                log.warning("job failed, retrying", extra={"job": func, "attempt": attempt + 1})
                time.sleep(app.config.get("JOB_INPROCESS_BACKOFF", 0.5) * 2**attempt)
