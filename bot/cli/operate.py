"""`flask partners suspend|reinstate|erase` and `flask wallet adjust|reverse|credit-note`: the
operator controls of the admin pages from the terminal, each with a required reason and an
audit row."""

from __future__ import annotations

import getpass
import uuid

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy.orm import Session

from bot.config import reaches_partners
from bot.ids import ID
from models.admin import controls, orders
from models.admin.controls import Actor, ControlError
from models.db import unit_of_work
from models.invoices.invoice import Invoice
from models.ledger.tables import JournalEntry
from models.partners.partner import InvalidPhone, Partner, find_by_phone, normalize_phone
from models.programs.program import by_code

partners_cli = AppGroup("partners", help="Suspend, reinstate or erase a partner.")
wallet_cli = AppGroup("wallet", help="Adjust a wallet or reverse a ledger entry.")
REASON = click.option("--reason", required=True, help="Why (kept in the audit log).")


def refuse_demo_where_partners(what: str) -> None:
    """Stop a demo command (`what` it would make) where a real provider is connected."""
    if reaches_partners(current_app.config):
        raise click.ClickException(f"no demo {what} where a provider is connected (Twilio, "
                                   "Cloud API or Gupshup secret set)")


def cli_actor() -> str:
    """Who acts from the terminal, for the audit log: "cli:<the OS user>"."""
    return f"cli:{getpass.getuser()}"


def _actor() -> Actor:
    return Actor(cli_actor())


def _partner(session: Session, phone: str) -> Partner:
    try:
        partner = find_by_phone(session, normalize_phone(phone))
    except InvalidPhone:
        partner = None
    if partner is None:
        raise click.ClickException(f"no partner with phone {phone}")
    return partner


def _run(change) -> None:
    try:
        with unit_of_work() as session:
            click.echo(change(session))
    except ControlError as exc:
        raise click.ClickException(str(exc)) from None


@partners_cli.command("suspend")
@click.argument("phone")
@REASON
def suspend(phone: str, reason: str) -> None:
    """Refuse the partner's earns and redemptions until reinstated."""
    _run(lambda s: controls.suspend(s, _actor(), _partner(s, phone), reason) or "suspended")


@partners_cli.command("reinstate")
@click.argument("phone")
@REASON
def reinstate(phone: str, reason: str) -> None:
    _run(lambda s: controls.reinstate(s, _actor(), _partner(s, phone), reason) or "reinstated")


@partners_cli.command("erase")
@click.argument("phone")
@REASON
def erase(phone: str, reason: str) -> None:
    """Erase the partner's personal data (their ledger stays, under a pseudonym)."""
    _run(lambda s: controls.erase(s, _actor(), _partner(s, phone), reason) or "erased")


@wallet_cli.command("adjust")
@click.argument("phone")
@click.argument("program_code")
@click.argument("credits", type=int)
@REASON
def adjust(phone: str, program_code: str, credits: int, reason: str) -> None:
    """Add (or, negative, remove) credits against the program's adjustment account."""
    def change(session: Session) -> str:
        program = by_code(session, program_code)
        if program is None:
            raise ControlError(f"no program {program_code!r}")
        entry = controls.adjust(session, _actor(), _partner(session, phone), program.id,
                                credits, reason, uuid.uuid4().hex)
        return f"entry {entry}"
    _run(change)


@wallet_cli.command("reverse")
@click.argument("entry_id", type=ID)
@REASON
def reverse(entry_id: int, reason: str) -> None:
    """Undo an earn or adjustment with a compensating entry."""
    def change(session: Session) -> str:
        entry = session.get(JournalEntry, entry_id)
        if entry is None:
            raise ControlError(f"no entry {entry_id}")
        return f"entry {controls.reverse(session, _actor(), entry, reason)}"
    _run(change)


@wallet_cli.command("credit-note")
@click.argument("invoice_id", type=ID)
@click.argument("note")
@click.argument("rupees", type=click.FloatRange(min=0.01))
@REASON
def credit_note(invoice_id: int, note: str, rupees: float, reason: str) -> None:
    """Record a return or credit note of RUPEES against an invoice: its share of the
    invoice's credits is taken back."""
    def change(session: Session) -> str:
        invoice = session.get(Invoice, invoice_id)
        if invoice is None:
            raise ControlError(f"no invoice {invoice_id}")
        done = orders.record_return(session, _actor(), invoice, round(rupees * 100), note,
                                    reason)
        return f"entry {done.entry_id}, {done.credits} credits taken back, " \
            f"{done.withdrawn} waiting for review withdrawn"
    _run(change)
