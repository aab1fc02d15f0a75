"""Campaign jobs: the periodic tick that starts due campaigns (and resumes those whose worker
died), and the run that writes and sends a campaign's deliveries in batches.

Exactly once per partner and round: a delivery row is claimed (SKIP LOCKED), its outbox row
(unique key) written and the delivery marked in one transaction; each outbox row is then
marked in flight (committed) and sent in a transaction of its own, so a run killed anywhere
leaves every partner sent, pending, or queued for the next run; a row left in flight is sent
again only after the provider says it never took it. Several runs of one campaign, and the
threads of each run, share the work.
"""

from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from flask import Flask, current_app
from sqlalchemy import select, text

from bot import jobs
from bot.channels.senders import sender_for
from bot.jobs.names import Job
from bot.notices.campaigns import Caps, queue_delivery
from models import campaigns
from models.base import utcnow
from models.campaigns import Campaign, CampaignStatus
from models.db import is_postgres, unit_of_work
from models.ledger.tables import Wallet
from models.messaging.outbox import IN_FLIGHT, OutboxMessage, OutboxStatus
from models.partners.partner import Partner
from models.programs.program import Program
from workers import outbound, throttle

log = logging.getLogger("saathi.campaigns")
CHECK_EVERY = 20  # sends between two looks at the campaign's status (a cancel)
MAX_BACKOFF = 60.0
ASYNC_COMMIT = text("SET LOCAL synchronous_commit TO OFF")


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
        ids = [d.partner_id for d in batch]
        partners = {p.id: p for p in session.scalars(select(Partner).where(Partner.id.in_(ids)))}
        wallets = {w.partner_id: w for w in session.scalars(select(Wallet).where(
            Wallet.partner_id.in_(ids), Wallet.program_id == program.id))}
        caps = Caps.of(session, ids, now)
        rows = [queue_delivery(session, campaign, spec, program, d, partners[d.partner_id],
                               wallets.get(d.partner_id), caps, now) for d in batch]
        campaign.updated_at = now  # the heartbeat the tick reads
        session.flush()
        return [row.id for row in rows if row is not None]


def _send(campaign_id: int, outbox_ids: list[int]) -> bool:
    """Send the batch's rows one by one, throttled; False once the campaign is cancelled."""
    backoff = current_app.config["CAMPAIGN_BACKOFF_SECONDS"]
    for n, outbox_id in enumerate(outbox_ids):
        if n % CHECK_EVERY == 0 and _stopped(campaign_id):
            return False
        while True:
            try:
                _send_one(outbox_id)
                break
            except outbound.RateLimited:
                log.warning("rate limited: backing off", extra={"campaign_id": campaign_id,
                                                                "seconds": backoff})
                time.sleep(backoff)
                backoff = min(MAX_BACKOFF, max(backoff * 2, 0.01))
                if _stopped(campaign_id):
                    return False
            except outbound.DeliveryFailed:  # committed as an attempt: the sweep retries it
                break
    return True


def _send_one(outbox_id: int) -> None:
    """Claim the row (marked in flight, committed), then send it in a transaction of its own,
    committed asynchronously on PostgreSQL as the inbox is. A row found in flight past the
    lease lost its sender mid-call: the provider is asked whether it took it before it is
    sent again, so a killed worker's last messages are not sent twice."""
    if not _claim(outbox_id):
        return
    with unit_of_work() as session:
        if is_postgres(session):
            session.execute(ASYNC_COMMIT)
        row = session.scalar(select(OutboxMessage).where(
            OutboxMessage.id == outbox_id, OutboxMessage.status == OutboxStatus.QUEUED,
            OutboxMessage.error == IN_FLIGHT).with_for_update())
        if row is None:  # cancelled meanwhile
            return
        row.error = None
        throttle.wait(row.via or _sender_number(row.channel))
        outbound.send_row(session, row)


def _claim(outbox_id: int) -> bool:
    now = utcnow()
    with unit_of_work() as session:
        row = session.scalar(select(OutboxMessage).where(
            OutboxMessage.id == outbox_id, OutboxMessage.status == OutboxStatus.QUEUED)
            .with_for_update(skip_locked=True))
        if row is None:  # sent by the sweep, cancelled, or another run holds it
            return False
        if row.error == IN_FLIGHT:
            lease = timedelta(seconds=current_app.config["JOB_LEASE_SECONDS"])
            if row.updated_at > now - lease:
                return False  # another sender has it in flight now
            if (sid := _taken_already(row)) is not None:
                row.status, row.provider_sid, row.sent_at, row.error = \
                    OutboxStatus.SENT, sid, now, None
                log.info("in-flight message found sent", extra={"outbox_id": row.id})
                return False
        row.error, row.updated_at = IN_FLIGHT, now
        return True


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
