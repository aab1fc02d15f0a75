"""`flask ledger verify|seal|expire|tiers` and
`flask programs validate|load|load-all|list` (check and stamp: bot/cli/program_texts.py)."""

from __future__ import annotations

import csv
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import media
from bot.i18n import LANGUAGES
from flows import program_sms
from models.db import unit_of_work
from models.learning import recertification
from models.ledger.seal import seal_all
from models.ledger.verify import verify
from models.programs import labels
from models.programs.program import Program, check_complete, load_file
from models.programs.schema import ProgramFileError, ProgramSpec, read_file
from workers import speech
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


def _untranslated_note(spec: ProgramSpec) -> str:
    """For a file that declares no `languages`: how many texts each language lacks."""
    if spec.languages is not None:
        return ""
    gaps = labels.missing(spec.model_dump(mode="json"), list(LANGUAGES))
    per_language = Counter(lang for langs in gaps.values() for lang in langs)
    if not per_language:
        return ""
    counts = ", ".join(f"{lang} {count}" for lang, count in sorted(per_language.items()))
    return f"\n  texts shown in English for lack of a translation: {counts} " \
           "(flask programs check lists them)"


def _voice(spec: ProgramSpec) -> str:
    """Make the program's voice notes not made before (when VOICE_NOTES is on): its learning
    content and the menu, in every language it offers; a progress bar on stderr meanwhile."""
    if not current_app.config["VOICE_NOTES"]:
        return ""
    with _notes_bar(f"{spec.code} voice notes") as progress:
        done = speech.prepare_program(spec, spec.languages or list(LANGUAGES),
                                      Path(current_app.config["PROGRAMS_DIR"]),
                                      progress=progress)
    silent = f"; no voice in {', '.join(sorted(done.silent))}: text only" if done.silent else ""
    return f"\n  voice notes: {done.notes} ready, {done.made} made now " \
           f"({done.seconds / 60:.1f} min of audio, {done.bytes // 1024} KB) in " \
           f"{done.elapsed:.1f} s{silent}"


@contextmanager
def _notes_bar(label: str) -> Iterator[Callable[[int, int], None]]:
    """`progress(done, total)` for speech.prepare: a bar opened once there is work to show."""
    with ExitStack() as stack:
        bar = None

        def progress(done: int, total: int) -> None:
            nonlocal bar
            if bar is None and total:
                bar = stack.enter_context(click.progressbar(length=total, label=label,
                                                            file=sys.stderr))
            if bar is not None:
                bar.update(done - bar.pos)

        yield progress


def _dlt_ready(path: str, spec: ProgramSpec) -> None:
    """With an Indian DLT sender, refuse a program whose SMS texts lack templates."""
    if problems := program_sms.publish_problems(spec, path):
        raise ProgramFileError(path, problems)


def _recertify(session: Session, program: Program) -> str:
    """Mark certificates made on older module versions; say how many, if any."""
    outdated = recertification.sync(session, program)
    return f" ({outdated} certificates need re-certification)" if outdated else ""


@programs_cli.command("load")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--allow-incomplete", is_flag=True,
              help="Load even if a language the program offers lacks texts.")
def programs_load(path: str, allow_incomplete: bool) -> None:
    """Validate and load (insert or update) one program file."""
    try:
        with unit_of_work() as session:
            if not allow_incomplete:
                check_complete(path, read_file(path))
            _dlt_ready(path, read_file(path))
            program = load_file(session, path)
            spec = program.spec
            if problems := media.module_media_problems(spec):
                raise ProgramFileError(path, problems)
            click.echo(f"loaded {program.code}: {program.name}{_recertify(session, program)}"
                       f"{_untranslated_note(spec)}")
        click.echo(_voice(spec).lstrip("\n") or "voice notes: off")
    except ProgramFileError as exc:
        _fail(exc)


@programs_cli.command("load-all")
@click.option("--voice/--no-voice", default=True,
              help="Make the programs' voice notes now (default), or leave them to "
                   "`flask programs voice` (`make run` makes them in the background).")
def programs_load_all(voice: bool) -> None:
    """Load every *.yaml file in PROGRAMS_DIR (all or nothing)."""
    files = sorted(Path(current_app.config["PROGRAMS_DIR"]).glob("*.yaml"))
    try:
        with unit_of_work() as session:
            loaded = []
            for path in files:
                check_complete(path, read_file(path))
                _dlt_ready(str(path), read_file(path))
                program = load_file(session, path)
                loaded.append(program.spec)
                if problems := media.module_media_problems(program.spec):
                    raise ProgramFileError(str(path), problems)
                click.echo(f"loaded {program.code}: {program.name}"
                           f"{_recertify(session, program)}{_untranslated_note(program.spec)}")
    except ProgramFileError as exc:
        _fail(exc)
    for spec in loaded if voice else ():
        click.echo(f"{spec.code}{_voice(spec) or ': voice notes off'}")


@programs_cli.command("voice")
@click.argument("codes", nargs=-1)
def programs_voice(codes: tuple[str, ...]) -> None:
    """Make the voice notes not made before of the loaded programs (all, or CODES). Until a
    note exists, a partner who chose voice notes gets the text alone."""
    with unit_of_work() as session:
        specs = [program.spec for program in session.scalars(select(Program)
                                                             .order_by(Program.code))
                 if not codes or program.code in codes]
    if unknown := set(codes) - {spec.code for spec in specs}:
        raise click.ClickException(f"no program {', '.join(sorted(unknown))} is loaded "
                                   "(`flask programs list` shows them)")
    for spec in specs:
        click.echo(f"{spec.code}{_voice(spec) or ': voice notes off'}")


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
