"""`flask outbox sweep`: send again the proactive messages whose delivery job was lost."""

from __future__ import annotations

import click
from flask.cli import AppGroup

outbox_cli = AppGroup("outbox", help="Proactive messages.")


@outbox_cli.command("sweep")
@click.option("--older-than", default=60, help="Seconds a row may stay queued.")
def outbox_sweep(older_than: int) -> None:
    """Re-send outbox messages whose delivery job was lost (run it from cron every minute)."""
    from workers.outbound import sweep  # the senders' HTTP clients: not at every app start

    click.echo(f"re-enqueued {sweep(older_than)} messages")
