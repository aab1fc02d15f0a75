"""`flask outbox sweep`: send again the proactive messages whose delivery job was lost;
`flask outbox retry-refused`: send the SMS refused for lack of a DLT template once it is
registered."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from bot.notices import outbound
from models.db import unit_of_work

outbox_cli = AppGroup("outbox", help="Proactive messages.")


@outbox_cli.command("sweep")
@click.option("--older-than", default=60, help="Seconds a row may stay queued.")
def outbox_sweep(older_than: int) -> None:
    """Re-send outbox messages whose delivery job was lost (run it from cron every minute)."""
    from workers.outbound import sweep  # the senders' HTTP clients: not at every app start

    click.echo(f"re-enqueued {sweep(older_than)} messages")


@outbox_cli.command("retry-refused")
@click.option("--give-up", is_flag=True,
              help="Mark failed the refused SMS that still match no template.")
def outbox_retry_refused(give_up: bool) -> None:
    """Send each SMS refused for lack of a DLT template (the partner got the fallback) that
    a registered template now matches, once; list how many still match none."""
    with unit_of_work() as session:
        queued, left = outbound.retry_refused(session, give_up=give_up)
    click.echo(f"queued {queued} refused SMS again")
    if left:
        click.echo(f"{left} {'failed' if give_up else 'still match no DLT template'}: the log "
                   "line 'sms refused: no DLT template' names each shape; register them "
                   "(`.venv/bin/python scripts/dlt_templates.py --flows`, `flask programs dlt "
                   "FILE`), then run this again")
