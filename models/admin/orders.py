"""Operator controls on what partners sent and asked for: a return or credit note against an
invoice (claws back its credits), cancel or retry a redemption, void a batch of product
codes. Each needs a reason and writes an audit row (see controls.py for partners and wallets)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import events, keys, ledger
from models.admin.controls import Actor, ControlError, audit_change, entry_with, need_reason
from models.campaigns.bonus import take_back
from models.codes.tables import QrBatch, void_batch
from models.invoices.invoice import Invoice, InvoiceStatus, set_status
from models.ledger.operations import LedgerError
from models.ledger.tables import JournalEntry
from models.redemptions import redemption as redemptions
from models.redemptions.redemption import Redemption


@dataclass(frozen=True)
class Returned:
    """What a credit note took back: `credits` from the balance (its reversal `entry_id`,
    None if nothing was paid yet) and `withdrawn` from credits that wait for the budget
    cap's review; `again`: the note was recorded before (nothing changed now)."""
    entry_id: int | None
    credits: int
    withdrawn: int
    again: bool = False


def record_return(session: Session, actor: Actor, invoice: Invoice, returned_paise: int,
                  note: str, reason: str) -> Returned:
    """Take back the share of the invoice's credits (and of its campaign bonuses) that
    `returned_paise` of its total earned: what was paid from the invoice's lot first, locked
    or not, then from the balance, the rest kept as debt; what still waits for the budget
    cap's review off the amount the reviewer is asked for (all of it: refused)."""
    reason = need_reason(reason)
    note = note.strip()[:40]
    if not note:
        raise ControlError("the credit note's number is required")
    total = invoice.total_paise or 0
    returned_before = invoice.status == InvoiceStatus.RETURNED  # this note again, or refused
    if (invoice.credits <= 0 and not returned_before) or total <= 0 or invoice.entry_id is None:
        raise ControlError("this invoice earned no credits to take back")
    if not 0 < returned_paise <= total:
        raise ControlError("the amount returned must be more than 0 and at most the total")
    key = keys.credit_note(invoice.id, note)
    if (done := entry_with(session, key)) is not None:
        return Returned(done, 0, 0, again=True)
    earned = keys.invoice_credit(invoice.id)
    why = f"credit note {note}: {reason}"
    # Review items before wallets (the order a decision locks them in: item, then wallet).
    waited = ledger.withdraw_held(session, earned, returned=returned_paise, of=total,
                                  note=note, actor=actor.short)
    if waited == 0:
        return Returned(None, 0, 0, again=True)
    if returned_before:
        raise ControlError("this invoice was returned in full before")
    paid = _paid_entry(session, earned) if waited is None else None
    if waited is None and paid is None:
        raise ControlError("this invoice earned no credits to take back")
    new_id = None
    try:
        credits, withdrawn = take_back(session, earned, note=note, key=key,
                                       returned=returned_paise, of=total, reason=why,
                                       actor=actor.short)
        if paid is not None:
            share = max(1, invoice.credits * returned_paise // total)
            new_id = ledger.reverse(session, key=key, original_key=paid.key, credits=share,
                                    reason=why, actor=actor.short)
            credits += share
    except LedgerError as exc:
        raise ControlError(str(exc)) from None
    withheld = (waited or 0) + withdrawn
    _returned_in_full(session, invoice, earned, paid)
    audit_change(session, actor, "invoice.return", f"invoice:{invoice.id}", reason,
                 {"credits": invoice.credits},
                 {"note": note, "returned_paise": returned_paise, "clawed_back": credits,
                  "withdrawn": withheld, "entry": new_id}, programs=[invoice.program_id])
    events.record(session, events.InvoiceReturned(invoice.id, invoice.partner_id,
                                                  invoice.program_id, note, credits,
                                                  withheld))
    return Returned(new_id, credits, withheld)


def _returned_in_full(session: Session, invoice: Invoice, earned_key: str,
                      paid: JournalEntry | None) -> None:
    """Mark the invoice RETURNED once credit notes took all of it back: paid, every credit
    reversed; held for the budget cap's review, all of it withdrawn (credited 0: none was)."""
    if paid is not None and ledger.unreversed(session, paid.key) > 0:
        return
    if paid is None and ledger.held_credits(session, earned_key) > 0:
        return
    if paid is None:
        invoice.credits = 0
    set_status(invoice, InvoiceStatus.RETURNED)


def _paid_entry(session: Session, earned_key: str) -> JournalEntry | None:
    """The entry that paid the invoice's credit: at once, or approved past the budget cap."""
    for key in (earned_key, keys.approved(earned_key)):
        entry = session.scalar(select(JournalEntry).where(JournalEntry.key == key))
        if entry is not None and not entry.queued:
            return entry
    return None


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
