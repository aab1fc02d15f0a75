"""`flask ledger verify|seal|expire|tiers` and
`flask programs validate|check|load|load-all|list`."""

from __future__ import annotations

import csv
import sys
from collections import Counter
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.i18n import LANGUAGES
from models.db import unit_of_work
from models.learning import recertification
from models.ledger.seal import seal_all
from models.ledger.verify import verify
from models.programs import labels
from models.programs.program import Program, load_file
from models.programs.schema import ProgramFileError, ProgramSpec, read_file
from workers.ledger import expire, recompute_tiers

ledger_cli = AppGroup("ledger", help="The credits ledger: verify, seal, expire, tiers.")
programs_cli = AppGroup("programs", help="Program definitions (YAML files in programs/).")


@ledger_cli.command("verify")
@click.option("--no-chain", is_flag=True, help="Skip recomputing the seal chain.")
def ledger_verify(no_chain: bool) -> None:
    """Check every invariant and the seal chain; exit 1 naming what is broken."""
    with unit_of_work() as session:
        problems = verify(session, chain=not no_chain)
    if problems:
        for problem in problems[:50]:
            click.echo(f"FAIL {problem}", err=True)
        if len(problems) > 50:
            click.echo(f"... and {len(problems) - 50} more", err=True)
        sys.exit(1)
    click.echo("ledger OK")


@ledger_cli.command("seal")
def ledger_seal() -> None:
    """Seal every journal entry written since the last checkpoint."""
    with unit_of_work() as session:
        count = seal_all(session)
    click.echo(f"{count} checkpoint(s) written")


@ledger_cli.command("expire")
def ledger_expire() -> None:
    """Expire lots past their date and queue expiry reminders."""
    click.echo(f"{expire()} lot(s) expired")


@ledger_cli.command("tiers")
def ledger_tiers() -> None:
    """Recompute every partner's tier (and tell those whose tier changed)."""
    click.echo(f"{recompute_tiers()} tier change(s)")


def _fail(exc: ProgramFileError) -> None:
    for problem in exc.problems:
        click.echo(f"{exc.path}: {problem}", err=True)
    sys.exit(1)


@programs_cli.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
def programs_validate(files: tuple[str, ...]) -> None:
    """Check program files against the schema without loading them."""
    failed = False
    for path in files:
        try:
            spec = read_file(path)
            click.echo(f"{path}: OK ({spec.code})")
        except ProgramFileError as exc:
            failed = True
            for problem in exc.problems:
                click.echo(f"{exc.path}: {problem}", err=True)
    if failed:
        sys.exit(1)


def _untranslated(spec: ProgramSpec) -> dict[str, list[str]]:
    """Each text of the program missing in a language partners can choose (they read it in
    English): {"tiers.levels[Member].label": ["ta", "te"], ...}."""
    return labels.missing(spec.model_dump(mode="json"), list(LANGUAGES))


def _untranslated_note(spec: ProgramSpec) -> str:
    per_language = Counter(lang for langs in _untranslated(spec).values() for lang in langs)
    if not per_language:
        return ""
    counts = ", ".join(f"{lang} {count}" for lang, count in sorted(per_language.items()))
    return f"\n  texts shown in English for lack of a translation: {counts} " \
           "(flask programs check lists them)"


@programs_cli.command("check")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
def programs_check(files: tuple[str, ...]) -> None:
    """Check program files (default: every one in PROGRAMS_DIR) against the schema and list
    every text that lacks a translation in one of the languages partners can choose."""
    paths = files or sorted(Path(current_app.config["PROGRAMS_DIR"]).glob("*.yaml"))
    failed = False
    for path in paths:
        try:
            spec = read_file(path)
        except ProgramFileError as exc:
            failed = True
            for problem in exc.problems:
                click.echo(f"{exc.path}: {problem}", err=True)
            continue
        gaps = _untranslated(spec)
        for where, langs in gaps.items():
            click.echo(f"{path}: {where}: no {', '.join(langs)} text (partners read English)",
                       err=True)
        failed = failed or bool(gaps)
        if not gaps:
            click.echo(f"{path}: OK ({spec.code}), every text in {len(LANGUAGES)} languages")
    if failed:
        sys.exit(1)


@programs_cli.command("load")
@click.argument("path", type=click.Path(dir_okay=False))
def programs_load(path: str) -> None:
    """Validate and load (insert or update) one program file."""
    try:
        with unit_of_work() as session:
            program = load_file(session, path)
            click.echo(f"loaded {program.code}: {program.name}{_recertify(session, program)}"
                       f"{_untranslated_note(program.spec)}")
    except ProgramFileError as exc:
        _fail(exc)


def _recertify(session: Session, program: Program) -> str:
    """Mark certificates made on older module versions; say how many, if any."""
    outdated = recertification.sync(session, program)
    return f" ({outdated} certificates need re-certification)" if outdated else ""


@programs_cli.command("load-all")
def programs_load_all() -> None:
    """Load every *.yaml file in PROGRAMS_DIR (all or nothing)."""
    files = sorted(Path(current_app.config["PROGRAMS_DIR"]).glob("*.yaml"))
    try:
        with unit_of_work() as session:
            for path in files:
                program = load_file(session, path)
                click.echo(f"loaded {program.code}: {program.name}"
                           f"{_recertify(session, program)}{_untranslated_note(program.spec)}")
    except ProgramFileError as exc:
        _fail(exc)


@programs_cli.command("list")
def programs_list() -> None:
    """List loaded programs."""
    with unit_of_work() as session:
        for program in session.scalars(select(Program).order_by(Program.code)):
            spec = program.spec
            tiers = ", ".join(t.name for t in spec.tiers.levels) if spec.tiers else "-"
            click.echo(f"{program.code}\t{program.name}\t1 credit = {spec.credit_value_paise} "
                       f"paise\ttiers: {tiers}")


@ledger_cli.command("import-balances")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--program", "program_code", required=True, help="The program's code.")
@click.option("--report", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the per-row report (default: FILE.report.csv).")
def import_balances(file: Path, program_code: str, report: Path | None) -> None:
    """Bring a brand's old program over: partners matched by phone or enrolled, each row's
    balance credited from the migration account (with its expiry date), once per row."""
    from bot.web.admin_csv import safe_cell
    from models.opening import import_balances as run
    from models.sales import FileRefused

    report = report or file.with_name(file.name + ".report.csv")
    with report.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(("row", "ref", "outcome", "reason", "partner", "credits"))
        try:
            done = run(file, program_code.upper(), lambda rows: writer.writerows(
                (r.row, safe_cell(r.ref), r.outcome, r.reason, r.partner, r.credits)
                for r in rows))
        except (FileRefused, LookupError) as exc:
            raise click.ClickException(f"{file.name}: {exc}") from None
    outcomes = ", ".join(f"{n} {k}" for k, n in sorted(done.outcomes.items()))
    partners = ", ".join(f"{n} {k}" for k, n in sorted(done.partners.items())) or "none"
    click.echo(f"{done.rows} rows: {outcomes}; partners {partners}")
    click.echo(f"credits in the file {done.credits_in_file} = posted now {done.credits_posted}"
               f" + posted before {done.credits_before}: "
               f"{'balanced' if done.balanced else 'NOT BALANCED'}; the migration account has "
               f"given {done.migration_total} in all; report in {report}")
    if not done.balanced:
        sys.exit(1)
