"""Campaign jobs: the periodic tick that starts due campaigns (and resumes those whose worker
died), and the run that writes and sends a campaign's deliveries in batches.

Exactly once per partner and round: a batch of delivery rows is claimed (SKIP LOCKED), their
outbox rows (unique keys) written and the deliveries marked in one transaction; the outbox
rows are then marked in flight (committed) CHECK_EVERY at a time in one statement, and sent
in one transaction holding them (their statuses committed together), so a run killed
anywhere leaves every partner sent, pending, or queued for the next run; a row left in flight
is sent again only after the provider says it never took it. Several runs of one campaign, and the
threads of each run, share the work.
"""

from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from flask import Flask, current_app
from sqlalchemy import bindparam, or_, select, update
from sqlalchemy.orm import Session

from bot import jobs
from bot.channels.senders import sender_for
from bot.channels.twilio_messages import Unanswered
from bot.jobs.names import Job
from bot.notices.campaigns import queue_batch
from models import campaigns
from models.base import utcnow
from models.campaigns import Campaign, CampaignStatus
from models.db import commit_without_waiting, is_postgres, unit_of_work, update_rows
from models.messaging.outbox import IN_FLIGHT, OutboxMessage, OutboxStatus
from models.programs.program import Program
from workers import outbound, throttle

log = logging.getLogger("saathi.campaigns")
# Sends between two looks at the campaign's status (a cancel): a chunk, marked in flight and
# sent in one transaction; up to a chunk a thread is left for the provider lookup after a
# kill. 50, not 20: a chunk's claim, status read, lock and commit were a fifth of a send.
CHECK_EVERY = 50
MAX_BACKOFF = 60.0


def tick() -> int:
    """Run every due campaign (periodic, every SWEEP_SECONDS); return how many."""
    stale = timedelta(seconds=3 * current_app.config["SWEEP_SECONDS"])
    with unit_of_work() as session:
        due = campaigns.due(session, stale)
    for campaign_id in due:
        jobs.enqueue(Job.RUN_CAMPAIGN, campaign_id)
    return len(due)


def run(campaign_id: int) -> None:
    """Start (or resume) the campaign's round and send it until nothing is pending, it is
    cancelled, or quiet hours begin."""
    with unit_of_work() as session:
        campaign = session.get(Campaign, campaign_id, with_for_update=True)
        if campaign is None or not campaigns.start(session, campaign):
            return
        left = campaigns.unsent(session, campaign)  # written by a run that died
        threads = current_app.config["CAMPAIGN_THREADS"] if is_postgres(session) else 1
    if threads == 1:
        _loop(campaign_id, left)
        return
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    with ThreadPoolExecutor(threads, thread_name_prefix="campaign") as pool:
        for done in [pool.submit(_in_app, app, campaign_id, left[n::threads])
                     for n in range(threads)]:
            done.result()


def _in_app(app: Flask, campaign_id: int, left: list[int]) -> None:
    with app.app_context():
        _loop(campaign_id, left)


def _loop(campaign_id: int, left: list[int]) -> None:
    """Send `left` (rows a dead run wrote), then write and send batches until the round is
    over; each thread of a run does this, the database handing each its own deliveries."""
    if left and not _send(campaign_id, left):
        return
    while (ids := _write_batch(campaign_id)) is not None:
        if not _send(campaign_id, ids):
            return


def _write_batch(campaign_id: int) -> list[int] | None:
    """Claim a batch of pending deliveries and write their outbox rows; None when the round
    is over (or the campaign stopped or paused for quiet hours)."""
    now = utcnow()
    with unit_of_work() as session:
        campaign = session.get(Campaign, campaign_id)
        if campaign.status != CampaignStatus.RUNNING:
            return None
        spec = campaigns.spec_of(campaign)
        program = session.get(Program, campaign.program_id)
        if not spec.urgent and (until := program.spec.quiet().release(now)) is not None:
            campaign.status, campaign.next_run_at = CampaignStatus.SCHEDULED, until
            return None
        batch = campaigns.claim(session, campaign, current_app.config["CAMPAIGN_BATCH"])
        if not batch:
            campaigns.finish_round(session, campaign, now)
            return None
        ids = queue_batch(session, campaign, spec, program, batch, now)
        campaign.updated_at = now  # the heartbeat the tick reads
        return ids


