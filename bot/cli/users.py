"""`flask users create|invite`: admin accounts (password from standard input, or a link)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from models.admin import audit, users
from models.db import unit_of_work

users_cli = AppGroup("users", help="Admin accounts of the dashboard (/admin).")
ROLE = click.Choice([role.value for role in users.AdminRole])


def invite_link(token: str) -> str:
    return f"{current_app.config['PUBLIC_BASE_URL'].rstrip('/')}/admin/invite/{token}"


def _create(email: str, role: str, program: str, distributor: str | None,
            password: str | None) -> tuple[users.AdminUser, str | None]:
    try:
        with unit_of_work() as session:
            user = users.create(session, email=email, role=role, program_code=program,
                                distributor_code=distributor, password=password)
            token = None if password is not None else users.invite(session, user)
            audit.record(session, actor="cli", action="user.create", target=f"user:{user.id}",
                         brand=user.brand, after={"email": user.email, "role": role})
            return user, token
    except users.AccountError as exc:
        raise click.ClickException(str(exc)) from None


@users_cli.command("create")
@click.argument("email")
@click.option("--role", type=ROLE, required=True)
@click.option("--program", "program", required=True, help="A program of the account's brand.")
@click.option("--distributor", default=None, help="The distributor code (distributor-admin).")
def users_create(email: str, role: str, program: str, distributor: str | None) -> None:
    """Make an account; its password is read from standard input (one line)."""
    password = click.get_text_stream("stdin").readline().rstrip("\r\n")
    user, _token = _create(email, role, program, distributor, password)
    click.echo(f"created {user.email} ({user.role}, {user.brand})")


@users_cli.command("invite")
@click.argument("email")
@click.option("--role", type=ROLE, required=True)
@click.option("--program", "program", required=True, help="A program of the account's brand.")
@click.option("--distributor", default=None, help="The distributor code (distributor-admin).")
def users_invite(email: str, role: str, program: str, distributor: str | None) -> None:
    """Make an account and print a one-time link that sets its password."""
    user, token = _create(email, role, program, distributor, None)
    click.echo(f"invited {user.email} ({user.role}, {user.brand}): {invite_link(token or '')}")
