"""Everything held about one partner, table by table: what MY DATA exports and what erasure
scrubs. A table belongs to a partner through its `partner_id` (or, for messages that arrive
before a partner exists, its `phone`); postings through their journal entries."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

import models
from models.partners.partner import Partner

# Secrets and other people's business: never exported.
NOT_EXPORTED = frozenset({"otp_challenges", "data_exports", "admin_users", "admin_audit",
                          "admin_sessions", "twilio_contents"})
HIDDEN_COLUMNS = ("_sealed", "_hash", "salt", "token")  # suffixes of columns left out
SECTIONS = {"partners": "profile", "memberships": "memberships",
            "journal_entries": "ledger_entries", "postings": "ledger_postings",
            "certificates": "certificates", "invoices": "invoices", "qr_scans": "scans",
            "redemptions": "redemptions", "inbox_messages": "messages_received",
            "outbox_messages": "messages_sent", "consents": "consents"}


def owned_tables() -> Iterator[tuple[Table, str]]:
    """Every table holding rows about a partner, with the column that says whose they are."""
    for table in models.metadata.sorted_tables:
        if table.name in NOT_EXPORTED:
            continue
        if table.name == "partners":
            yield table, "id"
        elif "partner_id" in table.c:
            yield table, "partner_id"
        elif "phone" in table.c:
            yield table, "phone"


def _plain(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _row(table: Table, row) -> dict:
    return {column: _plain(value) for column, value in row._mapping.items()
            if not column.endswith(HIDDEN_COLUMNS)}


def collect(session: Session, partner: Partner) -> dict[str, list[dict]]:
    """Section name -> the partner's rows (as JSON-ready dicts); the UPI id in clear."""
    found: dict[str, list[dict]] = {}
    for table, column in owned_tables():
        key = partner.phone if column == "phone" else partner.id
        where = table.c[column] == key
        if column == "partner_id" and "phone" in table.c:
            where = where | (table.c.phone == partner.phone)
        rows = [_row(table, r) for r in session.execute(select(table).where(where)
                                                        .order_by(*table.primary_key))]
        if rows:
            found[SECTIONS.get(table.name, table.name)] = rows
    found["profile"][0]["upi_vpa"] = partner.upi_vpa
    entries = [e["id"] for e in found.get("ledger_entries", [])]
    postings = models.metadata.tables["postings"]
    if entries:
        found["ledger_postings"] = [_row(postings, r) for r in session.execute(
            select(postings).where(postings.c.entry_id.in_(entries)).order_by(postings.c.id))]
    return found


def photo_urls(found: dict[str, list[dict]]) -> list[str]:
    """The stored photos among the partner's rows (invoices)."""
    return [row["media_url"] for row in found.get("invoices", []) if row.get("media_url")]
