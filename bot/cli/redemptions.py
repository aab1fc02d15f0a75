"""Operator commands: `flask redemptions list|retry|cancel|sweep`, `flask vouchers …`."""

from __future__ import annotations

import csv
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from bot.cli.operate import cli_actor, refuse_demo_where_partners
from bot.ids import ID
from bot.logs import mask_vpa
from models import redemptions
from models.admin.controls import Actor, audit_change
from models.db import unit_of_work
from models.programs.catalog import ItemKind, catalog_of
from models.programs.program import Program, by_code
from models.redemptions import stock
from models.redemptions.redemption import Redemption, Refused, Status

redemptions_cli = AppGroup("redemptions", help="Redemptions: list, retry, cancel, poll.")
vouchers_cli = AppGroup("vouchers", help="Voucher stock codes and expiry.")


@redemptions_cli.command("list")
@click.option("--status", type=click.Choice([s.value for s in Status]), multiple=True)
@click.option("--limit", default=50, show_default=True)
def list_redemptions(status: tuple[str, ...], limit: int) -> None:
    """List redemptions, newest first (UPI ids masked)."""
    with unit_of_work() as session:
        stmt = select(Redemption).order_by(Redemption.id.desc()).limit(limit)
        if status:
            stmt = stmt.where(Redemption.status.in_(status))
        for r in session.scalars(stmt):
            click.echo("\t".join(str(v) for v in (
                r.id, r.status, f"partner={r.partner_id}", r.item_key, f"{r.credits}cr",
                f"{r.value_paise / 100:.2f}INR", mask_vpa(r.vpa) if r.vpa else "-",
                r.payout_status or "-", r.error or "")))


REASON = click.option("--reason", required=True, help="Why (kept in the audit log).")


def _act(redemption_id: int, action, name: str, reason: str) -> Redemption:
    """Apply `action` to the locked redemption and write its audit row (cli:<OS user>)."""
    with unit_of_work() as session:
        redemption = redemptions.lock(session, redemption_id)
        if redemption is None:
            raise click.ClickException(f"no redemption {redemption_id}")
        before = redemption.status
        try:
            action(session, redemption)
        except Refused as exc:
            raise click.ClickException(f"redemption {redemption_id} is {redemption.status}; "
                                       f"cannot do that ({exc.reason})") from exc
        audit_change(session, Actor(cli_actor()), f"redemption.{name}",
                     f"redemption:{redemption.id}", reason, {"status": before},
                     {"status": redemption.status, "attempt": redemption.attempt},
                     programs=[redemption.program_id])
        return redemption


@redemptions_cli.command("retry")
@click.argument("redemption_id", type=ID)
@REASON
def retry(redemption_id: int, reason: str) -> None:
    """Run a stuck redemption's job again, or pay a failed one again on re-held credits."""
    redemption = _act(redemption_id, redemptions.retry, "retry", reason)
    click.echo(f"{redemption.id} {redemption.status} attempt {redemption.attempt}")


@redemptions_cli.command("cancel")
@click.argument("redemption_id", type=ID)
@REASON
def cancel(redemption_id: int, reason: str) -> None:
    """Cancel a redemption the provider was not yet asked about; its credits come back."""
    def act(session, redemption: Redemption) -> None:
        if not redemptions.cancel(session, redemption, reason=reason[:200]):
            raise Refused("too late")

    click.echo(f"{_act(redemption_id, act, 'cancel', reason).id} cancelled")


@redemptions_cli.command("sweep")
def sweep() -> None:
    """Poll payouts still in flight and expire due vouchers (run every few minutes)."""
    from workers.redemptions import sweep as run  # the payout HTTP client: only when asked

    click.echo(f"{run()} payouts polled")


@vouchers_cli.command("upload")
@click.option("--program", "program_code", required=True)
@click.option("--item", "item_key", required=True)
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def upload(program_code: str, item_key: str, path: Path) -> None:
    """Add stock codes (first column of a CSV; a `code` header is skipped) to an item."""
    with path.open(newline="", encoding="utf-8") as handle:
        codes = [row[0] for row in csv.reader(handle) if row and row[0].strip()]
    if codes and codes[0].strip().lower() == "code":
        codes = codes[1:]
    with unit_of_work() as session:
        program = by_code(session, program_code)
        if program is None:
            raise click.ClickException(f"no program {program_code}")
        item = catalog_of(program.spec.catalog).item(item_key)
        if item is None or item.kind != ItemKind.STOCK_CODE:
            raise click.ClickException(f"{item_key} is not a stock-code item of {program.code}")
        try:
            added = stock.upload_codes(session, program.id, item_key, codes)
        except stock.BadCodes as exc:
            raise click.ClickException(str(exc)) from exc
        left = stock.in_stock(session, program.id, item_key)
    click.echo(f"{added} codes added ({len(codes) - added} already there); {left} in stock")


DEMO_CODES = 20


@vouchers_cli.command("demo")
def demo_stock() -> None:
    """Stock every stock-code item of every loaded program with 20 demo codes (DEMO-FUEL_500-001
    …; run again, none is added twice), so the simulator's vouchers can be redeemed. Refused
    where real partners are (a Twilio, Cloud API or Gupshup secret is set)."""
    refuse_demo_where_partners("codes")
    with unit_of_work() as session:
        for program in session.scalars(select(Program).order_by(Program.code)):
            for item in program.spec.catalog.items:
                if item.kind != ItemKind.STOCK_CODE:
                    continue
                codes = [f"DEMO-{item.key.upper()}-{n:03d}" for n in range(1, DEMO_CODES + 1)]
                stock.upload_codes(session, program.id, item.key, codes)
                left = stock.in_stock(session, program.id, item.key)
                click.echo(f"{program.code} {item.key}: {left} demo codes in stock")


@vouchers_cli.command("expire")
def expire() -> None:
    """Expire unused vouchers past their date and return their credits."""
    from workers.redemptions import expire_vouchers  # the payout HTTP client: only when asked

    click.echo(f"{expire_vouchers()} vouchers expired")
