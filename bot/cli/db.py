"""`flask db upgrade`: apply the Alembic migrations and say what happened."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click
from flask import current_app
from flask.cli import AppGroup

from models.db import engine, ensure_sqlite_folder

if TYPE_CHECKING:
    from alembic.config import Config

ROOT = Path(__file__).resolve().parents[2]
db_cli = AppGroup("db", help="Database schema.")


def alembic_config(url: str) -> Config:
    from alembic.config import Config  # Alembic loads for `flask db` only

    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


@db_cli.command("upgrade")
def db_upgrade() -> None:
    """Apply every migration to DATABASE_URL; say whether it was created, upgraded or already
    up to date."""
    from alembic import command

    ensure_sqlite_folder(current_app.config["DATABASE_URL"])
    before = _revision()
    command.upgrade(alembic_config(current_app.config["DATABASE_URL"]), "head")
    after = _revision()
    if before is None:
        click.echo(f"database created (revision {after})")
    elif before == after:
        click.echo("database is up to date")
    else:
        click.echo(f"database upgraded from revision {before} to {after}")


def _revision() -> str | None:
    """The database's Alembic revision; None for a database without tables."""
    from alembic.migration import MigrationContext

    with engine().connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()
