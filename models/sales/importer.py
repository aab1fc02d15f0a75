"""Run a feed of sales through the rules in chunks: each chunk one transaction (its invoices,
ledger entries and per-row results together), so memory stays bounded, a crash loses at most
the chunk in flight, and running the same file again is a no-op answered from what is stored.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models.db import commit_without_waiting, insert_rows, refresh_statistics, unit_of_work
from models.invoices.invoice import Invoice
from models.ledger.tables import JournalEntry, Lot, Wallet
from models.programs.program import Program
from models.programs.schema import Distributor
from models.sales.ahead import Ready, read_ahead, ready_chunks
from models.sales.crediting import Feed, Pending, Result, apply_sale, claims, settle_all
from models.sales.lines import Invalid, RawLine, Sale
from models.sales.matching import buyer_index
from models.sales.returns import apply_return, original_key
from models.sales.tables import BatchStatus, Outcome, SaleRow, SalesBatch

log = logging.getLogger("saathi.sales")
CHUNK = 2_000  # rows a transaction: 500 cost a fifth more CPU (client and server) a row
FIRST_ANALYZE = 1_000  # rows credited; then at 2,000, 4,000, ...: see refresh_statistics
# The tables a file grows that its chunks read (claims, earlier keys, lots, wallets) or point
# their foreign keys at. Not sale_rows, postings, outbox: nothing of an import reads them, and
# ANALYZE of those was a third of its cost (autovacuum's comes for them).
GROWN = [m.__table__ for m in (Invoice, JournalEntry, Lot, Wallet)]


TAKEN_OVER = ("stopped after {rows} rows before its end; batch {batch} imported the same file "
              "again (rows imported before were not credited twice)")


class UnknownSource(LookupError):
    """No such program, or no such distributor in it."""


@dataclass(frozen=True)
class RowReport:
    row: int
    number: str
    outcome: Outcome
    reason: str
    partner_id: int | None
    credits: int
    invoice_id: int | None = None


@dataclass
class Summary:
    batch_id: int | None = None
    counts: Counter = field(default_factory=Counter)
    credits: int = 0
    taken_over: list[int] = field(default_factory=list)  # batches of this file left running

    @property
    def rows(self) -> int:
        return sum(self.counts.values())


def find_distributor(session: Session, program_code: str, code: str
                     ) -> tuple[Program, Distributor]:
    program = session.scalar(select(Program).where(Program.code == program_code.upper()))
    if program is None:
        raise UnknownSource(f"no program {program_code}")
    found = next((d for d in program.spec.distributors if d.code == code.upper()), None)
    if found is None:
        raise UnknownSource(f"no distributor {code} in {program.code}")
    return program, found


def distributor_program(session: Session, code: str) -> str:
    """The code of the (first) program that lists distributor `code`."""
    for program in session.scalars(select(Program).order_by(Program.id)):
        if any(d.code == code.upper() for d in program.spec.distributors):
            return program.code
    raise UnknownSource(f"no program lists distributor {code}")


def run(program_code: str, distributor_code: str, lines: Iterable[RawLine], *, source: str,
        name: str, dry_run: bool = False, chunk: int | None = None, batch_id: int | None = None,
        rerunnable: bool = False,
        on_chunk: Callable[[list[RowReport]], None] = lambda _rows: None) -> Summary:
    """Import `lines`; `on_chunk` gets each chunk's reports after its commit. The rows go to
    batch `batch_id` (an uploaded file's, made when it was queued), else to a new batch. A
    dry run credits nothing and makes no batch: given one (an uploaded file's check), it
    stores only the rows' report there.

    `rerunnable`: a file, which is imported again if the import stops: its chunks' commits do
    not wait for the disk (PostgreSQL's synchronous_commit off). A crash of the database may
    then lose the last chunks committed, never half of one, and the file run again does them
    again (every row done before is answered from what is stored, nothing credited twice).
    The batch's last write (done) waits for the disk, and with it every chunk before it. Not
    for the API: its caller is told each sale's outcome and sends it only once."""
    chunk = chunk or CHUNK
    summary = Summary(batch_id)
    with unit_of_work() as session:
        program, distributor = find_distributor(session, program_code, distributor_code)
        buyers = buyer_index(session, program.id)
        spec = program.spec
        if not dry_run and batch_id is None:
            batch = SalesBatch(program_id=program.id, distributor=distributor.code,
                               source=source, name=name[:200], dry_run=dry_run,
                               status=BatchStatus.RUNNING if rerunnable else BatchStatus.DONE)
            session.add(batch)
            session.flush()
            summary.batch_id = batch.id
            if rerunnable:
                summary.taken_over = _take_over(session, batch)
        program_id = program.id
    written, analyze_at = 0, FIRST_ANALYZE  # doubling: a handful of ANALYZEs for any file
    with read_ahead(ready_chunks(lines, chunk, distributor.gstin, buyers, spec, program_id,
                                 source)) as chunks:
        for batch_lines in chunks:
            if written >= analyze_at:
                analyze_at *= 2
                with unit_of_work() as session:
                    refresh_statistics(session, GROWN)
            try:
                reports = _commit_chunk(program_id, distributor, source, dry_run,
                                        batch_lines, summary, careful=False,
                                        rerunnable=rerunnable)
            except IntegrityError:  # someone claimed one of these invoices meanwhile
                log.info("sales chunk retried row by row", extra={"batch_id": summary.batch_id})
                reports = _commit_chunk(program_id, distributor, source, dry_run,
                                        batch_lines, summary, careful=True,
                                        rerunnable=rerunnable)
            for report in reports:
                summary.counts[report.outcome] += 1
                summary.credits += report.credits
            written += 0 if dry_run else sum(r.outcome != Outcome.ALREADY for r in reports)
            on_chunk(reports)
    if rerunnable and not dry_run and batch_id is None:
        with unit_of_work() as session:  # waits for the disk, and so for the chunks before
            session.query(SalesBatch).filter_by(id=summary.batch_id).update(
                {SalesBatch.status: BatchStatus.DONE})
    log.info("sales imported", extra={"batch_id": summary.batch_id, "source": source,
                                      "rows": summary.rows, "counts": dict(summary.counts)})
    return summary


def _take_over(session: Session, batch: SalesBatch) -> list[int]:
    """Fail the earlier runs of the same file (by its name, from the command line) that were
    left running: their import was stopped (killed, the machine down) before its end, and
    this run does what they had not. Their ids."""
    stale = session.scalars(select(SalesBatch).where(
        SalesBatch.program_id == batch.program_id, SalesBatch.distributor == batch.distributor,
        SalesBatch.source == batch.source, SalesBatch.name == batch.name,
        SalesBatch.status == BatchStatus.RUNNING, SalesBatch.file.is_(None),
        SalesBatch.id != batch.id).with_for_update()).all()
    for old in stale:
        old.status = BatchStatus.FAILED
        old.error = TAKEN_OVER.format(rows=old.rows, batch=batch.id)
    return [old.id for old in stale]


def _commit_chunk(program_id: int, distributor: Distributor, source: str, dry_run: bool,
                  lines: list[Ready], summary: Summary, careful: bool, rerunnable: bool
                  ) -> list[RowReport]:
    """Run one chunk in one transaction; its reports."""
    with unit_of_work() as session:
        if rerunnable:
            commit_without_waiting(session)
        feed = Feed(session.get(Program, program_id), distributor, source, dry_run, careful)
        reports = list(_chunk(session, feed, lines))
        if summary.batch_id is not None:  # a dry run's rows name no sale: nothing replays them
            insert_rows(session, SaleRow.__table__, [
                _row_values(summary.batch_id, report, None if dry_run else line.key)
                for report, line in zip(reports, lines, strict=True)])
            session.query(SalesBatch).filter_by(id=summary.batch_id).update(
                {SalesBatch.rows: SalesBatch.rows + len(reports)})
    return reports


def _row_values(batch_id: int, report: RowReport, key: str | None) -> dict:
    return {"batch_id": batch_id, "row": report.row, "number": report.number[:40] or None,
            "key": key, "outcome": report.outcome, "reason": report.reason[:200] or None,
            "partner_id": report.partner_id, "credits": report.credits,
            "invoice_id": report.invoice_id}


def _chunk(session: Session, feed: Feed, lines: list[Ready]) -> Iterator[RowReport]:
    """The chunk's sales in passes, so that a chunk costs few round trips: decide each (the
    invoices already claiming them read in one query), write and credit the new ones together
    (`settle_all`), then credit notes (their invoice may be in this chunk)."""
    claimed = claims(session, [line.key for line in lines if line.claims])
    results: list[Result | Pending | None] = []
    with session.no_autoflush:
        for line in lines:
            results.append(None if isinstance(line.sale, Sale) and line.sale.is_return
                           else _one(session, feed, line, claimed))
        results = settle_all(session, feed, results)
    for index, line in enumerate(lines):
        if results[index] is None:
            key = original_key(feed, line.sale)
            results[index] = apply_return(session, feed, line.sale,
                                          claimed.get(key) or claims(session, [key]).get(key))
    session.flush()
    for line, result in zip(lines, results, strict=True):
        yield RowReport(line.sale.row, line.sale.number, result.outcome, result.reason,
                        result.partner_id, result.credits, result.invoice_id)


def _one(session: Session, feed: Feed, line: Ready, claimed: dict) -> Result | Pending:
    if isinstance(line.sale, Invalid):
        return Result(Outcome.REJECTED, str(line.sale))
    if line.first is not None:
        return Result(Outcome.ALREADY, f"the same invoice as row {line.first}")
    return apply_sale(session, feed, line.sale, line.buyer, claimed.get(line.key), line.credits,
                      line.invoice)
