"""Every job a request, a notice or a sweep may ask for, by a name that outlives module moves.

Job records store the name; `REGISTRY` says which function runs it. A job callable is looked
up here and nowhere else: `check()` imports every target (the worker does at start-up, and a
test does) so a renamed function fails loudly, not in a queue at 2 a.m. Records written before
the names existed hold the function's dotted path; those still resolve.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from enum import StrEnum


class Job(StrEnum):
    DELIVER = "outbound.deliver"
    READ_PHOTO = "photos.read"
    SCAN_PHOTO = "codes.scan_photo"
    CHECK_VOUCHER_PHOTO = "vouchers.check_photo"
    FULFIL_REDEMPTION = "redemptions.fulfil"
    BULK_ENROLL = "enrollment.bulk"
    DRAW_CERTIFICATE = "certificates.draw"
    FETCH_TICKET_AUDIO = "support.fetch_audio"
    RUN_CAMPAIGN = "campaigns.run"
    BUILD_EXPORT = "privacy.build_export"
    ERASE_TRACES = "privacy.erase_traces"
    DELIVER_WEBHOOK = "webhooks.deliver"
    VOICE_NOTE = "speech.voice_note"
    IMPORT_SALES = "sales.import_file"
    # periodic (workers/schedule.py)
    SEAL_LEDGER = "ledger.seal"
    EXPIRE_CREDITS = "ledger.expire"
    RECOMPUTE_TIERS = "ledger.recompute_tiers"
    SWEEP_REDEMPTIONS = "redemptions.sweep"
    SWEEP_OUTBOX = "outbound.sweep"
    SWEEP_INBOX = "inbox.sweep"
    SWEEP_JOBS = "jobs.sweep"
    TICK_CAMPAIGNS = "campaigns.tick"
    ENFORCE_RETENTION = "privacy.retention"
    SWEEP_WEBHOOKS = "webhooks.sweep"
    REFRESH_FIGURES = "admin.figures"


REGISTRY: dict[Job, str] = {
    Job.DELIVER: "workers.outbound.deliver",
    Job.READ_PHOTO: "workers.photos.read_photo",
    Job.SCAN_PHOTO: "workers.scan.scan_photo",
    Job.CHECK_VOUCHER_PHOTO: "workers.voucher_photo.check_photo",
    Job.FULFIL_REDEMPTION: "workers.redemptions.fulfil",
    Job.BULK_ENROLL: "workers.bulk_enroll.run",
    Job.DRAW_CERTIFICATE: "workers.certificates.draw_certificate",
    Job.FETCH_TICKET_AUDIO: "workers.support_audio.fetch_audio",
    Job.BUILD_EXPORT: "workers.privacy.build_export",
    Job.ERASE_TRACES: "workers.privacy.erase_traces",
    Job.DELIVER_WEBHOOK: "workers.webhooks.deliver",
    Job.VOICE_NOTE: "workers.voice_notes.send_note",
    Job.IMPORT_SALES: "workers.sales_import.import_file",
    Job.SEAL_LEDGER: "workers.ledger.seal",
    Job.EXPIRE_CREDITS: "workers.ledger.expire",
    Job.RECOMPUTE_TIERS: "workers.ledger.recompute_tiers",
    Job.SWEEP_REDEMPTIONS: "workers.redemptions.sweep",
    Job.SWEEP_OUTBOX: "workers.outbound.sweep",
    Job.SWEEP_INBOX: "workers.inbox.sweep",
    Job.SWEEP_JOBS: "workers.job_sweep.sweep",
    Job.RUN_CAMPAIGN: "workers.campaigns.run",
    Job.TICK_CAMPAIGNS: "workers.campaigns.tick",
    Job.ENFORCE_RETENTION: "workers.privacy.enforce_retention",
    Job.SWEEP_WEBHOOKS: "workers.webhooks.sweep",
    Job.REFRESH_FIGURES: "workers.figures.refresh",
}
# Seconds RQ lets one run of a job take before it kills it (RQ's default: 180). A sales file
# of the largest size allowed takes minutes; a run killed anyway is retried from where it was.
TIMEOUTS: dict[str, int] = {Job.IMPORT_SALES: 3600}
# What runs, with the job's own arguments, when the last attempt of a job a partner waits on
# failed: the partner is told, not left at "reading it now".
GIVEN_UP: dict[Job, str] = {Job.READ_PHOTO: "workers.photos.read_failed",
                            Job.SCAN_PHOTO: "workers.scan.scan_failed",
                            Job.CHECK_VOUCHER_PHOTO: "workers.voucher_photo.check_failed"}
_BY_PATH = {path: job for job, path in REGISTRY.items()}
_EXTRA: dict[str, str] = {}  # registered at run time: tests' own job functions
RUNNER = "bot.jobs.runner.run"  # runs a recorded job (bot/jobs/dispatch.py sends it)


class UnknownJob(LookupError):
    """A job name (or a recorded dotted path) that no registered function answers to."""


def target(name: str) -> str:
    """The dotted path of the function that runs job `name` (a Job or a recorded path)."""
    if name in REGISTRY:
        return REGISTRY[Job(name)]
    if name in _BY_PATH or name == RUNNER:
        return name
    if name in _EXTRA:
        return _EXTRA[name]
    raise UnknownJob(name)


def register(name: str, path: str | None = None) -> None:
    """Make job `name` run the function at dotted `path` (its name, by default)."""
    _EXTRA[name] = path or name


def resolve(name: str) -> Callable:
    return _imported(target(name))


def given_up(name: str) -> Callable | None:
    """The function that runs when job `name`'s last attempt failed (GIVEN_UP), if any."""
    job = Job(name) if name in REGISTRY else _BY_PATH.get(name)
    path = GIVEN_UP.get(job) if job is not None else None
    return _imported(path) if path is not None else None


def _imported(path: str) -> Callable:
    module, _, attr = path.rpartition(".")
    return getattr(importlib.import_module(module), attr)


def check() -> None:
    """Import every registered job's function (and what runs when it is given up); raise
    UnknownJob naming the first missing."""
    for job in Job:
        try:
            resolve(job)
        except (ImportError, AttributeError) as exc:
            raise UnknownJob(f"{job.value} -> {REGISTRY[job]}: {exc}") from exc
        try:
            given_up(job)
        except (ImportError, AttributeError) as exc:
            raise UnknownJob(f"{job.value} given up -> {GIVEN_UP[job]}: {exc}") from exc
