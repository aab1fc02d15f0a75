"""`flask worker` and `flask scheduler` keep running while their Redis (one of the test's own)
is down and carry on when it is back; `flask status` sees a scheduler that stopped ticking and
a job whose worker was killed."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from rq.job import JobStatus
from rq.registry import StartedJobRegistry
from sqlalchemy import select

from bot import jobs
from bot.jobs import rq_queue as job_queue
from bot.notices import outbound
from models.db import unit_of_work
from models.jobs import records as job_records
from models.jobs.heartbeats import last
from models.messaging.outbox import OutboxMessage, OutboxStatus
from models.partners.partner import Partner
from tests.conftest import status_lines
from tests.services import OwnRedis, app_env, kill_with_children, wait_until
from workers import job_sweep
from workers.scheduler import Scheduler

ROOT = Path(__file__).resolve().parents[2]
PHONE = "+919812345678"


@pytest.fixture
def own_redis(pg_app) -> Iterator[OwnRedis]:
    server = OwnRedis()
    pg_app.config["REDIS_URL"] = server.url
    job_queue.init_app(pg_app)
    yield server
    server.stop()


def _flask(app, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", *args], cwd=ROOT,
                            env=app_env(app), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _queue_message(text: str) -> int:
    with unit_of_work() as session:
        if session.scalar(select(Partner).where(Partner.phone == PHONE)) is None:
            session.add(Partner(phone=PHONE, name="Ravi"))
        return outbound.queue_message(session, phone=PHONE, text=text, channel="sms").id


def _sent(outbox_id: int) -> bool:
    with unit_of_work() as session:
        return session.get(OutboxMessage, outbox_id).status == OutboxStatus.SENT


def test_the_worker_outlives_redis_outages_and_then_runs_jobs(pg_app, own_redis):
    worker = _flask(pg_app, "worker")  # Redis is not there yet: RQ's worker cannot register
    try:
        time.sleep(2)
        assert worker.poll() is None, "the worker exited while Redis was down"
        own_redis.start()
        first = _queue_message("first")
        wait_until(lambda: _sent(first), timeout=30, what="the first delivery")

        own_redis.kill()
        time.sleep(2)
        assert worker.poll() is None, "the worker exited when Redis went away"
        own_redis.start()  # empty
        second = _queue_message("second")
        wait_until(lambda: _sent(second), timeout=60, what="the delivery after the outage")
    finally:
        _stop(worker)


def test_the_scheduler_outlives_a_redis_outage_and_sends_the_periodic_jobs(pg_app, own_redis):
    scheduler = _flask(pg_app, "scheduler")
    try:
        wait_until(lambda: _ticked() is not None, timeout=30, what="the first tick")
        time.sleep(2)
        assert scheduler.poll() is None, "the scheduler exited while Redis was down"
        own_redis.start()
        wait_until(lambda: jobs.queue().count >= 5, timeout=60, what="the periodic jobs")
        names = {job.func_name for job in jobs.queue().jobs}
        assert {"workers.ledger.seal", "workers.job_sweep.sweep", "workers.inbox.sweep"} <= names
    finally:
        _stop(scheduler)


def _ticked():
    with unit_of_work() as session:
        return last(session, "scheduler")


def test_status_reports_a_scheduler_that_stopped_ticking(app, clock):
    runner = app.test_cli_runner()
    assert Scheduler(app).tick()  # without Redis it runs the jobs here
    state, said = status_lines(runner.invoke(args=["status"]).output)["scheduler"]
    assert state == "ok" and said.startswith("last tick ") and said.endswith(" IST"), said
    clock.advance(minutes=4)
    late = runner.invoke(args=["status"])
    assert late.exit_code == 1
    assert status_lines(late.output)["scheduler"][0] == "STUCK"
    assert "scheduler: start `flask scheduler`" in late.output
    assert "oldest" not in late.output.splitlines()[-3]  # QA: "last tick 1 … oldest …"


def test_one_scheduler_ticks_and_another_takes_over_when_it_falls_silent(app, clock):
    first, second = Scheduler(app), Scheduler(app)
    assert "workers.ledger.seal" in first.tick()
    assert second.tick() == []  # the first one holds the lease
    clock.advance(minutes=3)
    assert "workers.ledger.seal" in second.tick()
    assert first.tick() == []


def test_the_web_server_runs_the_periodic_jobs_itself_without_redis(tmp_path):
    """`make run`: no Redis, no `flask scheduler`; the server's first request starts them,
    so the ledger gets sealed (before, `flask status` called sealing STUCK after 10 min)."""
    from app import create_app
    from models import ledger, metadata
    from models.db import engine
    from models.programs.program import Membership, load_file
    from tests.conftest import app_config

    config = app_config(tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 'run.db'}",
                        PERIODIC_JOBS_IN_PROCESS=None)
    app = create_app(config)
    with app.app_context():
        metadata.create_all(engine())
        with unit_of_work() as session:
            program = load_file(session, ROOT / "programs" / "cempro.yaml")
            partner = Partner(phone=PHONE, name="Ravi")
            session.add(partner)
            session.flush()
            session.add(Membership(partner_id=partner.id, program_id=program.id))
            ledger.adjust(session, partner_id=partner.id, program_id=program.id, credits=100,
                          key="opening", reason="opening credits", actor="test")
        runner = app.test_cli_runner()
        unsealed = lambda: status_lines(runner.invoke(args=["status"]).output)[  # noqa: E731
            "ledger entries not sealed"][1]
        assert unsealed() == 1 and _ticked() is None, "a CLI command must not start it"
        try:
            app.test_client().get("/healthz")
            wait_until(lambda: unsealed() == 0, what="the in-process sealer")
            assert _ticked() is not None
        finally:
            app.extensions["saathi.scheduler"].set()
        engine().dispose()


def test_with_redis_the_web_server_leaves_the_schedule_to_flask_scheduler(tmp_path, redis_url):
    from app import create_app
    from tests.conftest import app_config

    app = create_app(app_config(tmp_path, REDIS_URL=redis_url, PERIODIC_JOBS_IN_PROCESS=None))
    assert "saathi.scheduler" not in app.extensions


def _claimed() -> bool:
    """The job's run claimed its record: it is past RQ's start and inside the job."""
    with unit_of_work() as session:
        return session.scalar(select(job_records.JobRecord.status)) == \
            job_records.JobStatus.RUNNING


def sleep_long() -> None:
    time.sleep(60)  # until the test kills the worker running it


def test_status_reports_a_job_abandoned_by_a_killed_worker_until_the_sweep_hands_it_back(
        pg_app, redis_url):
    pg_app.config["REDIS_URL"] = redis_url
    runner = pg_app.test_cli_runner()
    with unit_of_work() as session:
        jobs.after_commit(session, "tests.core.test_job_processes.sleep_long")
    worker = _flask(pg_app, "worker")
    try:
        registry = StartedJobRegistry(queue=jobs.queue())
        wait_until(lambda: _claimed() and registry.count == 1, timeout=30,
                   what="the job's start")
    finally:
        kill_with_children(worker.pid)
        worker.wait()
    try:
        assert status_lines(runner.invoke(args=["status"]).output)[
            "jobs abandoned by a dead worker"] == ("ok", 0)  # its heartbeat has not lapsed yet
        # What RQ's registry holds once the killed worker's last heartbeat lapses (90 s):
        [entry] = registry.connection.zrange(registry.key, 0, -1)
        registry.connection.zadd(registry.key, {entry: time.time() - 1})
        late = runner.invoke(args=["status"])
        assert late.exit_code == 1
        assert status_lines(late.output)["jobs abandoned by a dead worker"] == ("STUCK", 1)
        job_sweep.sweep()  # hands it back to RQ's retries at once
        assert status_lines(runner.invoke(args=["status"]).output)[
            "jobs abandoned by a dead worker"] == ("ok", 0)
        job = jobs.queue().fetch_job(entry.decode().split(":")[0])
        assert (job.get_status(), job.retries_left) == (
            JobStatus.SCHEDULED, pg_app.config["JOB_RETRIES"] - 1)  # RQ retries it in 10 s
    finally:
        jobs.queue().empty()
