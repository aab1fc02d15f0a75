"""`flask programs dlt`: the DLT templates a program's own content needs on SMS (its lessons'
pages, its quiz: flows/program_sms.py), checked against the registry and written beside it
for the operator to register."""

from __future__ import annotations

import sys

import click

from bot.cli.ledger import programs_cli
from bot.cli.program_texts import program_files
from bot.notices import outbound
from flows import program_sms
from models.programs.schema import ProgramFileError, read_file


@programs_cli.command("dlt")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
@click.option("--check", is_flag=True,
              help="Only list the SMS texts that lack a template; exit 1 if any do.")
def programs_dlt(files: tuple[str, ...], check: bool) -> None:
    """List the SMS texts of each program file (default: every one in PROGRAMS_DIR) that no
    DLT template matches, and write the templates they need to
    bot/channels/dlt_programs/<code>.yaml (placeholder ids: register each text on the DLT
    portal and put its id in)."""
    lacking = False
    for path in program_files(files):
        try:
            spec = read_file(path)
        except ProgramFileError as exc:
            raise click.ClickException(f"{exc.path}: {'; '.join(exc.problems)}") from None
        gaps = program_sms.missing(spec, outbound.base_url())
        for lang, texts in sorted(gaps.items()):
            click.echo(f"{path}: {lang}: {len(texts)} SMS texts without a DLT template, "
                       f"first: {texts[0][:60]!r}", err=check)
        if check:
            lacking = lacking or bool(gaps)
            if not gaps:
                click.echo(f"{path}: OK ({spec.code}), every SMS text has a DLT template")
            continue
        written, count = program_sms.write(spec, outbound.base_url())
        click.echo(f"{path}: wrote {written} ({count} templates of {spec.code}): register "
                   "them on the DLT portal and put their ids in")
    if lacking:
        sys.exit(1)
