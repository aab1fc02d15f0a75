"""Jobs through a real RQ worker on the local Redis; none before the commit."""

from __future__ import annotations

import pytest
from rq import SimpleWorker
from rq.cron import CronScheduler
from rq.registry import FailedJobRegistry
from sqlalchemy import select

from bot import jobs
from bot.notices import outbound
from models.db import unit_of_work
from models.messaging.outbox import OutboxMessage, OutboxStatus
from models.partners.partner import Partner
from tests.conftest import status_lines

PHONE = "+919812345678"


@pytest.fixture
def rq_app(app, redis_url):
    app.config["REDIS_URL"] = redis_url
    yield app
    jobs.queue().empty()


def _work() -> None:
    SimpleWorker([jobs.queue()], connection=jobs.redis_connection()).work(burst=True)


def test_outbound_message_is_delivered_by_a_real_worker(rq_app):
    with unit_of_work() as session:
        session.add(Partner(phone=PHONE, name="Ravi"))
        outbound.queue_message(session, phone=PHONE, text="hello", channel="sms")
    assert jobs.queue().count == 1
    with unit_of_work() as session:
        assert session.scalar(select(OutboxMessage.status)) == OutboxStatus.QUEUED
    _work()
    with unit_of_work() as session:
        assert session.scalar(select(OutboxMessage.status)) == OutboxStatus.SENT


def test_nothing_is_enqueued_when_the_transaction_rolls_back(rq_app):
    with pytest.raises(RuntimeError), unit_of_work() as session:
        jobs.after_commit(session, "workers.outbound.deliver", 1)
        raise RuntimeError("rolled back")
    assert jobs.queue().count == 0


def test_a_failing_job_is_retried_with_backoff_then_lands_in_failed(rq_app):
    with unit_of_work() as session:
        jobs.after_commit(session, "tests.core.test_jobs_rq.always_fails", "x")
    job = jobs.queue().jobs[0]
    assert job.retries_left == rq_app.config["JOB_RETRIES"]
    assert job.retry_intervals == [10, 30, 90]
    _work()
    job.refresh()
    assert job.retries_left == rq_app.config["JOB_RETRIES"] - 1  # rescheduled with backoff
    assert job.get_status() == "scheduled"


def test_a_job_out_of_retries_ends_in_the_failed_registry(rq_app):
    rq_app.config["JOB_RETRIES"] = 0
    with unit_of_work() as session:
        jobs.after_commit(session, "tests.core.test_jobs_rq.always_fails", "y")
    _work()
    assert FailedJobRegistry(queue=jobs.queue()).count == 1


def test_the_rq_cron_schedule_re_sends_a_message_whose_enqueue_was_lost(
        rq_app, monkeypatch, clock):
    """`rq cron workers/schedule.py` loaded into a real scheduler: its due jobs, run by a real
    worker, deliver an outbox message that never reached Redis."""
    monkeypatch.setenv("RQ_QUEUE", rq_app.config["RQ_QUEUE"])
    with unit_of_work() as session:
        session.add(Partner(phone=PHONE, name="Ravi"))
        outbound.queue_message(session, phone=PHONE, text="hello", channel="sms")
    jobs.queue().empty()  # as if Redis had lost the delivery job
    clock.advance(seconds=120)
    scheduler = CronScheduler(connection=jobs.redis_connection())
    scheduler.load_config_from_file("workers.schedule")
    due = {f"{job.func.__module__}.{job.func.__name__}" for job in scheduler.enqueue_jobs()}
    assert {"workers.outbound.sweep", "workers.inbox.sweep", "workers.ledger.seal"} <= due
    _work()
    with unit_of_work() as session:
        assert session.scalar(select(OutboxMessage.status)) == OutboxStatus.SENT


def test_status_shows_jobs_waiting_and_failed(rq_app):
    runner = rq_app.test_cli_runner()
    rq_app.config["JOB_RETRIES"] = 0
    with unit_of_work() as session:
        jobs.after_commit(session, "tests.core.test_jobs_rq.always_fails", "z")
    waiting = runner.invoke(args=["status"])
    assert waiting.exit_code == 0
    assert status_lines(waiting.output)["jobs waiting for a worker"] == ("ok", 1)
    _work()
    failed = runner.invoke(args=["status"])
    assert failed.exit_code == 1
    lines = status_lines(failed.output)
    assert lines["jobs waiting for a worker"] == ("ok", 0)
    assert lines["jobs failed after every retry"] == ("STUCK", 1)
    assert f"rq requeue --all -u $REDIS_URL -q {jobs.queue().name}" in failed.output

def always_fails(arg: str) -> None:
    raise RuntimeError(f"failing on purpose: {arg}")
