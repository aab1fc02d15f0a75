"""The job sweep: send again every recorded job that is not done in time (every minute).

Overdue is a job queued for `older_than_seconds` (its enqueue was lost: Redis refused it, hung,
or restarted empty) or one whose run's lease lapsed (its worker was killed). Jobs RQ still
holds — waiting behind others, scheduled for a retry, running — are left to RQ; a killed
worker's job is handed back to RQ's retries first, instead of at RQ's maintenance ten minutes
later.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from flask import current_app

from bot import jobs
from bot.jobs import rq_queue as job_queue
from models.base import utcnow
from models.db import unit_of_work
from models.jobs import records as job_records

log = logging.getLogger("saathi.jobs")


def sweep(older_than_seconds: float | None = None) -> int:
    """Send jobs overdue by `older_than_seconds` (SWEEP_SECONDS unless given) again; return
    how many."""
    if older_than_seconds is None:
        older_than_seconds = current_app.config["SWEEP_SECONDS"]
    with_redis = bool(current_app.config["REDIS_URL"])
    if with_redis:
        job_queue.clean_abandoned()
    with unit_of_work() as session:
        overdue = job_records.overdue(session, utcnow() - timedelta(seconds=older_than_seconds))
    if with_redis and overdue:
        held = job_queue.held(record_id for record_id, _ in overdue)
        overdue = [(record_id, func) for record_id, func in overdue if record_id not in held]
    if overdue:
        log.warning("overdue jobs sent again", extra={"jobs": len(overdue)})
        jobs.resend(overdue)
    return len(overdue)
