"""Deliver one outbox row through the configured sender."""

from __future__ import annotations

import logging
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from bot import jobs
from bot.channels.dlt import DltRefused
from bot.channels.gupshup import Deferred
from bot.channels.senders import current_sender
from bot.jobs.names import Job
from models.base import utcnow
from models.db import unit_of_work
from models.messaging.outbox import OutboxMessage, OutboxStatus

log = logging.getLogger("saathi.outbound")


class DeliveryFailed(Exception):
    """The provider refused or did not answer; RQ retries the job with backoff."""


def deliver(outbox_id: int) -> None:
    """Send a queued outbox message once; a retry after success does nothing."""
    with unit_of_work() as session:
        row = session.scalar(
            select(OutboxMessage).where(OutboxMessage.id == outbox_id).with_for_update()
        )
        if row is None or row.status != OutboxStatus.QUEUED:
            return
        row.attempts += 1
        row.updated_at = utcnow()
        try:
            row.provider_sid = current_sender(row.channel).send(row)
        except Deferred as exc:  # back in the queue; the outbox sweep sends it after `until`
            row.attempts -= 1
            row.error, row.updated_at = str(exc), exc.until
            return
        except DltRefused as exc:  # carriers would block it: never retried
            row.status, row.error = OutboxStatus.FAILED, str(exc)[:500]
            return
        except Exception as exc:
            row.error = str(exc)[:500]
            final = row.attempts > current_app.config["JOB_RETRIES"]
            if final:
                row.status = OutboxStatus.FAILED
            log.warning("outbound delivery failed",
                        extra={"outbox_id": row.id, "attempt": row.attempts, "final": final})
            if not final:
                session.commit()
                raise DeliveryFailed(row.error) from exc
            return
        row.status = OutboxStatus.SENT
        row.sent_at = utcnow()
        log.info("outbound sent", extra={"outbox_id": row.id, "channel": row.channel})


def sweep(older_than_seconds: int = 60) -> int:
    """Re-enqueue outbox rows still queued after a while (an enqueue lost to a Redis outage)."""
    cutoff = utcnow() - timedelta(seconds=older_than_seconds)
    with unit_of_work() as session:
        ids = list(session.scalars(select(OutboxMessage.id).where(
            OutboxMessage.status == OutboxStatus.QUEUED, OutboxMessage.updated_at < cutoff)))
    for outbox_id in ids:
        jobs.enqueue(Job.DELIVER, outbox_id)
    return len(ids)
