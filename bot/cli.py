"""Operator commands: `flask db upgrade`, `flask worker`, `flask chat`, `flask review …`,
`flask status`."""

from __future__ import annotations

from pathlib import Path

import click
from alembic import command
from alembic.config import Config
from flask import Flask, current_app
from flask.cli import AppGroup

from bot.channels.text import render_text
from bot.cli_ledger import ledger_cli, programs_cli
from bot.invites import invites_cli
from bot.invoices_cli import invoices_cli
from bot.learning_cli import learning_cli
from bot.qr_cli import codes_cli
from bot.redeem_cli import redemptions_cli, vouchers_cli
from bot.status import status_command
from models import review
from models.db import ensure_sqlite_folder, unit_of_work

ROOT = Path(__file__).resolve().parent.parent
db_cli = AppGroup("db", help="Database schema.")
review_cli = AppGroup("review", help="The review queue (flagged scans, unsure invoices, caps).")
jobs_cli = AppGroup("jobs", help="Background jobs.")
outbox_cli = AppGroup("outbox", help="Proactive messages.")


def alembic_config(url: str) -> Config:
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


@db_cli.command("upgrade")
def db_upgrade() -> None:
    """Apply every migration to DATABASE_URL."""
    ensure_sqlite_folder(current_app.config["DATABASE_URL"])
    command.upgrade(alembic_config(current_app.config["DATABASE_URL"]), "head")
    click.echo("database is up to date")


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
def worker(burst: bool) -> None:
    """Run an RQ worker for the Saathi queue (needs REDIS_URL)."""
    from rq import Worker

    from bot.jobs import queue, redis_connection

    connection = redis_connection()
    if connection is None:
        raise click.ClickException("REDIS_URL is not set: jobs run in-process, no worker needed")
    from workers.ocr.read import warm_up

    warm_up()  # once per worker: the job processes it forks inherit the OCR models
    Worker([queue()], connection=connection).work(burst=burst, with_scheduler=True)


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
    """List pending review items."""
    with unit_of_work() as session:
        for item in review.pending(session, kind):
            click.echo(f"{item.id}\t{item.kind}\tpartner={item.partner_id}\t{item.reason}")


def _decide(item_id: int, approve: bool, actor: str, note: str | None) -> None:
    try:
        with unit_of_work() as session:
            item = review.decide(session, item_id, approve=approve, actor=actor, note=note)
            click.echo(f"{item.id} {item.status}")
    except review.ReviewError as exc:
        raise click.ClickException(str(exc)) from exc


@review_cli.command("approve")
@click.argument("item_id", type=int)
@click.option("--actor", default="cli")
@click.option("--note", default=None)
def review_approve(item_id: int, actor: str, note: str | None) -> None:
    """Approve a pending item (credits it, or whatever its kind does)."""
    _decide(item_id, True, actor, note)


@review_cli.command("reject")
@click.argument("item_id", type=int)
@click.option("--actor", default="cli")
@click.option("--note", default=None)
def review_reject(item_id: int, actor: str, note: str | None) -> None:
    """Reject a pending item."""
    _decide(item_id, False, actor, note)


@jobs_cli.command("failed")
def jobs_failed() -> None:
    """List jobs that failed after every retry."""
    from rq.registry import FailedJobRegistry

    from bot.jobs import queue

    registry = FailedJobRegistry(queue=queue())
    for job_id in registry.get_job_ids():
        job = queue().fetch_job(job_id)
        click.echo(f"{job_id}\t{job.func_name if job else '?'}")


@outbox_cli.command("sweep")
@click.option("--older-than", default=60, help="Seconds a row may stay queued.")
def outbox_sweep(older_than: int) -> None:
    """Re-send outbox messages whose delivery job was lost (run it from cron every minute)."""
    from workers.outbound import sweep

    click.echo(f"re-enqueued {sweep(older_than)} messages")


def init_app(app: Flask) -> None:
    """Register every command group."""
    for group in (db_cli, review_cli, jobs_cli, outbox_cli, learning_cli, codes_cli, worker,
                  chat, ledger_cli, programs_cli, redemptions_cli, vouchers_cli,
                  status_command):
        app.cli.add_command(group)
    app.cli.add_command(invites_cli)
    app.cli.add_command(invoices_cli)
