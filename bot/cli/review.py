"""`flask review list|show|approve|reject`: the review queue from the terminal."""

from __future__ import annotations

import json

import click
from flask.cli import AppGroup

from bot.cli.operate import cli_actor
from bot.cli.quiet import LOGS_OPTION, service_logs
from bot.cli.review_text import list_line, show_lines
from bot.ids import ID
from models import review
from models.admin.controls import Actor, audit_change
from models.db import unit_of_work

review_cli = AppGroup("review", help="The review queue (flagged scans, unsure invoices, caps).")


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


def _decide(item_id: int, approve: bool, actor: str, note: str | None, logs: bool) -> None:
    try:
        with service_logs(logs), unit_of_work() as session:
            item = review.decide(session, item_id, approve=approve, actor=actor, note=note)
            audit_change(session, Actor(cli_actor() if actor == "cli" else f"cli:{actor}"),
                         f"review.{'approve' if approve else 'reject'}", f"review:{item.id}",
                         note or "", {"status": "pending"}, {"status": item.status},
                         programs=[item.program_id] if item.program_id else [])
            click.echo(f"{item.id} {item.status}")
    except review.ReviewError as exc:
        raise click.ClickException(str(exc)) from exc


@review_cli.command("approve")
@click.argument("item_id", type=ID)
@click.option("--actor", default="cli", callback=_actor)
@click.option("--note", default=None)
@LOGS_OPTION
def review_approve(item_id: int, actor: str, note: str | None, logs: bool) -> None:
    """Approve a pending item (credits it, or whatever its kind does)."""
    _decide(item_id, True, actor, note, logs)


@review_cli.command("reject")
@click.argument("item_id", type=ID)
@click.option("--actor", default="cli", callback=_actor)
@click.option("--note", default=None)
@LOGS_OPTION
def review_reject(item_id: int, actor: str, note: str | None, logs: bool) -> None:
    """Reject a pending item."""
    _decide(item_id, False, actor, note, logs)
