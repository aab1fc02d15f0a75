"""The RQ side of jobs: connections, an enqueue with a budget for web requests, and what RQ
still holds (for the job sweep) or has abandoned (for `flask status`).

A request's enqueues share JOB_ENQUEUE_BUDGET_SECONDS: one pipeline per commit, on a client
whose socket timeouts are that budget and which retries only a dropped connection. After
Redis fails one, this process leaves Redis alone for PAUSE seconds, so under a hung Redis one
request pays the budget and the next ones nothing; their jobs wait in the database for the
job sweep.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import Flask, current_app, g, has_request_context
from redis import Redis
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.retry import Retry as RedisRetry
from rq import Queue, Retry
from rq.job import Job, JobStatus
from rq.registry import FailedJobRegistry, ScheduledJobRegistry, StartedJobRegistry

from bot.jobs.names import TIMEOUTS

_STATE = "saathi.jobs"
PAUSE = 5.0  # seconds without trying Redis after it failed an enqueue, per process
FAILED_TTL = 7 * 24 * 3600
HELD = {JobStatus.QUEUED, JobStatus.STARTED, JobStatus.SCHEDULED, JobStatus.DEFERRED}
SCHEDULER_GRACE = 60  # seconds a scheduled retry may be late before the sweep sends it itself


class EnqueueSkipped(RedisError):
    """Not tried: Redis failed moments ago, or this request spent its budget."""


@dataclass(frozen=True)
class Call:
    func: str  # the function RQ imports and runs
    args: tuple
    name: str  # what the job does, for logs and RQ's description
    record_id: int | None = None  # its durable record: the RQ job id is derived from it


def init_app(app: Flask) -> None:
    app.extensions[_STATE] = {"redis": None, "budgeted": None, "paused_until": 0.0}


def _state() -> dict:
    return current_app.extensions[_STATE]


def redis_connection() -> Redis | None:
    """Return the shared Redis connection, or None when REDIS_URL is unset."""
    state, url = _state(), current_app.config["REDIS_URL"]
    if url and state["redis"] is None:
        state["redis"] = Redis.from_url(url)
    return state["redis"]


def _budgeted_connection() -> Redis:
    state = _state()
    if state["budgeted"] is None:
        budget = current_app.config["JOB_ENQUEUE_BUDGET_SECONDS"]
        # One retry on a refused or dropped connection (a pooled one from before a Redis
        # restart), none on a timeout (a hung Redis would cost the budget twice).
        state["budgeted"] = Redis.from_url(
            current_app.config["REDIS_URL"], socket_timeout=budget, socket_connect_timeout=budget,
            retry=RedisRetry(NoBackoff(), 1, supported_errors=(RedisConnectionError,)))
    return state["budgeted"]


def queue(connection: Redis | None = None) -> Queue:
    return Queue(current_app.config["RQ_QUEUE"], connection=connection or redis_connection())


def rq_job_id(record_id: int) -> str:
    """One RQ job id per durable record (and per queue: test runs share a Redis)."""
    return f"{current_app.config['RQ_QUEUE']}-job-{record_id}"


def enqueue_within_budget(calls: list[Call]) -> None:
    """Enqueue from a request: raises RedisError (EnqueueSkipped when not even tried)."""
    state, budget = _state(), current_app.config["JOB_ENQUEUE_BUDGET_SECONDS"]
    spent = g.get("saathi_enqueue_spent", 0.0) if has_request_context() else 0.0
    if time.monotonic() < state["paused_until"] or spent >= budget:
        raise EnqueueSkipped("Redis failed moments ago, or this request's budget is spent")
    started = time.monotonic()
    try:
        enqueue_now(calls, _budgeted_connection())
    except RedisError:
        state["paused_until"] = time.monotonic() + PAUSE
        raise
    finally:
        if has_request_context():
            g.saathi_enqueue_spent = spent + time.monotonic() - started


def enqueue_now(calls: list[Call], connection: Redis | None = None) -> None:
    """Enqueue `calls` in one round trip; a durable record's old RQ job is replaced."""
    jobs = queue(connection)
    retries = current_app.config["JOB_RETRIES"]
    retry = Retry(max=retries, interval=[10 * 3**n for n in range(retries)]) if retries \
        else None  # 10 s, 30 s, 90 s
    data = [Queue.prepare_data(call.func, args=call.args, retry=retry, failure_ttl=FAILED_TTL,
                               description=call.name, job_id=_job_id(call),
                               timeout=TIMEOUTS.get(call.name)) for call in calls]
    failed = FailedJobRegistry(queue=jobs)
    with jobs.connection.pipeline() as pipe:
        for job_id in filter(None, (d.job_id for d in data)):
            failed.remove(job_id, pipeline=pipe)  # it is sent again: no longer a failure
        jobs.enqueue_many(data, pipeline=pipe)
        pipe.execute()


def _job_id(call: Call) -> str | None:
    return rq_job_id(call.record_id) if call.record_id is not None else None


def held(record_ids: Iterable[int]) -> set[int]:
    """The records whose RQ job RQ will still run: waiting in the queue, running, or
    scheduled for a retry that is not long overdue.

    RQ's own word is not enough: a worker killed after taking a job but before its work horse
    marked it started leaves it "queued" in no queue (RQ's cleanup drops it as finished);
    and a retry whose time passed a minute ago waits for an RQ scheduler that died with its
    worker (RQ hands the scheduler to another worker only at its next maintenance)."""
    ids = list(record_ids)
    jobs = queue()
    found = Job.fetch_many([rq_job_id(i) for i in ids], connection=jobs.connection)
    statuses = [job.get_status(refresh=False) if job is not None else None for job in found]
    waiting = set(jobs.get_job_ids()) if JobStatus.QUEUED in statuses else set()
    scheduled = ScheduledJobRegistry(queue=jobs)
    overdue_before = time.time() - SCHEDULER_GRACE
    kept = set()
    for record_id, status in zip(ids, statuses, strict=True):
        if status == JobStatus.QUEUED and rq_job_id(record_id) not in waiting:
            continue
        if status == JobStatus.SCHEDULED:
            due = jobs.connection.zscore(scheduled.key, rq_job_id(record_id))
            if due is None or due < overdue_before:
                continue
        if status in HELD:
            kept.add(record_id)
    return kept


def abandoned() -> list[datetime]:
    """When each job RQ still counts as started lost its worker (it stopped beating: it was
    killed), oldest first."""
    registry = StartedJobRegistry(queue=queue())
    expired = registry.connection.zrangebyscore(registry.key, 0, time.time(), withscores=True)
    return [datetime.fromtimestamp(score, UTC) for _, score in expired]


def clean_abandoned() -> None:
    """Retry (or fail) jobs whose worker died, now instead of at RQ's next maintenance."""
    StartedJobRegistry(queue=queue()).cleanup()
