"""Lots over time: reversal (claw-back), expiry, what is expiring, and the history lines."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Row, func, select, update
from sqlalchemy.orm import Session

from models import keys
from models.base import ist_date, utcnow
from models.ledger.internals import (
    E,
    L,
    LedgerError,
    W,
    add_entry,
    add_lot,
    bump_wallet,
    entry_by_key,
    lock_wallet,
    lock_wallet_by_id,
    program_spec,
    system_account,
)
from models.ledger.tables import Account, AccountKind, JournalEntry, Posting

_EARNED_FROM = (AccountKind.ISSUANCE, AccountKind.ADJUSTMENTS, AccountKind.MIGRATION)


@dataclass(frozen=True)
class HistoryLine:
    entry_id: int
    credits: int  # + earned / released, - spent / held / expired / clawed back
    cause: str
    cause_ref: str
    description: str
    at: datetime


def history(session: Session, partner_id: int, program_id: int,
            limit: int = 10) -> list[HistoryLine]:
    """Return the wallet's latest entries that changed its balance, newest first."""
    stmt = (select(E.c.id, E.c.credits, E.c.cause, E.c.cause_ref, E.c.description,
                   E.c.created_at)
            .where(E.c.program_id == program_id, E.c.partner_id == partner_id, E.c.credits != 0)
            .order_by(E.c.created_at.desc(), E.c.id.desc()).limit(limit))
    return [HistoryLine(r.id, r.credits, r.cause, r.cause_ref, r.description, r.created_at)
            for r in session.execute(stmt)]


def expiring(session: Session, partner_id: int, program_id: int,
             within_days: int = 30, now: datetime | None = None) -> list[tuple[int, date]]:
    """Return [(credits, expiry date in IST)] for credits expiring within `within_days`, soonest
    first."""
    now = now or utcnow()
    wallet_id = session.scalar(select(W.c.id).where(W.c.partner_id == partner_id,
                                                    W.c.program_id == program_id))
    if wallet_id is None:
        return []
    rows = session.execute(select(L.c.expires_at, L.c.remaining).where(
        L.c.wallet_id == wallet_id, L.c.remaining > 0, L.c.expires_at > now,
        L.c.expires_at <= now + timedelta(days=within_days)).order_by(L.c.expires_at))
    by_day: dict[date, int] = {}
    for expires_at, remaining in rows:
        day = ist_date(expires_at)
        by_day[day] = by_day.get(day, 0) + remaining
    return [(credits, day) for day, credits in by_day.items()]


def expire_due(session: Session, now: datetime | None = None) -> int:
    """Expire every lot past its date (one entry per wallet); return the number of lots."""
    now = now or utcnow()
    wallet_ids = session.scalars(select(L.c.wallet_id).where(
        L.c.remaining > 0, L.c.expires_at <= now).distinct().order_by(L.c.wallet_id)).all()
    count = 0
    for wallet_id in wallet_ids:
        wallet = lock_wallet_by_id(session, wallet_id)
        lots = session.execute(select(L.c.id, L.c.remaining).where(
            L.c.wallet_id == wallet_id, L.c.remaining > 0, L.c.expires_at <= now)
            .order_by(L.c.expires_at, L.c.id)).all()
        total = sum(lot.remaining for lot in lots)
        if not total:
            continue
        for lot in lots:
            session.execute(update(L).where(L.c.id == lot.id).values(remaining=0))
        sink = system_account(session, wallet.program_id, AccountKind.EXPIRED)
        add_entry(session, key=keys.expiry(wallet_id, lots[0].id, now),
                  program_id=wallet.program_id, partner_id=wallet.partner_id, cause="expiry",
                  cause_ref=f"{len(lots)} lots", credits=-total,
                  description=f"{total} credits expired",
                  postings={wallet.account_id: -total, sink: total})
        bump_wallet(session, wallet_id, balance=-total)
        count += len(lots)
    return count


