"""`flask sales import|return|api-key`: distributors' sales data in (files, credit notes) and
the API keys their systems push with."""

from __future__ import annotations

import csv
import sys
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import date
from pathlib import Path

import click
from flask.cli import AppGroup

from bot.web.admin_csv import safe_cell
from models.db import unit_of_work
from models.sales import (
    FileRefused,
    Outcome,
    RawLine,
    RowReport,
    UnknownSource,
    apikeys,
    distributor_program,
    run,
)
from models.sales import files as sales_files
from models.sales.batches import REPORT_HEADER, report_cells
from models.sales.importer import find_distributor

sales_cli = AppGroup("sales", help="Distributors' sales data: import files, returns, API keys.")


@sales_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--distributor", "code", required=True, help="The distributor's code.")
@click.option("--program", "program_code", help="The program (default: the one listing it).")
@click.option("--dry-run", is_flag=True, help="Check and report every row; change nothing.")
@click.option("--report", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the per-row report (default: FILE.report.csv).")
def import_file(file: Path, code: str, program_code: str | None, dry_run: bool,
                report: Path | None) -> None:
    """Import FILE (TallyPrime XML, CSV or XLSX): credit each sale to its buyer, take back
    each credit note's share; write what came of every row to the report CSV."""
    report = report or file.with_name(file.name + ".report.csv")
    try:
        source = sales_files.source_of(file)
        with unit_of_work() as session:
            program_code = program_code or distributor_program(session, code)
            _program, distributor = find_distributor(session, program_code, code)
        summary = _import(file, source, program_code, distributor, dry_run, report)
    except (FileRefused, UnknownSource) as exc:
        raise click.ClickException(f"{file.name}: {exc}") from None
    for stale in summary.taken_over:
        click.echo(f"batch {stale} of {file.name} had stopped before its end: this import "
                   f"(batch {summary.batch_id}) took it over")
    counts = ", ".join(f"{n} {outcome}" for outcome, n in sorted(summary.counts.items()))
    click.echo(f"{'dry run: ' if dry_run else ''}{summary.rows} rows: {counts or 'none'}; "
               f"{summary.credits} credits; report in {report}")


def _import(file: Path, source: str, program_code: str, distributor, dry_run: bool,
            report: Path):
    with report.open("w", newline="", encoding="utf-8") as out, click.progressbar(
            length=sales_files.estimate_rows(file, source), label=file.name,
            file=sys.stderr) as bar, ThreadPoolExecutor(1, "sales-report") as pool:
        writer = csv.writer(out)
        writer.writerow(REPORT_HEADER)
        written: list[Future] = []

        def write(rows: list[RowReport]) -> None:
            writer.writerows([safe_cell(cell) for cell in report_cells(r)] for r in rows)
            bar.update(len(rows))

        def later(rows: list[RowReport]) -> None:
            """A chunk's reports written by a thread of their own, in order: formatting
            them runs while the import waits on the database, not between its statements."""
            while written and written[0].done():
                written.pop(0).result()  # raises what writing an earlier chunk raised
            written.append(pool.submit(write, rows))

        summary = run(program_code, distributor.code,
                      sales_files.lines(file, source, distributor), source=source,
                      name=file.name, dry_run=dry_run, rerunnable=True, on_chunk=later)
        for done in written:
            done.result()
        return summary


@sales_cli.group("api-key")
def api_key() -> None:
    """Distributors' keys for POST /api/v1/sales."""


@api_key.command("create")
@click.option("--distributor", "code", required=True, help="The distributor's code.")
@click.option("--program", "program_code", help="The program (default: the one listing it).")
def api_key_create(code: str, program_code: str | None) -> None:
    """Make a key and print it: it is shown this once (only its hash is kept)."""
    try:
        with unit_of_work() as session:
            program, distributor = find_distributor(
                session, program_code or distributor_program(session, code), code)
            key, row = apikeys.create(session, program, distributor.code)
            prefix = row.prefix
    except UnknownSource as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"key {prefix} for {distributor.code} in {program.code} (shown once):\n{key}")


@api_key.command("revoke")
@click.argument("prefix")
def api_key_revoke(prefix: str) -> None:
    """Revoke the key whose prefix is PREFIX (the part after sk_): refused from now on."""
    try:
        with unit_of_work() as session:
            apikeys.revoke(session, prefix)
    except apikeys.UnknownKey as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"key {prefix} revoked")


@sales_cli.command("return")
@click.argument("invoice")
@click.option("--distributor", "code", required=True, help="The seller's distributor code.")
@click.option("--note", required=True, help="The credit note's number.")
@click.option("--rupees", required=True, help="The amount returned (1,23,456.50 is fine).")
@click.option("--program", "program_code", help="The program (default: the one listing it).")
def sales_return(invoice: str, code: str, note: str, rupees: str,
                 program_code: str | None) -> None:
    """Record credit note NOTE returning RUPEES of the distributor's INVOICE (its number):
    its share of the invoice's credits is taken back and the partner is told."""
    line = RawLine(row=1, number=note, date=date.today().isoformat(), date_format="%Y-%m-%d",
                   amount=rupees, kind="credit note", against=invoice)
    try:
        with unit_of_work() as session:
            program_code = program_code or distributor_program(session, code)
        reports: list[RowReport] = []
        run(program_code, code, [line], source="manual", name="flask sales return",
            on_chunk=reports.extend)
    except UnknownSource as exc:
        raise click.ClickException(str(exc)) from None
    report = reports[0]
    if report.outcome not in (Outcome.RETURNED, Outcome.ALREADY):
        raise click.ClickException(f"{invoice}: {report.reason}")
    click.echo(f"{invoice}: {report.outcome} ({report.reason or 'done'}), "
               f"{report.credits} credits")
