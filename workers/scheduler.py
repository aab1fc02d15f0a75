"""The clock of the periodic jobs (workers/schedule.py): `flask scheduler`, or a thread of
the web process when there is no Redis (`make run`).

Each tick records a heartbeat in the database (`flask status` says when a scheduler stops
ticking), then sends the jobs that are due: to RQ, or — without Redis — runs them in this
thread. The heartbeat is a lease as well: of several schedulers (one per web process without
Redis, or two started by mistake) one ticks, the others stand by and take over when it has
been silent for TAKEOVER. A tick that fails (Redis refuses or times out, the database is
restarting) is tried again with backoff; the scheduler never exits on its own.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from datetime import timedelta

from flask import Flask
from redis.exceptions import RedisError
from rq.cron import CronJob
from rq.utils import now
from sqlalchemy.exc import SQLAlchemyError

from bot import jobs
from models.db import unit_of_work
from models.jobs import heartbeats

log = logging.getLogger("saathi.scheduler")
NAME = "scheduler"
EXTENSION = "saathi.scheduler"
TICKS_PER_SWEEP = 4  # the sweeps (every SWEEP_SECONDS) are the shortest intervals scheduled
TAKEOVER = timedelta(minutes=2)  # a scheduler silent this long is replaced (and is STUCK)
MAX_BACKOFF = 30.0


class Scheduler:
    """Send the periodic jobs when due, from one process at a time."""

    def __init__(self, app: Flask) -> None:
        from workers.schedule import PERIODIC  # every job module: not at app start

        self.app = app
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.jobs = [CronJob(app.config["RQ_QUEUE"], func=func, **when)
                     for func, when in PERIODIC]

    def tick(self) -> list[str]:
        """Beat, then send every job that is due; return their names (none when another
        scheduler holds the lease)."""
        with self.app.app_context():
            with unit_of_work() as session:
                if not heartbeats.beat(session, NAME, self.owner, TAKEOVER):
                    return []
            sent = []
            for job in self.jobs:
                if job.should_run():
                    self._send(job.func_name)
                    job.set_enqueue_time(now())
                    sent.append(job.func_name)
            return sent

    def _send(self, func: str) -> None:
        if self.app.config["REDIS_URL"]:
            jobs.enqueue(func)
        else:
            jobs.run_in_process(self.app, func, ())

    def run(self, stop: threading.Event) -> None:
        """Tick until `stop` is set, backing off (up to MAX_BACKOFF) while ticks fail."""
        log.info("scheduler started", extra={"owner": self.owner})
        backoff = 1.0
        while not stop.is_set():
            try:
                self.tick()
                wait = self.app.config["SWEEP_SECONDS"] / TICKS_PER_SWEEP
                backoff = 1.0
            except (RedisError, SQLAlchemyError) as exc:
                log.warning("scheduler tick failed; trying again",
                            extra={"error": exc.__class__.__name__, "retry_in": backoff})
                wait, backoff = backoff, min(backoff * 2, MAX_BACKOFF)
            stop.wait(wait)
        log.info("scheduler stopped", extra={"owner": self.owner})


def init_app(app: Flask) -> None:
    """Without Redis, the first request a server answers starts the scheduler thread
    (PERIODIC_JOBS_IN_PROCESS decides; unset: whenever REDIS_URL is unset). CLI commands
    answer no requests, so they never start it."""
    wanted = app.config["PERIODIC_JOBS_IN_PROCESS"]
    if wanted is False or (wanted is None and app.config["REDIS_URL"]):
        return
    started, stop = threading.Lock(), threading.Event()
    app.extensions[EXTENSION] = stop  # set it to stop the thread (tests do)

    @app.before_request
    def _start_scheduler() -> None:
        if started.acquire(blocking=False):
            threading.Thread(target=Scheduler(app).run, args=(stop,), name="saathi-scheduler",
                             daemon=True).start()
