"""The app's `flask` command group: a command that meets a database without its tables says
what to run in one line, instead of a traceback ending in "no such table"."""

from __future__ import annotations

import copy
import functools

import click
from flask.cli import AppGroup
from sqlalchemy.exc import SQLAlchemyError

from models.db import schema_missing

RUN_UPGRADE = "the database has no tables yet (or misses some): run flask db upgrade"


class Commands(AppGroup):
    """`app.cli`; both `flask …` and the test runner look commands up through it."""

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is None:
            return None
        guarded = copy.copy(command)  # the registered command is shared by every app
        guarded.invoke = functools.partial(_invoke, command)  # type: ignore[method-assign]
        return guarded


def _invoke(command: click.Command, ctx: click.Context) -> object:
    try:
        return command.invoke(ctx)
    except SQLAlchemyError as exc:
        if not schema_missing(exc):
            raise
        raise click.ClickException(RUN_UPGRADE) from None
