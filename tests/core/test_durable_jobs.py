"""Durable jobs: recorded with the transaction that asked for them, run once in effect however
often they are sent, re-sent by the job sweep when lost, given up visibly."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from rq import SimpleWorker
from rq.registry import ScheduledJobRegistry
from sqlalchemy import select

from bot import jobs
from bot.jobs import runner as job_runner
from models.db import unit_of_work
from models.jobs import records as job_records
from models.jobs.records import JobRecord, JobStatus
from tests.conftest import status_lines
from workers import job_sweep

CALLS: list[str] = []
RELEASE = threading.Event()
FAILURES_LEFT = {"count": 0}


def record_call(tag: str) -> None:
    CALLS.append(tag)


def wait_for_release(tag: str) -> None:
    CALLS.append(tag)
    assert RELEASE.wait(10), "the test never released the job"


def fail_a_few_times(tag: str) -> None:
    CALLS.append(tag)
    if FAILURES_LEFT["count"] > 0:
        FAILURES_LEFT["count"] -= 1
        raise RuntimeError(f"failing on purpose: {tag}")


@pytest.fixture(autouse=True)
def _fresh() -> None:
    CALLS.clear()
    RELEASE.clear()
    FAILURES_LEFT["count"] = 0


def _record(func: str, *args: object) -> int:
    """Record a job the way a flow does, without sending it (as if its enqueue were lost)."""
    with unit_of_work() as session:
        return job_records.add(session, f"tests.core.test_durable_jobs.{func}", args).id


def _status(record_id: int) -> tuple[str, int]:
    with unit_of_work() as session:
        record = session.get(JobRecord, record_id)
        return record.status, record.attempts


def test_a_job_is_recorded_with_its_transaction_and_dropped_with_its_rollback(app):
    with pytest.raises(RuntimeError), unit_of_work() as session:
        jobs.after_commit(session, "tests.core.test_durable_jobs.record_call", "rolled back")
        raise RuntimeError("rolled back")
    with unit_of_work() as session:
        assert session.scalars(select(JobRecord)).all() == []
        jobs.after_commit(session, "tests.core.test_durable_jobs.record_call", "kept")
    assert CALLS == ["kept"]  # no Redis: run in-process once committed
    with unit_of_work() as session:
        [record] = session.scalars(select(JobRecord)).all()
        assert (record.func, record.args, record.status, record.attempts) == (
            "tests.core.test_durable_jobs.record_call", ["kept"], JobStatus.DONE, 1)


def test_a_copy_of_a_job_held_by_a_live_run_does_nothing(app, clock):
    """A sweep racing a slow worker: the second copy finds the job claimed, then done."""
    app.config["JOB_LEASE_SECONDS"] = 0.3  # renewed every 0.1 s while the job runs
    record_id = _record("wait_for_release", "slow")
    slow = threading.Thread(target=_run_with_app, args=(app, record_id))
    slow.start()
    try:
        _wait_for(lambda: CALLS == ["slow"])
        clock.advance(minutes=5)  # long past the sweep's limit and the first lease
        _wait_for(lambda: _lease(record_id) > clock.now)  # the run renewed it meanwhile
        assert job_sweep.sweep() == 0
        job_runner.run(record_id)  # an RQ retry or a stray copy
    finally:
        RELEASE.set()
        slow.join()
    job_runner.run(record_id)
    assert CALLS == ["slow"]
    assert _status(record_id) == (JobStatus.DONE, 1)


def _run_with_app(app, record_id: int) -> None:
    with app.app_context():
        job_runner.run(record_id)


def _wait_for(condition, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "waited in vain"
        time.sleep(0.02)


def _lease(record_id: int):
    with unit_of_work() as session:
        return session.get(JobRecord, record_id).lease_until


def test_the_job_of_a_run_that_died_is_run_again_once_its_lease_lapses(app, clock):
    record_id = _record("record_call", "photo")
    with unit_of_work() as session:  # a worker claims it, then is killed: nothing more
        job_records.claim(session, record_id, "killed-worker", job_runner.lease())
    clock.advance(seconds=30)
    assert job_sweep.sweep() == 0 and CALLS == []  # its lease still runs
    clock.advance(seconds=45)
    assert job_sweep.sweep() == 1
    assert CALLS == ["photo"] and _status(record_id) == (JobStatus.DONE, 2)
    clock.advance(minutes=5)
    assert job_sweep.sweep() == 0 and CALLS == ["photo"]


def test_a_lost_enqueue_is_sent_by_the_sweep_once_it_is_overdue(app, clock):
    record_id = _record("record_call", "lost")
    clock.advance(seconds=30)
    assert job_sweep.sweep() == 0
    clock.advance(seconds=60)
    assert job_sweep.sweep() == 1 and CALLS == ["lost"]
    assert _status(record_id) == (JobStatus.DONE, 1)


def test_a_failing_job_is_retried_then_given_up_listed_and_retried_by_the_operator(app, clock):
    app.config["JOB_RETRIES"] = 1
    FAILURES_LEFT["count"] = 2
    with unit_of_work() as session:
        jobs.after_commit(session, "tests.core.test_durable_jobs.fail_a_few_times", "ocr")
    assert CALLS == ["ocr", "ocr"]
    [record_id] = [r for r, _ in _all()]
    assert _status(record_id) == (JobStatus.FAILED, 2)
    runner = app.test_cli_runner()
    listed = runner.invoke(args=["jobs", "failed"])
    assert listed.exit_code == 0, listed.output
    assert listed.output.splitlines() == [
        f"{record_id}\ttests.core.test_durable_jobs.fail_a_few_times\tattempts=2\t"
        "RuntimeError: failing on purpose: ocr",
        "REDIS_URL is not set: jobs run in-process, there is no RQ queue to list"]
    clock.advance(minutes=1)
    assert status_lines(runner.invoke(args=["status"]).output)["jobs given up"] == ("STUCK", 1)
    assert job_sweep.sweep() == 0  # given up: only an operator sends it again
    retried = runner.invoke(args=["jobs", "retry", "--all"])
    assert retried.output.strip() == "sent again: 1"
    assert CALLS == ["ocr"] * 3 and _status(record_id) == (JobStatus.DONE, 1)
    assert status_lines(runner.invoke(args=["status"]).output)["jobs given up"] == ("ok", 0)


def _all() -> list[tuple[int, str]]:
    with unit_of_work() as session:
        return [(r.id, r.status) for r in session.scalars(select(JobRecord))]


def test_status_shows_jobs_not_done_stuck_after_ten_minutes(app, clock):
    _record("record_call", "waiting")
    runner = app.test_cli_runner()
    assert status_lines(runner.invoke(args=["status"]).output)["jobs not done"] == ("ok", 1)
    clock.advance(minutes=11)
    late = runner.invoke(args=["status"])
    assert late.exit_code == 1
    assert status_lines(late.output)["jobs not done"] == ("STUCK", 1)
    assert "jobs not done: `flask worker` runs them" in late.output


@pytest.fixture
def rq_app(app, redis_url):
    app.config["REDIS_URL"] = redis_url
    yield app
    jobs.queue().empty()


def test_the_sweep_leaves_a_job_rq_still_holds_and_resends_one_rq_lost(rq_app, clock):
    with unit_of_work() as session:
        jobs.after_commit(session, "tests.core.test_durable_jobs.record_call", "queued")
    assert jobs.queue().count == 1
    clock.advance(minutes=5)
    assert job_sweep.sweep() == 0  # waiting behind others in RQ is not lost
    jobs.queue().empty()  # as if Redis had restarted without its data
    assert job_sweep.sweep() == 1 and jobs.queue().count == 1
    SimpleWorker([jobs.queue()], connection=jobs.redis_connection()).work(burst=True)
    assert CALLS == ["queued"]
    assert [status for _, status in _all()] == [JobStatus.DONE]


def test_rq_runs_the_recorded_job_under_its_own_name(rq_app):
    with unit_of_work() as session:
        jobs.after_commit(session, "tests.core.test_durable_jobs.record_call", "named")
    [job] = jobs.queue().jobs
    [(record_id, _)] = _all()
    assert job.id == f"{rq_app.config['RQ_QUEUE']}-job-{record_id}"
    assert job.description == "tests.core.test_durable_jobs.record_call"
    assert job.retries_left == rq_app.config["JOB_RETRIES"]


def test_a_retry_whose_rq_scheduler_died_is_sent_by_the_sweep(rq_app, clock):
    """RQ keeps a failed job's retry in its scheduled registry for the scheduler that runs
    inside one worker; when that worker is killed, the retry waits for RQ's maintenance
    (ten minutes). The sweep sends it once it is a minute late."""
    with unit_of_work() as session:
        jobs.after_commit(session, "tests.core.test_durable_jobs.record_call", "retried")
    [job] = jobs.queue().jobs
    jobs.queue().remove(job)
    jobs.queue().schedule_job(job, datetime.now(UTC) + timedelta(seconds=30))
    clock.advance(minutes=5)
    assert job_sweep.sweep() == 0  # the retry is due in 30 s: RQ's
    registry = ScheduledJobRegistry(queue=jobs.queue())
    registry.connection.zadd(registry.key, {job.id: time.time() - 90})  # 90 s late
    assert job_sweep.sweep() == 1 and jobs.queue().count == 1
    SimpleWorker([jobs.queue()], connection=jobs.redis_connection()).work(burst=True)
    assert CALLS == ["retried"]


def test_a_job_rq_calls_queued_but_no_queue_holds_is_sent_by_the_sweep(rq_app, clock):
    """A worker killed after taking a job, before its work horse marked it started, leaves
    the job "queued" in RQ's record of it but in no queue: only the sweep can send it."""
    with unit_of_work() as session:
        jobs.after_commit(session, "tests.core.test_durable_jobs.record_call", "taken")
    [job] = jobs.queue().jobs
    jobs.queue().connection.lrem(jobs.queue().key, 0, job.id)  # taken by the killed worker
    assert job.get_status() == "queued"
    clock.advance(minutes=2)
    assert job_sweep.sweep() == 1 and jobs.queue().count == 1
    SimpleWorker([jobs.queue()], connection=jobs.redis_connection()).work(burst=True)
    assert CALLS == ["taken"]
