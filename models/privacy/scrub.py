"""Erasure's sweep of the records that quote a partner rather than point at them: review
items' facts, the audit log's reasons and before/after states (rows written by any version
of the code), durable jobs' arguments (RQ's own arguments are only a record's id:
bot/jobs/dispatch.py), a rep's bulk enrolment reports and webhook bodies.

Each quoted trace (the phone, its national digits, name, shop, GSTIN, UPI id) is replaced in
place: the phone by the partner's pseudonym, the rest by `[erased]`, so a row keeps its
meaning ("buyer GSTIN is not the partner's") without the data. Candidate rows are found in
SQL (the column's text contains a trace, literally or JSON-escaped as SQLite stores
non-ASCII text) and rewritten in Python. The ledger's own tables are not here: they hold ids
and amounts, never a quote, and are sealed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from sqlalchemy import Text, cast, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from models.admin.audit import AuditEntry
from models.enrollment.batches import EnrollmentBatch
from models.jobs.records import JobRecord
from models.review.queue import ReviewItem
from models.webhooks.deliveries import WebhookDelivery

REDACTED = "[erased]"
SHORTEST = 4  # a shorter "name" would match too much to be a trace of anyone

QUOTING: tuple[tuple[type, tuple[str, ...]], ...] = (
    (ReviewItem, ("payload", "reason", "note")),
    (AuditEntry, ("reason", "before", "after", "target")),
    (JobRecord, ("args", "error")),
    (EnrollmentBatch, ("rows",)),
    (WebhookDelivery, ("body",)),
)


def traces(phone: str, alias: str, *values: str | None) -> dict[str, str]:
    """What to replace, longest first: the phone (E.164 and national digits) by `alias`,
    each other value by REDACTED."""
    found = {phone: alias, phone.lstrip("+"): alias}
    if phone.startswith("+91"):
        found[phone[3:]] = alias
    found |= {v.strip(): REDACTED for v in values if v and len(v.strip()) >= SHORTEST}
    return dict(sorted(found.items(), key=lambda kv: -len(kv[0])))


def scrub_quotes(session: Session, replacements: dict[str, str]) -> int:
    """Rewrite every quoting row that holds a trace; how many rows changed."""
    changed = 0
    for model, names in QUOTING:
        columns = [getattr(model, name) for name in names]
        for row in session.scalars(select(model).where(_mentions(columns, replacements))):
            for name in names:
                value = getattr(row, name)
                cleaned = _replace(value, replacements)
                if cleaned != value:
                    setattr(row, name, cleaned)
            changed += 1
    session.flush()
    return changed


def _mentions(columns: Iterable[InstrumentedAttribute], replacements: dict[str, str]):
    needles = {form for trace in replacements for form in (trace, json.dumps(trace)[1:-1])}
    return or_(*(cast(column, Text).contains(needle, autoescape=True)
                 for column in columns for needle in needles))


def _replace(value: object, replacements: dict[str, str]) -> object:
    """`value` with every trace replaced, through JSON's dicts and lists (keys too)."""
    if isinstance(value, str):
        for trace, replacement in replacements.items():
            value = value.replace(trace, replacement)
        return value
    if isinstance(value, dict):
        return {_replace(k, replacements): _replace(v, replacements) for k, v in value.items()}
    if isinstance(value, list):
        return [_replace(v, replacements) for v in value]
    return value
