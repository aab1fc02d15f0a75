"""The inbox sweep: answer inbound messages that were stored but never answered.

That happens when a web process dies mid-request (killed, out of memory, a deploy): the
message was committed before processing, Twilio got no reply, and the partner heard nothing.
Messages up to an hour old are run now and answered through the outbox; older ones are
closed unanswered (a reply that late would confuse more than help), and logged.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from flask import current_app

from bot import router
from bot.messages import InboundMessage
from models.base import utcnow
from models.db import unit_of_work
from models.messaging import inbox

log = logging.getLogger("saathi.inbox")
TOO_LATE = timedelta(hours=1)


def sweep(older_than_seconds: float | None = None) -> int:
    """Answer (or close) messages unanswered for `older_than_seconds` (twice SWEEP_SECONDS
    unless given: a request may still be working on a younger one); return how many."""
    if older_than_seconds is None:
        older_than_seconds = 2 * current_app.config["SWEEP_SECONDS"]
    now = utcnow()
    with unit_of_work() as session:
        rows = [(row.payload, row.received_at)
                for row in inbox.unanswered(session, now - timedelta(seconds=older_than_seconds))]
    for payload, received_at in rows:
        message = InboundMessage.from_dict(payload)
        if now - received_at <= TOO_LATE:
            router.recover(message)
            continue
        with unit_of_work() as session:
            inbox.finish(session, message.channel, message.provider_id, [],
                         error="not answered within an hour")
        log.warning("message closed unanswered", extra={"message_id": message.provider_id,
                                                        "channel": message.channel})
    return len(rows)
