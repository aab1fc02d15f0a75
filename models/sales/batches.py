"""What the admin shows of a distributor's sales data: its recent imports with what came of
their rows, one import's per-row report, and the distributor's API keys. Every read names the
programs and the distributor it may see: a batch or key outside them is not found."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.sales.tables import SaleRow, SalesApiKey, SalesBatch

REPORT_HEADER = ("row", "invoice", "outcome", "reason", "partner_id", "credits")


def report_cells(row) -> tuple:
    """A row of the per-row report, from a `RowReport` (an import running) or a `SaleRow`
    (one stored): both have these attributes."""
    return (row.row, row.number or "", str(row.outcome), row.reason or "",
            row.partner_id or "", row.credits)


@dataclass(frozen=True)
class Batch:
    id: int
    at: datetime
    source: str
    name: str
    rows: int
    status: str
    total: int | None = None  # about how many rows an uploaded file holds
    error: str | None = None
    counts: dict[str, int] = field(default_factory=dict)
    credits: int = 0
    dry_run: bool = False  # checked only: the credits are what an import would give


def _batches(program_ids: list[int], code: str):
    return select(SalesBatch).where(SalesBatch.program_id.in_(program_ids),
                                    SalesBatch.distributor == code.upper())


def recent(session: Session, program_ids: list[int], code: str, limit: int = 20
           ) -> list[Batch]:
    """The distributor's latest imports (files and API batches), newest first."""
    found = list(session.scalars(_batches(program_ids, code)
                                 .order_by(SalesBatch.id.desc()).limit(limit)))
    counts: dict[int, dict[str, int]] = {b.id: {} for b in found}
    credits: dict[int, int] = dict.fromkeys(counts, 0)
    for batch_id, outcome, n, total in session.execute(
            select(SaleRow.batch_id, SaleRow.outcome, func.count(), func.sum(SaleRow.credits))
            .where(SaleRow.batch_id.in_(counts)).group_by(SaleRow.batch_id, SaleRow.outcome)):
        counts[batch_id][outcome] = n
        credits[batch_id] += int(total or 0)
    return [Batch(b.id, b.created_at, b.source, b.name, b.rows, b.status, b.total, b.error,
                  counts[b.id], credits[b.id], b.dry_run) for b in found]


def find(session: Session, program_ids: list[int], code: str, batch_id: int
         ) -> SalesBatch | None:
    return session.scalar(_batches(program_ids, code).where(SalesBatch.id == batch_id))


def report(session: Session, batch_id: int) -> Iterator[SaleRow]:
    """The batch's rows in the file's order."""
    yield from session.scalars(select(SaleRow).where(SaleRow.batch_id == batch_id)
                               .order_by(SaleRow.row, SaleRow.id)
                               .execution_options(yield_per=1000))


def api_keys(session: Session, program_ids: list[int], code: str) -> list[SalesApiKey]:
    """The distributor's API keys, live ones first, newest first."""
    return list(session.scalars(select(SalesApiKey).where(
        SalesApiKey.program_id.in_(program_ids), SalesApiKey.distributor == code.upper())
        .order_by(SalesApiKey.revoked_at.is_not(None), SalesApiKey.id.desc())))


def api_key(session: Session, program_ids: list[int], code: str, prefix: str
            ) -> SalesApiKey | None:
    return session.scalar(select(SalesApiKey).where(
        SalesApiKey.program_id.in_(program_ids), SalesApiKey.distributor == code.upper(),
        SalesApiKey.prefix == prefix))
