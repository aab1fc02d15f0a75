"""Deliver one outbox row through the configured sender."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from flask import current_app
from sqlalchemy import event, or_, select
from sqlalchemy.orm import Session
from twilio.base.exceptions import TwilioRestException

from bot import jobs
from bot.channels.dlt import DltRefused
from bot.channels.graph import GraphError
from bot.channels.gupshup import Deferred
from bot.channels.senders import sender_for
from bot.channels.templates import MissingTemplate
from bot.jobs.names import Job
from bot.notices import outbound
from models.base import utcnow
from models.db import unit_of_work
from models.messaging import outbox
from models.messaging.outbox import OutboxMessage, OutboxStatus

log = logging.getLogger("saathi.outbound")


class DeliveryFailed(Exception):
    """The provider refused or did not answer; RQ retries the job with backoff."""


class RateLimited(DeliveryFailed):
    """The provider asked us to slow down (HTTP 429, Twilio 63018): not an attempt; the row
    stays queued for a later try."""


RATE_LIMIT_CODES = frozenset({63018})


def deliver(outbox_id: int) -> None:
    """Send a queued outbox row once; a retry after success does nothing. Earlier rows still
    queued for the same partner and channel go first, so a partner reads them in order."""
    with unit_of_work() as session:
        row = session.get(OutboxMessage, outbox_id)
        if row is None or row.status != OutboxStatus.QUEUED:
            return
        rows = session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.phone == row.phone, OutboxMessage.channel == row.channel,
                OutboxMessage.status == OutboxStatus.QUEUED, OutboxMessage.id <= outbox_id)
            .order_by(OutboxMessage.id).with_for_update()
            .execution_options(populate_existing=True)).all()
        with ids_kept_at_commit(session) as sent:  # a refusal's commit keeps their ids
            for earlier in rows:  # a failure raises: the rows after it wait for its retry
                send_row(session, earlier)
                sent.append(earlier)
            keep_first_ids(session, sent)  # one sorted set of locks, before the commit


def keep_first_ids(session: Session, rows: list[OutboxMessage], *,
                   in_database: bool = True) -> None:
    """Of `rows` just sent (in this transaction, maybe not yet flushed), keep a provider id
    only on the first to hold it: a later one is recorded sent without it, says so in its
    error, and is logged. A provider that answers one id twice must not break the unique rule
    on provider ids, which would roll back the rows already sent, to be sent again; nor
    must a concurrent sender told the same id (the ids are locked to this transaction
    first). `in_database=False`: against each other only, without a query."""
    sids = {row.provider_sid for row in rows if row.provider_sid}
    if not sids:
        return
    held: set[str | None] = set()
    if in_database:
        with session.no_autoflush:  # a campaign's chunk writes its rows in one UPDATE later
            outbox.lock_provider_ids(session, sids)
            held = set(session.scalars(select(OutboxMessage.provider_sid).where(
                OutboxMessage.provider_sid.in_(sids),
                OutboxMessage.id.not_in([row.id for row in rows]))))
    for row in rows:
        if row.provider_sid in held:
            log.error("provider id already used", extra={"outbox_id": row.id,
                                                         "sid": row.provider_sid})
            row.error = f"sent, but the provider's id {row.provider_sid} is another " \
                        "message's already"
            row.provider_sid = None
        elif row.provider_sid:
            held.add(row.provider_sid)


@contextmanager
def ids_kept_at_commit(session: Session) -> Iterator[list[OutboxMessage]]:
    """The rows a batch sends one after another, appended to the list yielded: a commit of
    the session meanwhile (send_row's, when the provider refuses a row) first keeps their
    provider ids (keep_first_ids: against each other and, locked, against other jobs'
    rows), so a clash cannot fail that commit and have the rows sent again. No query while
    nothing commits: the batch checks its rows once before its own commit."""
    sent: list[OutboxMessage] = []

    def keep(committing: Session) -> None:
        keep_first_ids(committing, sent)

    event.listen(session, "before_commit", keep)
    try:
        yield sent
    finally:
        event.remove(session, "before_commit", keep)


def send_row(session: Session, row: OutboxMessage) -> None:
    """Send one locked queued row: sent, given up, held (quiet hours), or DeliveryFailed
    (RateLimited) raised for a retry."""
    if outbox.held(row, utcnow()) or row.error == outbox.IN_FLIGHT:  # quiet hours: the
        return  # sweep sends it when they end; in flight: its campaign sender has it
    row.attempts += 1
    row.updated_at = utcnow()
    try:
        sid = sender_for(row).send(row)
    except TwilioRestException as exc:
        _twilio_refused(session, row, exc)
    except GraphError as exc:
        _refused(session, row, exc)
    except Deferred as exc:  # back in the queue; the outbox sweep sends it after `until`
        row.attempts -= 1
        row.error, row.not_before = str(exc), exc.until
    except DltRefused as exc:  # carriers would block it: the fallback goes instead, and
        row.status, row.error = OutboxStatus.REFUSED, str(exc)[:500]  # retry-refused sends
        outbound.dlt_fallback(session, row)  # it once its template is registered
    except MissingTemplate as exc:  # no approved template (yet): a retry cannot help, but
        _no_template(session, row, exc)  # the partner can still read it by SMS
    except Exception as exc:
        _failed(session, row, exc, final=row.attempts > current_app.config["JOB_RETRIES"])
    else:
        outbox.sent(row, sid)
        log.info("outbound sent", extra={"outbox_id": row.id, "channel": row.channel})


def _twilio_refused(session: Session, row: OutboxMessage, exc: TwilioRestException) -> None:
    """A rate limit leaves the row queued (RateLimited); WhatsApp that cannot reach the number
    fails the row and sends its text by SMS; anything else is retried."""
    if exc.status == 429 or exc.code in RATE_LIMIT_CODES:
        row.attempts -= 1
        row.error = f"rate limited ({exc.code or exc.status})"
        session.commit()
        raise RateLimited(row.error) from exc
    if row.channel == "whatsapp" and exc.code in outbound.WHATSAPP_UNREACHABLE:
        row.status, row.error = OutboxStatus.FAILED, f"twilio {exc.code}"
        outbound.fall_back_to_sms(session, row)
        return
    _failed(session, row, exc, final=row.attempts > current_app.config["JOB_RETRIES"])


def _refused(session: Session, row: OutboxMessage, exc: GraphError) -> None:
    """Meta's error codes: a rate limit backs off (RQ retries later), undeliverable and
    outside-the-window stop (the latter sent by SMS instead); anything else is retried."""
    if exc.undeliverable or exc.outside_window:
        row.status, row.error = OutboxStatus.FAILED, str(exc)[:500]
        log.warning("outbound refused", extra={"outbox_id": row.id, "code": exc.code})
        if exc.outside_window:
            outbound.fall_back_to_sms(session, row)
        return
    final = row.attempts > current_app.config["JOB_RETRIES"] and not exc.rate_limited
    _failed(session, row, exc, final=final)


def _no_template(session: Session, row: OutboxMessage, exc: MissingTemplate) -> None:
    """WhatsApp outside the 24-hour window needs a template the operator has not mapped
    (WHATSAPP_TEMPLATES / WHATSAPP_CLOUD_TEMPLATES): fail the row at once, say which template
    is missing, and send its text by SMS."""
    row.status, row.error = OutboxStatus.FAILED, str(exc)[:500]
    log.warning("outbound template missing: sms instead",
                extra={"outbox_id": row.id, "template": row.template})
    outbound.fall_back_to_sms(session, row)


def _failed(session: Session, row: OutboxMessage, exc: Exception, *, final: bool) -> None:
    """Give up on the row (final), or commit the attempt and raise for RQ to retry later."""
    row.error = str(exc)[:500]
    log.warning("outbound delivery failed",
                extra={"outbox_id": row.id, "attempt": row.attempts, "final": final})
    if final:
        row.status = OutboxStatus.FAILED
        return
    session.commit()
    raise DeliveryFailed(row.error) from exc


def sweep(older_than_seconds: float | None = None) -> int:
    """Re-enqueue outbox rows still queued after `older_than_seconds` (SWEEP_SECONDS unless
    given: an enqueue lost to a Redis outage)."""
    if older_than_seconds is None:
        older_than_seconds = current_app.config["SWEEP_SECONDS"]
    now = utcnow()
    cutoff = now - timedelta(seconds=older_than_seconds)
    with unit_of_work() as session:
        ids = list(session.scalars(select(OutboxMessage.id).where(
            OutboxMessage.status == OutboxStatus.QUEUED,
            or_(OutboxMessage.updated_at < cutoff, OutboxMessage.not_before <= now),
            or_(OutboxMessage.not_before.is_(None), OutboxMessage.not_before <= now),
            or_(OutboxMessage.error.is_(None), OutboxMessage.error != outbox.IN_FLIGHT))))
    for outbox_id in ids:
        jobs.enqueue(Job.DELIVER, outbox_id)
    return len(ids)
