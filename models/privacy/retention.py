"""Retention: what is kept only so long (programs/*.yaml `privacy.retention`), purged by a
periodic job (workers/schedule.py) that writes what it purged to the audit log.

Invoice photos follow their own program (counted from the end of its return window). Message
bodies (and the arguments of jobs done), one-time codes and export links are not a
program's: they follow the strictest program's setting. A sales file whose import failed
(kept for its job's retries, minutes apart) goes after SALES_FILE_DAYS.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Text, cast, delete, select, update
from sqlalchemy.orm import Session

from models.admin import audit
from models.invoices.invoice import Invoice
from models.jobs.records import JobRecord, JobStatus
from models.messaging.inbox import InboxMessage
from models.messaging.outbox import OutboxMessage, OutboxStatus
from models.privacy.erasure import MEDIA_PREFIX, delete_media
from models.privacy.exports import DataExport
from models.programs.privacy_settings import Retention
from models.programs.program import Program
from models.redemptions.otp import OtpChallenge
from models.sales.tables import BatchStatus, SalesBatch

ACTION = "retention.purge"
SALES_FILE_DAYS = 7


def purge(session: Session, now: datetime) -> dict[str, dict[str, int]]:
    """Purge what is past its retention; return brand -> what -> how many (also audited)."""
    programs = list(session.scalars(select(Program)))
    rules = [p.spec.privacy.retention for p in programs] or [Retention()]
    strictest = Retention(message_days=min(r.message_days for r in rules),
                          photo_days=min(r.photo_days for r in rules),
                          token_days=min(r.token_days for r in rules))
    messages_before = now - timedelta(days=strictest.message_days)
    shared = {"message_bodies": _messages(session, messages_before),
              "job_arguments": _job_arguments(session, messages_before),
              **_tokens(session, now - timedelta(days=strictest.token_days)),
              "sales_files": _sales_files(session, now - timedelta(days=SALES_FILE_DAYS))}
    done: dict[str, dict[str, int]] = {}
    for program in programs:
        counts = done.setdefault(program.spec.brand, {**shared, "invoice_photos": 0})
        counts["invoice_photos"] += _photos(session, program, now)
    for brand, counts in done.items():
        audit.record(session, actor="system", action=ACTION, brand=brand, after=counts,
                     reason="retention")
    return done


def _messages(session: Session, before: datetime) -> int:
    inbox = session.execute(update(InboxMessage).where(
        InboxMessage.received_at < before, InboxMessage.body != "")
        .values(body="", payload={}, replies=[])).rowcount
    outbox = session.execute(update(OutboxMessage).where(
        OutboxMessage.created_at < before, OutboxMessage.body != "",
        OutboxMessage.status != OutboxStatus.QUEUED)
        .values(body="", reply=None, template_vars={})).rowcount
    return inbox + outbox


def _job_arguments(session: Session, before: datetime) -> int:
    """Empty the arguments of jobs done before `before` (a rep's list of shops, a photo's
    address): only a job still to run needs them."""
    return session.execute(update(JobRecord).where(
        JobRecord.status == JobStatus.DONE, JobRecord.done_at < before,
        cast(JobRecord.args, Text) != "[]").values(args=[])).rowcount


def _tokens(session: Session, before: datetime) -> dict[str, int]:
    otps = session.execute(delete(OtpChallenge).where(
        OtpChallenge.expires_at < before)).rowcount
    old = list(session.scalars(select(DataExport).where(DataExport.expires_at < before)))
    delete_media([f"/media/exports/{e.file}" for e in old if e.file])
    for export in old:
        session.delete(export)
    session.flush()
    return {"one_time_codes": otps, "export_links": len(old)}


def _sales_files(session: Session, before: datetime) -> int:
    """Delete the uploaded sales files of imports that failed before `before` (their job's
    retries are over: the distributor uploads the file again)."""
    failed = session.scalars(select(SalesBatch).where(
        SalesBatch.status == BatchStatus.FAILED, SalesBatch.file.is_not(None),
        SalesBatch.created_at < before)).all()
    delete_media([MEDIA_PREFIX + batch.file for batch in failed])
    for batch in failed:
        batch.file = None
    return len(failed)


def _photos(session: Session, program: Program, now: datetime) -> int:
    spec = program.spec
    before = now - timedelta(days=spec.earning.invoice_lock_days +
                             spec.privacy.retention.photo_days)
    urls = list(session.scalars(select(Invoice.media_url).where(
        Invoice.program_id == program.id, Invoice.created_at < before, Invoice.media_url != "")))
    delete_media(urls)
    session.execute(update(Invoice).where(
        Invoice.program_id == program.id, Invoice.created_at < before, Invoice.media_url != "")
        .values(media_url=""))
    return len(urls)
