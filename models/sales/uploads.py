"""An uploaded sales file's batch through its job: queued when stored, running (its rows
counted as each chunk commits), then done or failed with a reason the operator can act on.
A batch whose file is still stored may run again (a retry after a crash): it goes on after
the rows it has. A dry run is a batch too: its rows say what an import would do, and
nothing else changes."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from models.sales.tables import BatchStatus, SalesBatch

ERROR_LENGTH = 300
STOPPED = ("the import stopped after {rows} rows ({error}) and is tried again; if it stays "
           "failed, upload the same file again: rows already imported are kept and not "
           "credited twice")


@dataclass(frozen=True)
class Work:
    """What a job needs of its batch: the file and where the import stands."""
    id: int
    program_id: int
    distributor: str
    source: str
    name: str
    file: str
    done: int  # rows imported before (a run that stopped): the job goes on after them
    dry_run: bool = False


def queue(session: Session, *, program_id: int, distributor: str, source: str, name: str,
          file: str, total: int, dry_run: bool = False) -> SalesBatch:
    """The batch of a file just stored, waiting for its job; `total`: about how many rows;
    `dry_run`: the job checks every row and changes nothing but the batch's report."""
    batch = SalesBatch(program_id=program_id, distributor=distributor, source=source,
                       name=name[:200], status=BatchStatus.QUEUED, total=total or None,
                       file=file, dry_run=dry_run)
    session.add(batch)
    session.flush()
    return batch


def start(session: Session, batch_id: int) -> Work | None:
    """Mark the batch running; None when there is nothing to run (done, or failed for good:
    its file is gone)."""
    batch = session.get(SalesBatch, batch_id, with_for_update=True)
    if batch is None or batch.file is None or batch.status == BatchStatus.DONE:
        return None
    batch.status, batch.error = BatchStatus.RUNNING, None
    return Work(batch.id, batch.program_id, batch.distributor, batch.source, batch.name,
                batch.file, batch.rows, batch.dry_run)


def finish(session: Session, batch_id: int) -> None:
    """Done: its file is no longer kept."""
    _end(session, batch_id, BatchStatus.DONE, None, keep_file=False)


def refused(session: Session, batch_id: int, reason: str) -> None:
    """Failed for good: the file cannot be imported (`reason` says why); it is not kept."""
    _end(session, batch_id, BatchStatus.FAILED, reason, keep_file=False)


def stopped(session: Session, batch_id: int, error: str) -> None:
    """Failed on the way (`error`: the exception's name): the file is kept for the job's
    retries, which go on after the rows done."""
    rows = session.get(SalesBatch, batch_id).rows
    _end(session, batch_id, BatchStatus.FAILED, STOPPED.format(rows=rows, error=error),
         keep_file=True)


def _end(session: Session, batch_id: int, status: BatchStatus, reason: str | None,
         keep_file: bool) -> None:
    batch = session.get(SalesBatch, batch_id, with_for_update=True)
    batch.status, batch.error = status, reason and reason[:ERROR_LENGTH]
    if not keep_file:
        batch.file = None
