"""Holds: credits moved to redemption clearing, then released back or settled as spent."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from models.base import utcnow
from models.ledger.internals import (
    InsufficientCredits,
    LedgerError,
    W,
    add_entry,
    balance_of,
    bump_wallet,
    entry_by_key,
    give_back,
    hold_row,
    lock_wallet,
    lock_wallet_by_id,
    spendable_lots,
    system_account,
    take_from_lots,
    with_key,
)
from models.ledger.tables import AccountKind, Hold, HoldStatus, JournalEntry


def hold(session: Session, *, partner_id: int, program_id: int, credits: int, key: str,
         cause: str, cause_ref: str) -> int:
    """Move credits from the wallet to redemption clearing; return the hold id."""
    if credits <= 0:
        raise LedgerError(f"hold needs positive credits, got {credits}")
    if (prior := entry_by_key(session, key)) is None:
        wallet = lock_wallet(session, partner_id, program_id)
        if (prior := entry_by_key(session, key)) is None:
            now = utcnow()
            if credits > balance_of(session, wallet, now).available:
                raise InsufficientCredits(f"{credits} credits asked, "
                                          f"{balance_of(session, wallet, now).available} available")

            def write() -> int:
                allocations = take_from_lots(session, spendable_lots(session, wallet.id, now),
                                             credits)
                clearing = system_account(session, program_id, AccountKind.CLEARING)
                entry_id = add_entry(session, key=key, program_id=program_id,
                                     partner_id=partner_id, cause=cause, cause_ref=cause_ref,
                                     credits=-credits, postings={wallet.account_id: -credits,
                                                                 clearing: credits})
                bump_wallet(session, wallet.id, balance=-credits, held=credits)
                row = Hold(wallet_id=wallet.id, entry_id=entry_id, credits=credits,
                           allocations=allocations, status=HoldStatus.OPEN)
                session.add(row)
                session.flush()
                return row.id

            if (hold_id := with_key(session, key, write)) is not None:
                return hold_id
            prior = entry_by_key(session, key)
    return session.scalar(select(Hold.id).where(Hold.entry_id == prior.id))


# What closing a hold moves: the status it must have, and the account the credits leave.
_FROM = {HoldStatus.RELEASED: (HoldStatus.OPEN, AccountKind.CLEARING),
         HoldStatus.SETTLED: (HoldStatus.OPEN, AccountKind.CLEARING),
         HoldStatus.REFUNDED: (HoldStatus.SETTLED, AccountKind.REDEEMED)}


def _close(session: Session, hold_id: int, key: str, status: HoldStatus) -> int:
    if (prior := entry_by_key(session, key)) is not None:
        return prior.id
    row = hold_row(session, hold_id)
    wallet = lock_wallet_by_id(session, row.wallet_id)
    row = hold_row(session, hold_id)  # re-read under the wallet lock
    was, source_kind = _FROM[status]
    if row.status != was:
        if row.status == status:
            return row.closed_by_id
        raise LedgerError(f"hold {hold_id} is {row.status}, not {was}")
    opened = session.execute(select(W).where(W.c.id == wallet.id)).one()
    held_entry = session.get(JournalEntry, row.entry_id)
    source = system_account(session, opened.program_id, source_kind)
    held = row.credits if was == HoldStatus.OPEN else 0
    if status == HoldStatus.SETTLED:
        target, credits = system_account(session, opened.program_id, AccountKind.REDEEMED), 0
    else:  # the credits go back to the wallet
        target, credits = wallet.account_id, row.credits
    entry_id = add_entry(session, key=key, program_id=opened.program_id,
                         partner_id=opened.partner_id, cause=held_entry.cause,
                         cause_ref=held_entry.cause_ref, credits=credits,
                         description=f"hold {hold_id} {status}",
                         postings={source: -row.credits, target: row.credits})
    if credits:
        give_back(session, wallet_id=wallet.id, entry_id=entry_id, allocations=row.allocations,
                  now=utcnow())
    bump_wallet(session, wallet.id, balance=credits, held=-held)
    session.execute(update(Hold).where(Hold.id == hold_id).values(
        status=status, closed_by_id=entry_id).execution_options(synchronize_session=False))
    return entry_id


def release(session: Session, hold_id: int, *, key: str) -> None:
    """Give held credits back to the wallet (a redemption failed or was cancelled)."""
    _close(session, hold_id, key, HoldStatus.RELEASED)


def settle(session: Session, hold_id: int, *, key: str) -> int:
    """Spend held credits for good (the payout went through); return the entry id."""
    return _close(session, hold_id, key, HoldStatus.SETTLED)


def refund(session: Session, hold_id: int, *, key: str) -> int:
    """Give settled credits back to the wallet (to their lots, see `give_back`): the payout
    was returned after it had gone through. Return the entry id."""
    return _close(session, hold_id, key, HoldStatus.REFUNDED)
