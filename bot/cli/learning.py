"""`flask learning sync|revoke`: certificates against the current module versions."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from models.db import unit_of_work
from models.learning.certificates import revoke
from models.learning.recertification import sync
from models.programs.program import Program

learning_cli = AppGroup("learning", help="Learning tracks and certificates.")


@learning_cli.command("sync")
def sync_command() -> None:
    """Check every program's certificates against its current module versions."""
    with unit_of_work() as session:
        for program in session.scalars(select(Program).order_by(Program.id)):
            click.echo(f"{program.code}: {sync(session, program)} certificates need "
                       "re-certification")


@learning_cli.command("revoke")
@click.argument("public_id")
def revoke_command(public_id: str) -> None:
    """Revoke a certificate (credits already paid stay; reverse them with the ledger)."""
    with unit_of_work() as session:
        if revoke(session, public_id) is None:
            raise click.ClickException(f"no certificate {public_id}")
    click.echo(f"{public_id.upper()} revoked")
