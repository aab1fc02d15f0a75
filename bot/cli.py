"""Operator commands: `flask db upgrade`, `flask chat`, `flask review …`, and the
registration of every command group (`flask worker`, `flask jobs …`, `flask status` …)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from bot.channels.text import render_text
from bot.cli_errors import Commands
from bot.cli_ledger import ledger_cli, programs_cli
from bot.ids import ID
from bot.invites import invites_cli
from bot.invoices_cli import invoices_cli
from bot.jobs_cli import jobs_cli
from bot.learning_cli import learning_cli
from bot.qr_cli import codes_cli
from bot.redeem_cli import redemptions_cli, vouchers_cli
from bot.review_text import list_line, show_lines
from bot.status import status_command
from bot.worker_cli import scheduler, worker
from models import review
from models.db import engine, ensure_sqlite_folder, unit_of_work

if TYPE_CHECKING:
    from alembic.config import Config

ROOT = Path(__file__).resolve().parent.parent
db_cli = AppGroup("db", help="Database schema.")
review_cli = AppGroup("review", help="The review queue (flagged scans, unsure invoices, caps).")
outbox_cli = AppGroup("outbox", help="Proactive messages.")


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


@click.command("chat")
@click.option("--phone", required=True, help="The partner's number, e.g. +919812345678")
@click.option("--channel", type=click.Choice(["whatsapp", "sms"]), default="whatsapp")
def chat(phone: str, channel: str) -> None:
    """Chat with the bot in the terminal, through the same router as the real channels."""
    import uuid

    from bot import router
    from bot.messages import InboundMessage
    from models.partner import normalize_phone

    sender = normalize_phone(phone, current_app.config["DEFAULT_REGION"])
    click.echo(f"Chatting as {sender} on {channel}. Ctrl-D to quit.")
    while True:
        try:
            text = input("> ")
        except EOFError:
            return
        message = InboundMessage(channel=channel, sender=sender, text=text,
                                 provider_id=f"CLI{uuid.uuid4().hex}")
        for reply in router.handle(message):
            click.echo(render_text(reply) + "\n")


@review_cli.command("list")
@click.option("--kind", default=None)
def review_list(kind: str | None) -> None:
    """List pending review items: id, kind, rule, partner's phone, reason."""
    with unit_of_work() as session:
        for item in review.pending(session, kind):
            click.echo(list_line(review.describe(session, item)))


@review_cli.command("show")
@click.argument("item_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print the item as JSON.")
def review_show(item_id: int, as_json: bool) -> None:
    """Show what a reviewer needs: photo, read fields and confidences, partner, rule."""
    try:
        with unit_of_work() as session:
            view = review.describe(session, review.get(session, item_id))
    except review.ReviewError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(json.dumps(view, ensure_ascii=False, indent=2) if as_json
               else "\n".join(show_lines(view)))


def _actor(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    if not review.valid_actor(value):
        raise click.BadParameter("1 to 80 printable characters")
    return value


def _decide(item_id: int, approve: bool, actor: str, note: str | None) -> None:
    try:
        with unit_of_work() as session:
            item = review.decide(session, item_id, approve=approve, actor=actor, note=note)
            click.echo(f"{item.id} {item.status}")
    except review.ReviewError as exc:
        raise click.ClickException(str(exc)) from exc


@review_cli.command("approve")
@click.argument("item_id", type=ID)
@click.option("--actor", default="cli", callback=_actor)
@click.option("--note", default=None)
def review_approve(item_id: int, actor: str, note: str | None) -> None:
    """Approve a pending item (credits it, or whatever its kind does)."""
    _decide(item_id, True, actor, note)


@review_cli.command("reject")
@click.argument("item_id", type=ID)
@click.option("--actor", default="cli", callback=_actor)
@click.option("--note", default=None)
def review_reject(item_id: int, actor: str, note: str | None) -> None:
    """Reject a pending item."""
    _decide(item_id, False, actor, note)


@outbox_cli.command("sweep")
@click.option("--older-than", default=60, help="Seconds a row may stay queued.")
def outbox_sweep(older_than: int) -> None:
    """Re-send outbox messages whose delivery job was lost (run it from cron every minute)."""
    from workers.outbound import sweep

    click.echo(f"re-enqueued {sweep(older_than)} messages")


def init_app(app: Flask) -> None:
    """Register every command group."""
    app.cli = Commands(name=app.name)
    for group in (db_cli, review_cli, jobs_cli, outbox_cli, learning_cli, codes_cli, worker,
                  scheduler, chat, ledger_cli, programs_cli, redemptions_cli, vouchers_cli,
                  status_command):
        app.cli.add_command(group)
    app.cli.add_command(invites_cli)
    app.cli.add_command(invoices_cli)
