"""Operator controls on what partners sent and asked for: a return or credit note against an
invoice (claws back its credits), cancel or retry a redemption, void a batch of product
codes. Each needs a reason and writes an audit row (see controls.py for partners and wallets)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from models import events, keys, ledger
from models.admin.controls import Actor, ControlError, audit_change, entry_with, need_reason
from models.campaigns.bonus import bonus_entries
from models.codes.tables import QrBatch, void_batch
from models.invoices.invoice import Invoice
from models.ledger.operations import LedgerError
from models.ledger.tables import JournalEntry
from models.redemptions import redemption as redemptions
from models.redemptions.redemption import Redemption


def record_return(session: Session, actor: Actor, invoice: Invoice, returned_paise: int,
                  note: str, reason: str) -> int:
    """Take back the share of the invoice's credits that `returned_paise` of its total
    earned (the ledger takes them from the invoice's lot first, locked or not, then from
    the balance, and keeps the rest as debt); the reversal's entry id."""
    reason = need_reason(reason)
    note = note.strip()[:40]
    if not note:
        raise ControlError("the credit note's number is required")
    entry = session.get(JournalEntry, invoice.entry_id) if invoice.entry_id else None
    total = invoice.total_paise or 0
    if entry is None or entry.queued or invoice.credits <= 0 or total <= 0:
        raise ControlError("this invoice earned no credits to take back")
    if not 0 < returned_paise <= total:
        raise ControlError("the amount returned must be more than 0 and at most the total")
    key = keys.credit_note(invoice.id, note)
    if (done := entry_with(session, key)) is not None:
        return done
    credits = max(1, invoice.credits * returned_paise // total)
    try:
        new_id = ledger.reverse(session, key=key, original_key=entry.key, credits=credits,
                                reason=f"credit note {note}: {reason}", actor=actor.short)
        for bonus in bonus_entries(session, entry.key):  # its campaigns' bonuses, in share
            ledger.reverse(session, key=f"{key}:{bonus.key}", original_key=bonus.key,
                           credits=max(1, bonus.credits * returned_paise // total),
                           reason=f"credit note {note}: {reason}", actor=actor.short)
    except LedgerError as exc:
        raise ControlError(str(exc)) from None
    audit_change(session, actor, "invoice.return", f"invoice:{invoice.id}", reason,
                 {"credits": invoice.credits},
                 {"note": note, "returned_paise": returned_paise, "clawed_back": credits,
                  "entry": new_id}, programs=[invoice.program_id])
    events.record(session, events.InvoiceReturned(invoice.id, invoice.partner_id,
                                                  invoice.program_id, note, credits))
    return new_id


def cancel_redemption(session: Session, actor: Actor, redemption: Redemption,
                      reason: str) -> None:
    reason = need_reason(reason)
    before = redemption.status
    if not redemptions.cancel(session, redemption, reason=reason[:200]):
        raise ControlError(f"a {before} redemption the provider was asked about cannot be "
                           "cancelled")
    audit_change(session, actor, "redemption.cancel", f"redemption:{redemption.id}", reason,
                 {"status": before}, {"status": redemption.status},
                 programs=[redemption.program_id])


def retry_redemption(session: Session, actor: Actor, redemption: Redemption,
                     reason: str) -> None:
    reason = need_reason(reason)
    before = redemption.status
    try:
        redemptions.retry(session, redemption)
    except redemptions.Refused as exc:
        raise ControlError(f"a {before} redemption cannot be retried") from exc
    audit_change(session, actor, "redemption.retry", f"redemption:{redemption.id}", reason,
                 {"status": before}, {"status": redemption.status,
                                      "attempt": redemption.attempt},
                 programs=[redemption.program_id])


def void_codes(session: Session, actor: Actor, batch: QrBatch, reason: str) -> None:
    reason = need_reason(reason)
    before = batch.status
    void_batch(session, batch)
    audit_change(session, actor, "codes.void", f"batch:{batch.id}", reason,
                 {"status": before}, {"status": batch.status}, programs=[batch.program_id])