def _send(campaign_id: int, outbox_ids: list[int]) -> bool:
    """Send the batch's rows, throttled, CHECK_EVERY at a time: the chunk marked in flight in
    one statement (committed, the campaign's status read in the same transaction), then sent
    in one transaction holding its rows, their statuses committed together; False once the
    campaign is cancelled."""
    for start in range(0, len(outbox_ids), CHECK_EVERY):
        chunk = outbox_ids[start:start + CHECK_EVERY]
        if (claimed := _claim_many(campaign_id, chunk)) is None:
            return False
        mine: Claims = {}
        for outbox_id in chunk:  # a row the chunk's claim left (in flight once: a dead
            if at := claimed.get(outbox_id) or _claim(outbox_id):  # sender's?) is asked alone
                mine[outbox_id] = at
        if not _send_claimed(campaign_id, mine):
            return False
    return True


# The rows a sender marked in flight, each with the time it did (the row's updated_at): a
# row whose updated_at moved on was claimed again by another sender once the lease ran out.
Claims = dict[int, datetime]


def _send_claimed(campaign_id: int, mine: Claims) -> bool:
    """Send rows this sender marked in flight, backing off while the provider rate-limits;
    False once cancelled (the rows not sent released)."""
    backoff = current_app.config["CAMPAIGN_BACKOFF_SECONDS"]
    while mine:
        limited, mine = _send_together(mine)
        if limited is None:
            continue
        log.warning("rate limited: backing off", extra={"campaign_id": campaign_id,
                                                        "seconds": backoff})
        time.sleep(backoff)
        backoff = min(MAX_BACKOFF, max(backoff * 2, 0.01))
        if _stopped(campaign_id):
            _release(mine)
            return False
        if at := _claim(limited):  # queued again by the rate limit, not in flight
            mine = {limited: at, **mine}
    return True


def _send_together(mine: Claims) -> tuple[int | None, Claims]:
    """Send in-flight rows in one transaction (committed asynchronously on PostgreSQL, as
    the inbox is), holding them until their statuses commit together; a row another sender
    claimed since is left to it. A row the provider refuses for now commits what went
    before it (send_row): then the rate-limited row's id (None for a failed attempt, which
    the sweep retries) and the rows after it, still in flight. A sender killed
    mid-transaction leaves its rows in flight: a resumed run asks the provider whether it
    took each before sending it again (_claim)."""
    with unit_of_work() as session:
        commit_without_waiting(session)
        rows = [row for row in session.scalars(_IN_FLIGHT_ROWS, {"ids": list(mine)})
                if row.updated_at == mine[row.id]]  # a row missing was cancelled meanwhile
        with outbound.ids_kept_at_commit(session) as sent:
            for n, row in enumerate(rows):
                row.error = None
                throttle.wait(row.via or _sender_number(row.channel))
                try:
                    outbound.send_row(session, row)
                except outbound.RateLimited:
                    return row.id, {r.id: mine[r.id] for r in rows[n + 1:]}
                except outbound.DeliveryFailed as exc:
                    if isinstance(exc.__cause__, Unanswered):  # maybe taken: in flight
                        _keep_in_flight(row.id)  # again, a later run asks the provider first
                    return None, {r.id: mine[r.id] for r in rows[n + 1:]}
                sent.append(row)
        _write_sent(session, rows)
    return None, {}


# What sending a row may change on it (outbound.send_row: sent, failed, deferred).
_SENDING_CHANGES = ("status", "provider_sid", "sent_at", "attempts", "updated_at", "error",
                    "body", "reply", "not_before")


def _write_sent(session: Session, rows: list[OutboxMessage]) -> None:
    """The chunk's rows as sending left them, in one UPDATE (the ORM's flush writes them a
    statement a row, with its bookkeeping), then out of the session. The transaction holds
    their locks: no one else changed them meanwhile."""
    outbound.keep_first_ids(session, rows)
    with session.no_autoflush:  # the UPDATE writes them, not a flush before it
        update_rows(session, OutboxMessage.__table__, [
            {"id": row.id, **{name: getattr(row, name) for name in _SENDING_CHANGES}}
            for row in rows])
    for row in rows:
        session.expunge(row)


