"""`flask webhooks add|list|remove|deliveries`: brands' systems subscribed to program events."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from models import webhooks
from models.base import IST
from models.db import unit_of_work
from models.programs.program import Program

webhooks_cli = AppGroup("webhooks", help="Events out: brands' webhook subscriptions.")


@webhooks_cli.command("add")
@click.argument("program_code")
@click.argument("url")
@click.option("--events", required=True,
              help=f"Comma-separated, of: {', '.join(webhooks.EVENT_TYPES)}.")
def add(program_code: str, url: str, events: str) -> None:
    """Subscribe URL to EVENTS of PROGRAM_CODE; print the signing secret (shown once)."""
    with unit_of_work() as session:
        program = session.scalar(select(Program).where(Program.code == program_code.upper()))
        if program is None:
            raise click.ClickException(f"no program {program_code}")
        try:
            sub = webhooks.add_subscription(session, program.id, url,
                                            [e.strip() for e in events.split(",") if e.strip()])
        except ValueError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"subscription {sub.id}: {', '.join(sub.events)} -> {sub.url}\n"
                   f"signing secret (shown once): {sub.secret}")


@webhooks_cli.command("list")
def list_subscriptions() -> None:
    """The live subscriptions."""
    with unit_of_work() as session:
        for sub in webhooks.subscriptions(session):
            click.echo(f"{sub.id}\tprogram {sub.program_id}\t{','.join(sub.events)}\t{sub.url}")


@webhooks_cli.command("remove")
@click.argument("subscription_id", type=int)
def remove(subscription_id: int) -> None:
    """Stop sending to a subscription (its deliveries stay in the log)."""
    with unit_of_work() as session:
        try:
            webhooks.remove_subscription(session, subscription_id)
        except LookupError as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(f"subscription {subscription_id} removed")


@webhooks_cli.command("deliveries")
@click.option("--status", type=click.Choice(list(webhooks.DeliveryStatus)))
@click.option("--limit", default=50, show_default=True)
def deliveries(status: str | None, limit: int) -> None:
    """The latest deliveries: when (IST), event, status, attempts, the receiver's answer."""
    with unit_of_work() as session:
        for row in webhooks.recent(session, limit, status):
            click.echo("\t".join(str(v) for v in (
                row.id, row.created_at.astimezone(IST).strftime("%d-%m-%Y %H:%M"),
                row.event_type, row.event_id, row.status, row.attempts,
                row.last_status or "-", row.last_error or "")))
