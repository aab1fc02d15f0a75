"""`flask jobs failed|retry|sweep`: the jobs that gave up, sending them again, the job sweep."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup
from redis.exceptions import RedisError

from bot import jobs
from models.db import unit_of_work
from models.jobs import records as job_records
from workers.job_sweep import sweep

jobs_cli = AppGroup("jobs", help="Background jobs.")


@jobs_cli.command("failed")
def jobs_failed() -> None:
    """List jobs that failed after every retry: recorded jobs, then RQ's (periodic ones)."""
    with unit_of_work() as session:
        for record in job_records.failed(session):
            error = (record.error or "").splitlines()[0][:120] if record.error else ""
            click.echo(f"{record.id}\t{record.func}\tattempts={record.attempts}\t{error}")
    if not current_app.config["REDIS_URL"]:
        click.echo("REDIS_URL is not set: jobs run in-process, there is no RQ queue to list")
        return
    try:
        _rq_failed()
    except RedisError as exc:
        raise click.ClickException(f"Redis does not answer ({exc.__class__.__name__}): "
                                   "check REDIS_URL and the Redis server") from exc


def _rq_failed() -> None:
    from rq.registry import FailedJobRegistry

    queue = jobs.queue()
    for job_id in FailedJobRegistry(queue=queue).get_job_ids():
        job = queue.fetch_job(job_id)
        click.echo(f"rq:{job_id}\t{(job.description or job.func_name) if job else '?'}")


@jobs_cli.command("retry")
@click.argument("record_ids", type=int, nargs=-1)
@click.option("--all", "every", is_flag=True, help="Every recorded job that gave up.")
def jobs_retry(record_ids: tuple[int, ...], every: bool) -> None:
    """Send recorded jobs that gave up again, with fresh attempts. A photo job that gave up
    asked its partner to send the photo again: one that now reads it sends its result too."""
    if not record_ids and not every:
        raise click.UsageError("name the jobs (ids from `flask jobs failed`) or give --all")
    with unit_of_work() as session:
        found = job_records.requeue(session, None if every else list(record_ids))
    try:
        jobs.resend(found)
    except RedisError:
        click.echo("Redis does not answer: the job sweep sends them once it does")
    click.echo(f"sent again: {len(found)}")


@jobs_cli.command("sweep")
@click.option("--older-than", default=60, help="Seconds a job may wait before it is re-sent.")
def jobs_sweep(older_than: int) -> None:
    """Re-send recorded jobs not done in time (the scheduler runs this every minute)."""
    click.echo(f"sent again: {sweep(older_than)}")
