"""`flask status` and `GET /admin/status`: every pile of waiting work, and which are stuck.

The database piles come from models/jobs/backlog.py; the job queue's from Redis (when REDIS_URL
is set). Made for the operator woken at 2 a.m. and for a monitor: the command exits 1 when
anything is stuck, and each stuck line says what usually clears it.
"""

from __future__ import annotations

from datetime import timedelta

import click
from flask import current_app
from flask.cli import with_appcontext
from redis.exceptions import RedisError
from sqlalchemy.exc import SQLAlchemyError

from bot.channels import dlt
from bot.jobs.rq_queue import abandoned, queue
from models.base import IST, utcnow
from models.db import schema_missing, unit_of_work
from models.jobs import backlog
from models.jobs.backlog import Pile

JOBS_WAITING = timedelta(minutes=10)


def collect() -> list[Pile]:
    """The database's piles, then the job queue's."""
    try:
        with unit_of_work() as session:
            found = backlog.piles(session)
    except SQLAlchemyError as exc:
        found = [_unmigrated() if schema_missing(exc) else _silent(
            "database (does not answer)", "DATABASE_URL and the database server", exc)]
    if dlt.enforced(current_app.config) and (waiting := dlt.placeholders()):
        found.append(_placeholders(len(waiting)))
    if current_app.config["REDIS_URL"]:
        try:
            found += _job_piles()
        except RedisError as exc:
            found.append(_silent("jobs (Redis does not answer)", "REDIS_URL and the Redis server",
                                  exc))
    return found


def _silent(name: str, check: str, exc: Exception) -> Pile:
    """A pile that could not be read because its server does not answer."""
    return Pile(name, 0, None, timedelta(0), f"check {check} ({exc.__class__.__name__})",
                unreachable=True)


def _placeholders(count: int) -> Pile:
    """Templates Gupshup would be told placeholder ids for: stuck from the start."""
    return Pile("DLT ids still placeholders", count, utcnow() - timedelta(seconds=1),
                timedelta(0), "register their texts on the DLT portal and put the ids it "
                "gives in place of the placeholders (bot/channels/dlt.yaml, dlt_flows.yaml, "
                "dlt_programs/): carriers drop every SMS sent under one")


def _unmigrated() -> Pile:
    return Pile("database (no tables)", 0, None, timedelta(0), "run `flask db upgrade`",
                unreachable=True)


def _job_piles() -> list[Pile]:
    from rq.registry import FailedJobRegistry

    jobs = queue()
    dead = abandoned()
    first = jobs.fetch_job(ids[0]) if (ids := jobs.get_job_ids(0, 1)) else None
    failed = FailedJobRegistry(queue=jobs)
    failed_ids = failed.get_job_ids()
    ended = [job.ended_at for job in jobs.job_class.fetch_many(failed_ids, jobs.connection)
             if job is not None and job.ended_at is not None]
    return [
        Pile("jobs waiting for a worker", jobs.count, first.enqueued_at if first else None,
             JOBS_WAITING, "start (more) `flask worker` processes"),
        Pile("jobs failed after every retry", len(failed_ids), min(ended, default=None),
             timedelta(0), "`flask jobs failed` lists them; fix the cause, then "
             f"`rq requeue --all -u $REDIS_URL -q {jobs.name}`"),
        Pile("jobs abandoned by a dead worker", len(dead), dead[0] if dead else None,
             timedelta(0), "a worker was killed mid-job: the job sweep hands them back to "
             "RQ within a minute; is `flask scheduler` running?"),
    ]


def as_json(found: list[Pile]) -> dict:
    now = utcnow()
    return {"stuck": [p.name for p in backlog.stuck(found, now)],
            "piles": [{"name": p.name, "count": p.count,
                       "oldest": p.oldest.isoformat() if p.oldest else None,
                       "limit_seconds": int(p.limit.total_seconds()), "stuck": p.stuck(now)}
                      for p in found]}


@click.command("status")
@with_appcontext
def status_command() -> None:
    """Show what is waiting and what is stuck; exit 1 when anything is stuck."""
    found, now = collect(), utcnow()
    stuck = backlog.stuck(found, now)
    for pile in found:
        when = f"{pile.oldest.astimezone(IST):%d-%m-%Y %H:%M} IST" if pile.oldest else ""
        if pile.tick:  # a heartbeat: when it last beat, no count
            count, when = "", f"last tick {when}" if when else "never ticked"
        else:
            count, when = f"{pile.count:,}", f"oldest {when}" if when else ""
        click.echo(f"{'STUCK' if pile in stuck else 'ok':5}  {count:>7}  {pile.name:32} "
                   f"{when}")
    for pile in stuck:
        click.echo(f"\n{pile.name}: {pile.fix}")
    if stuck:
        raise SystemExit(1)
