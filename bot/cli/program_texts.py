"""`flask programs check|stamp`: how complete a program's texts are in each language it offers
(missing, stale, placeholder mismatches), and recording the English each translation was made
from (models/programs/texts.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app

from bot import media
from bot.cli.ledger import programs_cli
from bot.i18n import LANGUAGES
from models.programs import texts
from models.programs.schema import ProgramFileError, ProgramSpec, read_file


def program_files(files: tuple[str, ...]) -> list[Path]:
    """`files`, or every program file in PROGRAMS_DIR."""
    return [Path(f) for f in files] or sorted(
        Path(current_app.config["PROGRAMS_DIR"]).glob("*.yaml"))


def _languages(spec: ProgramSpec) -> list[str]:
    """The languages a file is checked in: those it offers, else every one partners choose."""
    return spec.languages if spec.languages is not None else list(LANGUAGES)


def _problems(path: Path, spec: ProgramSpec) -> list[str]:
    unknown = [lang for lang in spec.languages or () if lang not in LANGUAGES]
    found = [f"languages: {lang} is not a language Saathi speaks" for lang in unknown]
    found += media.module_media_problems(spec)
    reports = texts.report(spec.model_dump(mode="json"), _languages(spec),
                           texts.read_stamps(path))
    fallback = "" if spec.languages else f" (partners read {spec.fallback_language})"
    found += [f"{lang}: {line}{fallback if line.startswith('missing') else ''}"
              for lang, report in reports.items() for line in report.lines()]
    return found


@programs_cli.command("check")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
def programs_check(files: tuple[str, ...]) -> None:
    """Check program files (default: every one in PROGRAMS_DIR) against the schema and list,
    per language, every text missing, stale (its English changed since it was translated)
    or with other {placeholders} than the English."""
    failed = False
    for path in program_files(files):
        try:
            spec = read_file(path)
        except ProgramFileError as exc:
            failed = True
            for problem in exc.problems:
                click.echo(f"{exc.path}: {problem}", err=True)
            continue
        problems = _problems(path, spec)
        for problem in problems:
            click.echo(f"{path}: {problem}", err=True)
        failed = failed or bool(problems)
        if not problems:
            click.echo(f"{path}: OK ({spec.code}), every text in "
                       f"{len(_languages(spec))} languages")
    if failed:
        sys.exit(1)


@programs_cli.command("stamp")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
@click.option("--lang", "langs", multiple=True, help="Only these languages (default: all).")
@click.option("--force", is_flag=True,
              help="Also mark stale translations as made from today's English.")
def programs_stamp(files: tuple[str, ...], langs: tuple[str, ...], force: bool) -> None:
    """Record, beside each program file, which English text each translation was made from
    (programs/sources/<file>.yaml); run it after translating."""
    for path in program_files(files):
        try:
            spec = read_file(path)
        except ProgramFileError as exc:
            raise click.ClickException(f"{exc.path}: {'; '.join(exc.problems)}") from None
        stamps = texts.stamp(spec.model_dump(mode="json"), texts.read_stamps(path),
                             list(langs) or _languages(spec), force=force)
        click.echo(f"wrote {texts.write_stamps(path, stamps)}")