def unreversed(session: Session, original_key: str) -> int:
    """The credits of the earn `original_key` not yet taken back (0 when none is left, or
    for no such paid earn): a credit note's share never asks for more."""
    original = entry_by_key(session, original_key)
    if original is None or original.queued:
        return 0
    return max(_unreversed(session, original)[1], 0)


def _unreversed(session: Session, original: JournalEntry) -> tuple[Row | None, int]:
    """The posting the earn `original` credited from, and what of it is still unreversed
    (signed like the original)."""
    source = session.execute(
        select(Posting.account_id, Posting.amount).join(Account, Account.id == Posting.account_id)
        .where(Posting.entry_id == original.id, Account.kind.in_(_EARNED_FROM))).first()
    if source is None:
        return None, 0
    done = session.scalar(select(func.coalesce(func.sum(Posting.amount), 0))
                          .join(E, E.c.id == Posting.entry_id)
                          .where(E.c.reverses_id == original.id,
                                 Posting.account_id == source.account_id))
    return source, -source.amount - int(done)


def reverse(session: Session, *, key: str, original_key: str, reason: str, actor: str,
            credits: int | None = None) -> int:
    """Undo an earn or adjustment (all of it, or `credits` of it, e.g. a credit note).

    Credits come back from the original's lot first (locked or not), then from the rest of
    the balance, never below zero; what cannot be recovered becomes debt that later earnings
    pay first. A removal (negative adjustment) is undone by crediting the wallet again.
    """
    if (prior := entry_by_key(session, key)) is not None:
        return prior.id
    original = entry_by_key(session, original_key)
    if original is None:
        raise LedgerError(f"no entry with key {original_key!r}")
    if original.queued or original.partner_id is None or original.cause == "reversal":
        raise LedgerError(f"entry {original_key!r} cannot be reversed (queued or a reversal)")
    wallet = lock_wallet(session, original.partner_id, original.program_id)
    if (prior := entry_by_key(session, key)) is not None:
        return prior.id
    source, left = _unreversed(session, original)
    if source is None:
        raise LedgerError(f"entry {original_key!r} is not an earn or adjustment")
    target = left if credits is None else (credits if left > 0 else -credits)
    if left == 0 or abs(target) > abs(left) or target == 0:
        raise LedgerError(f"cannot reverse {credits} of {original_key!r}: {left} left")
    common = dict(key=key, program_id=original.program_id, partner_id=original.partner_id,
                  cause="reversal", cause_ref=original.cause_ref, description=reason,
                  actor=actor, reverses_id=original.id)
    if target < 0:  # a removal: give the credits back
        spec = program_spec(session, original.program_id)
        entry_id = add_entry(session, credits=-target, **common,
                             postings={source.account_id: target, wallet.account_id: -target})
        add_lot(session, wallet_id=wallet.id, entry_id=entry_id, credits=-target, spec=spec)
        bump_wallet(session, wallet.id, balance=-target)
        return entry_id
    recovered = _claw_back(session, wallet.id, original.id, target)
    debt = target - recovered
    entry_id = add_entry(session, credits=-recovered, **common, postings={
        source.account_id: target, wallet.account_id: -recovered,
        wallet.debt_account_id: -debt})
    bump_wallet(session, wallet.id, balance=-recovered, debt=debt)
    return entry_id


def _claw_back(session: Session, wallet_id: int, entry_id: int, credits: int) -> int:
    """Take up to `credits` from the earn's own lot, then other lots; return what was taken."""
    lots = session.execute(select(L.c.id, L.c.remaining).where(
        L.c.wallet_id == wallet_id, L.c.remaining > 0)
        .order_by((L.c.entry_id != entry_id), L.c.expires_at.is_(None), L.c.expires_at,
                  L.c.id)).all()
    taken = 0
    for lot in lots:
        part = min(credits - taken, lot.remaining)
        if part <= 0:
            break
        session.execute(update(L).where(L.c.id == lot.id).values(remaining=L.c.remaining - part))
        taken += part
    return taken
