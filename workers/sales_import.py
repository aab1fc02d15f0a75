"""Import a sales file uploaded in the admin (bot/web/admin_sales.py), in a job: the same
import as `flask sales import`, its rows counted on the batch as each chunk commits so the
distributor's page shows how far it is.

A file that cannot be imported (unreadable, of no kind we read, its distributor gone from the
program) fails its batch with the reason and is not tried again. Anything else (the database
away) fails the batch too but keeps its file, and the job's retries run it again from the
rows already done: each chunk commits its rows with the batch's count, and a row credited
before is not credited twice however often the file runs."""

from __future__ import annotations

import logging
from itertools import islice

from bot import media
from models.db import unit_of_work
from models.programs.program import Program
from models.sales import FileRefused, UnknownSource, find_distributor, run, uploads
from models.sales import files as sales_files

log = logging.getLogger("saathi.sales")


def import_file(batch_id: int) -> None:
    """Import the uploaded file of batch `batch_id` (queued, or stopped before)."""
    with unit_of_work() as session:
        work = uploads.start(session, batch_id)
        if work is None:
            return
        program = session.get(Program, work.program_id)
        program_code = program.code if program else ""
    path = media.kept(work.file)
    try:
        if not path.is_file():
            raise FileRefused("the uploaded file is no longer stored: upload it again")
        with unit_of_work() as session:
            _program, distributor = find_distributor(session, program_code, work.distributor)
        lines = islice(sales_files.lines(path, work.source, distributor), work.done, None)
        summary = run(program_code, work.distributor, lines, source=work.source,
                      name=work.name, batch_id=work.id, rerunnable=True,
                      dry_run=work.dry_run)
    except (FileRefused, UnknownSource) as exc:
        with unit_of_work() as session:
            uploads.refused(session, work.id, str(exc))
        path.unlink(missing_ok=True)
        log.info("sales file refused", extra={"batch_id": work.id, "reason": str(exc)})
        return
    except Exception as exc:
        with unit_of_work() as session:
            uploads.stopped(session, work.id, exc.__class__.__name__)
        raise
    with unit_of_work() as session:
        uploads.finish(session, work.id)
    path.unlink(missing_ok=True)
    log.info("sales file imported", extra={"batch_id": work.id, "rows": summary.rows})
