"""Sales an ERP pushes (POST /api/v1/sales): a batch runs through the same importer as a file,
except that a sale (or credit note) this distributor sent before is answered from the result
stored then, and changes nothing — so a client retrying a timed-out request is safe."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.db import unit_of_work
from models.invoices.invoice import claim_key
from models.sales.apikeys import Caller
from models.sales.importer import RowReport, find_distributor, run
from models.sales.lines import RawLine
from models.sales.tables import Outcome, SaleRow, SalesBatch

STORED = (Outcome.CREDITED, Outcome.REVIEW, Outcome.RETURNED)


@dataclass(frozen=True)
class Pushed:
    report: RowReport
    replayed: bool


def push(caller: Caller, lines: list[RawLine]) -> list[Pushed]:
    """Credit `lines` for the caller's distributor; one answer per line, in order."""
    with unit_of_work() as session:
        program, _distributor = find_distributor(session, caller.program_code,
                                                 caller.distributor)
        stored = _stored(session, program.id, caller.distributor,
                         {claim_key(caller.gstin, line.number.strip()): line
                          for line in lines if line.number.strip()})
    fresh = [line for line in lines if line.row not in stored]
    done: dict[int, RowReport] = {}

    def collect(reports: list[RowReport]) -> None:
        done.update((r.row, r) for r in reports)

    if fresh:
        run(caller.program_code, caller.distributor, fresh, source="api",
            name=f"api:{caller.prefix}",
            on_chunk=collect)
    return [Pushed(stored[line.row], True) if line.row in stored else Pushed(done[line.row], False)
            for line in lines]


def _stored(session: Session, program_id: int, distributor: str,
            by_key: dict[str, RawLine]) -> dict[int, RowReport]:
    """The stored result of each line sent before, by the line's row."""
    if not by_key:
        return {}
    latest = (select(func.max(SaleRow.id)).join(SalesBatch, SalesBatch.id == SaleRow.batch_id)
              .where(SaleRow.key.in_(list(by_key)), SaleRow.outcome.in_(STORED),
                     SalesBatch.program_id == program_id, SalesBatch.distributor == distributor,
                     SalesBatch.dry_run.is_(False))
              .group_by(SaleRow.key))
    rows = session.scalars(select(SaleRow).where(SaleRow.id.in_(latest)))
    return {by_key[row.key].row: RowReport(by_key[row.key].row, row.number or "",
                                           Outcome(row.outcome), row.reason or "",
                                           row.partner_id, row.credits, row.invoice_id)
            for row in rows}