def _keep_in_flight(outbox_id: int) -> None:
    """A row whose request went out unanswered (its failed attempt committed): in flight
    again, so that no run sends it before the provider says it never took it."""
    with unit_of_work() as session:
        session.execute(update(OutboxMessage).where(
            OutboxMessage.id == outbox_id, OutboxMessage.status == OutboxStatus.QUEUED)
            .values(error=IN_FLIGHT, updated_at=utcnow()),
            execution_options={"synchronize_session": False})


_IN_FLIGHT_ROWS = select(OutboxMessage).where(  # built once: every chunk asks
    OutboxMessage.id.in_(bindparam("ids", expanding=True)),
    OutboxMessage.status == OutboxStatus.QUEUED, OutboxMessage.error == IN_FLIGHT
).order_by(OutboxMessage.id).with_for_update()


def _claim_many(campaign_id: int, outbox_ids: list[int]) -> Claims | None:
    """Mark in flight, in one statement (committed), those of `outbox_ids` still queued and
    not in flight that no other sender holds; the rows marked, or None (none marked) once
    the campaign no longer runs."""
    now = utcnow()
    with unit_of_work() as session:
        if campaigns.status_of(session, campaign_id) != CampaignStatus.RUNNING:
            return None
        free = select(OutboxMessage.id).where(
            OutboxMessage.id.in_(outbox_ids), OutboxMessage.status == OutboxStatus.QUEUED,
            or_(OutboxMessage.error.is_(None), OutboxMessage.error != IN_FLIGHT))
        if is_postgres(session):
            free = free.with_for_update(skip_locked=True)
        return dict.fromkeys(session.scalars(
            update(OutboxMessage).where(OutboxMessage.id.in_(free))
            .values(error=IN_FLIGHT, updated_at=now).returning(OutboxMessage.id),
            execution_options={"synchronize_session": False}), now)


def _release(mine: Claims) -> None:
    """Rows this sender marked in flight but will not send (cancelled, paused): queued as
    before, for the next run (no provider lookup needed)."""
    with unit_of_work() as session:
        for at in set(mine.values()):
            session.execute(update(OutboxMessage).where(
                OutboxMessage.id.in_([i for i, t in mine.items() if t == at]),
                OutboxMessage.status == OutboxStatus.QUEUED,
                OutboxMessage.error == IN_FLIGHT, OutboxMessage.updated_at == at)
                .values(error=None), execution_options={"synchronize_session": False})


def _claim(outbox_id: int) -> datetime | None:
    """Mark one row in flight (committed); the time it was, or None when another sender
    has it or it was found sent (a dead sender's row the provider took)."""
    now = utcnow()
    with unit_of_work() as session:
        row = session.scalar(select(OutboxMessage).where(
            OutboxMessage.id == outbox_id, OutboxMessage.status == OutboxStatus.QUEUED)
            .with_for_update(skip_locked=True))
        if row is None:  # sent by the sweep, cancelled, or another run holds it
            return None
        if row.error == IN_FLIGHT:
            lease = timedelta(seconds=current_app.config["JOB_LEASE_SECONDS"])
            if row.updated_at > now - lease:
                return None  # another sender has it in flight now
            if (sid := _taken_already(row)) is not None:
                row.status, row.provider_sid, row.sent_at, row.error = \
                    OutboxStatus.SENT, sid, now, None
                log.info("in-flight message found sent", extra={"outbox_id": row.id})
                return None
        row.error, row.updated_at = IN_FLIGHT, now
        return now


def _taken_already(row: OutboxMessage) -> str | None:
    """The provider's id of `row` if it took it (Twilio can be asked; others cannot)."""
    sender = sender_for(row)
    find = getattr(sender, "find_sent", None)
    return find(row, row.updated_at - timedelta(seconds=5)) if find else None


def _sender_number(channel: str) -> str:
    config = current_app.config
    return config["TWILIO_WHATSAPP_FROM"] if channel == "whatsapp" else config["TWILIO_SMS_FROM"]


def _stopped(campaign_id: int) -> bool:
    with unit_of_work() as session:
        return campaigns.status_of(session, campaign_id) != CampaignStatus.RUNNING
