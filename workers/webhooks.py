"""POST one webhook delivery, signed; and the sweep that sends again those whose retry is due.

The POST is outside any transaction (a slow receiver holds no lock); its outcome is written
after. A delivery is sent at least once: a crash between the POST and the write sends it
again, and the receiver drops the repeat by its event id (X-Saathi-Event-Id)."""

from __future__ import annotations

import logging
import time

import requests
from flask import current_app

from bot import jobs
from bot.jobs.names import Job
from models import webhooks
from models.db import unit_of_work
from models.webhooks import DeliveryStatus, Subscription, WebhookDelivery

log = logging.getLogger("saathi.webhooks")


def deliver(delivery_id: int) -> None:
    with unit_of_work() as session:
        row = session.get(WebhookDelivery, delivery_id)
        if row is None or row.status != DeliveryStatus.PENDING:
            return
        sub = session.get(Subscription, row.subscription_id)
        url, secret, body = sub.url, sub.secret, row.body.encode()
        event_id, event_type = row.event_id, row.event_type
    stamp = int(time.time())
    headers = {"Content-Type": "application/json", "User-Agent": "Saathi-Webhooks/1",
               "X-Saathi-Event-Id": event_id, "X-Saathi-Event": event_type,
               "X-Saathi-Timestamp": str(stamp),
               "X-Saathi-Signature": webhooks.signature(secret, stamp, body)}
    status, error = None, None
    try:
        response = requests.post(url, data=body, headers=headers, allow_redirects=False,
                                 timeout=current_app.config["WEBHOOK_TIMEOUT_SECONDS"])
        status = response.status_code
        error = None if response.ok else f"HTTP {status}"
    except requests.RequestException as exc:
        error = type(exc).__name__
    with unit_of_work() as session:
        row = session.get(WebhookDelivery, delivery_id, with_for_update=True)
        if row.status == DeliveryStatus.PENDING:
            webhooks.record_attempt(row, status, error)
        log.info("webhook attempt", extra={"delivery_id": delivery_id, "status": status,
                                           "error": error, "outcome": row.status})


def sweep() -> int:
    """Send again every pending delivery whose retry is due; how many were asked for."""
    with unit_of_work() as session:
        ids = webhooks.due(session)
        for delivery_id in ids:
            jobs.after_commit(session, Job.DELIVER_WEBHOOK, delivery_id)
    return len(ids)
