"""`flask worker` and `flask scheduler`: the long-running job processes, which outlive Redis.

RQ's worker quits when Redis times out or refuses it at the wrong moment (registering, in
its maintenance, on the way out); `flask worker` starts a fresh one after a backoff instead,
and only a stop signal (SIGTERM, Ctrl-C) ends it. Run both under a supervisor anyway (README:
systemd units).
"""

from __future__ import annotations

import gc
import logging
import signal
import threading
import time

import click
from flask import current_app
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, SimpleWorker, Worker

from bot.jobs import names
from workers.scheduler import Scheduler

log = logging.getLogger("saathi.worker")
MAX_BACKOFF = 30.0
# RQ's worker maintenance (every 10 minutes by default) is when a killed worker's job is
# handed back, and when another worker takes over the retry scheduler a killed one ran.
MAINTENANCE = 60


class _StopAsked:
    """Remember whether the worker was asked to stop."""

    stop_asked = False

    def request_stop(self, signum, frame) -> None:
        self.stop_asked = True
        super().request_stop(signum, frame)


class _Worker(_StopAsked, Worker):
    """RQ's forking worker: a job that crashes or leaks takes only its work horse down."""


class _SimpleWorker(_StopAsked, SimpleWorker):
    """Jobs in the worker's own process: no fork per job, for light jobs (campaign sends)."""


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
@click.option("--simple", is_flag=True,
              help="Run jobs in this process (no fork, no OCR models): for campaign hosts.")
def worker(burst: bool, simple: bool) -> None:
    """Run an RQ worker for the Saathi queue (needs REDIS_URL); it outlives Redis outages."""
    url, name = current_app.config["REDIS_URL"], current_app.config["RQ_QUEUE"]
    if not url:
        raise click.ClickException("REDIS_URL is not set: jobs run in-process, no worker needed")
    from workers.photos import warm_up  # ONNX Runtime and OpenCV: only in workers

    names.check()  # every job this worker may be sent resolves to a function, or stop here
    if not simple:
        # Once per worker: the job processes it forks inherit the OCR models.
        warm_up(current_app.config["OCR_THREADS"])
        # The objects loaded so far live as long as the worker: kept out of the collector,
        # a forked job's first collections no longer walk them, nor copy every page of
        # them into the job's memory (0.3 s of CPU a photo job).
        gc.freeze()
    backoff = 1.0
    while True:
        started = time.monotonic()
        if _work(url, name, burst, _SimpleWorker if simple else _Worker):
            return
        if time.monotonic() - started > MAX_BACKOFF:
            backoff = 1.0  # it had been working: this is a new outage
        log.warning("worker stopped without being asked; starting again",
                    extra={"retry_in": backoff})
        _default_signals()  # the stopped worker's handlers would ask Redis for its state
        time.sleep(backoff)
        backoff = min(backoff * 2, MAX_BACKOFF)


def _work(url: str, name: str, burst: bool, kind: type[Worker] = _Worker) -> bool:
    """Run one RQ worker until it stops; True when it was asked to (or its burst ended)."""
    rq_worker = None
    try:
        connection = Redis.from_url(url, socket_connect_timeout=5, health_check_interval=30)
        rq_worker = kind([Queue(name, connection=connection)], connection=connection,
                            maintenance_interval=MAINTENANCE)
        rq_worker.work(burst=burst, with_scheduler=True)
    except RedisError as exc:  # when registering, in maintenance, on the way out
        log.warning("worker lost Redis", extra={"error": exc.__class__.__name__})
    finally:
        if rq_worker is not None and rq_worker.pubsub_thread is not None:
            rq_worker.pubsub_thread.stop()
    return burst or (rq_worker is not None and rq_worker.stop_asked)


def _default_signals() -> None:
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)


@click.command("scheduler")
def scheduler() -> None:
    """Send the periodic jobs on their schedule (one per deployment; it outlives outages)."""
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    Scheduler(current_app._get_current_object()).run(stop)  # type: ignore[attr-defined]
