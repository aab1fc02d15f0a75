"""`flask users create|invite|demo`: admin accounts (password from standard input, a one-time
link, or the demo account `make run` prints)."""

from __future__ import annotations

import secrets
import sys

import click
from flask.cli import AppGroup

from bot.cli.operate import cli_actor, refuse_demo_where_partners
from bot.notices import outbound
from models.admin import audit, totp, users
from models.db import unit_of_work

users_cli = AppGroup("users", help="Admin accounts of the dashboard (/admin).")
ROLE = click.Choice([role.value for role in users.AdminRole])


def account_options(command):
    """EMAIL --role ROLE --program CODE [--distributor CODE], as create and invite take them."""
    for option in reversed((
            click.argument("email"), click.option("--role", type=ROLE, required=True),
            click.option("--program", "program", required=True,
                         help="A program of the account's brand."),
            click.option("--distributor", default=None,
                         help="The distributor code (distributor-admin)."))):
        command = option(command)
    return command


def invite_link(token: str) -> str:
    return f"{outbound.base_url()}/admin/invite/{token}"


def _create(email: str, role: str, program: str, distributor: str | None,
            password: str | None) -> tuple[users.AdminUser, str | None]:
    try:
        with unit_of_work() as session:
            user = users.create(session, email=email, role=role, program_code=program,
                                distributor_code=distributor, password=password)
            token = None if password is not None else users.invite(session, user)
            audit.record(session, actor=cli_actor(), action="user.create", target=f"user:{user.id}",
                         brand=user.brand, after={"email": user.email, "role": role})
            return user, token
    except users.AccountError as exc:
        raise click.ClickException(str(exc)) from None


@users_cli.command("create")
@account_options
def users_create(email: str, role: str, program: str, distributor: str | None) -> None:
    """Make an account; its password is read from standard input (one line)."""
    password = sys.stdin.readline().rstrip("\r\n")
    user, _token = _create(email, role, program, distributor, password)
    click.echo(f"created {user.email} ({user.role}, {user.brand})")


@users_cli.command("invite")
@account_options
def users_invite(email: str, role: str, program: str, distributor: str | None) -> None:
    """Make an account and print a one-time link that sets its password."""
    user, token = _create(email, role, program, distributor, None)
    click.echo(f"invited {user.email} ({user.role}, {user.brand}): {invite_link(token or '')}")


DEMO_EMAIL = "demo@saathi.local"


@users_cli.command("demo")
@click.option("--program", "program", default="CEMPRO", show_default=True)
def users_demo(program: str) -> None:
    """Make (or give a new password to) the demo brand admin, and print its login.
    Refused where real partners are (a Twilio, Cloud API or Gupshup secret is set)."""
    refuse_demo_where_partners("account")
    password = secrets.token_urlsafe(12)
    try:
        with unit_of_work() as session:
            user = users.by_email(session, DEMO_EMAIL) or users.create(
                session, email=DEMO_EMAIL, role=users.AdminRole.BRAND_ADMIN,
                program_code=program)
            users.set_password(user, password)
            user.failed_logins, user.locked_until = 0, None
    except users.AccountError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"admin: /admin/login  email {DEMO_EMAIL}  password {password}")


@users_cli.command("reset-totp")
@click.argument("email")
def users_reset_totp(email: str) -> None:
    """Turn off an account's second factor (it lost its phone); it may set a new one up."""
    try:
        with unit_of_work() as session:
            user = users.by_email(session, email)
            if user is None:
                raise click.ClickException(f"no account {email}")
            was_on = totp.reset(user)
            users.end_sessions(session, user.id)
            audit.record(session, actor=cli_actor(), action="user.reset_totp",
                         target=f"user:{user.id}", brand=user.brand,
                         before={"totp": was_on}, after={"totp": False})
    except users.AccountError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"second factor off for {user.email}" if was_on else
               f"{user.email} had no second factor")
