"""The credits ledger: the only code that moves credits. Double-entry, append-only, integer.

Every operation runs inside the caller's transaction, takes the wallet's row lock, and is
idempotent by `key`: repeating a key returns the first result and writes nothing more.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from models import events, keys, review
from models.base import UTCDateTime, utcnow
from models.ledger import budget
from models.ledger.credit import credit
from models.ledger.holds import hold, refund, release, settle
from models.ledger.internals import (
    CAUSES,
    Balance,
    E,
    InsufficientCredits,
    L,
    LedgerError,
    UnknownWallet,
    W,
    add_entry,
    balance_from,
    balance_of,
    bump_wallet,
    ensure_wallet,
    entry_by_key,
    lock_for_earn,
    lock_wallet,
    program_spec,
    spendable_lots,
    system_account,
    take_from_lots,
    with_key,
)
from models.ledger.lots import expire_due, expiring, history, reverse
from models.ledger.tables import AccountKind, Posting
from models.ledger.tiers import TierInfo, current_tier, multiply
from models.review.queue import ReviewStatus

__all__ = ["CAUSES", "Balance", "EarnResult", "InsufficientCredits", "LedgerError", "TierInfo",
           "UnknownWallet", "adjust", "current_tier", "earn", "ensure_wallet", "expire_due",
           "expiring", "held_credits", "history", "hold", "refund", "release", "reverse",
           "settle", "wallet_balance"]

P = Posting.__table__


@dataclass(frozen=True)
class EarnResult:
    entry_id: int
    credits: int  # after the tier multiplier
    queued_for_review: bool
    balance: Balance
    debt_paid: int = 0


def _balance_statement():
    """Built once, like the other hot statements (building it cost more than running it)."""
    now = bindparam("now", type_=UTCDateTime())
    lots = (select(func.coalesce(func.sum(L.c.remaining), 0))
            .where(L.c.wallet_id == W.c.id, L.c.remaining > 0))
    return select(
        W.c.balance, W.c.held, W.c.debt,
        lots.where(L.c.locked_until > now).scalar_subquery().label("locked"),
        lots.where(L.c.expires_at <= now).scalar_subquery().label("overdue"),
    ).where(W.c.partner_id == bindparam("partner_id"), W.c.program_id == bindparam("program_id"))


_BALANCE = _balance_statement()


def wallet_balance(session: Session, partner_id: int, program_id: int) -> Balance:
    """Return the wallet's balance from its cached row: never a sum over postings."""
    row = session.execute(_BALANCE, {"partner_id": partner_id, "program_id": program_id,
                                     "now": utcnow()}).first()
    if row is None:
        return Balance(0, 0, 0, 0, 0)
    return balance_from(row, int(row.locked), int(row.overdue))


def earn(session: Session, *, partner_id: int, program_id: int, credits: int, key: str,
         cause: str, cause_ref: str, description: str = "", lock_days: int = 0,
         apply_tier_multiplier: bool = True, actor: str = "system", volume: int = 0,
         skip_budget: bool = False, expires_at: datetime | None = None,
         from_kind: AccountKind = AccountKind.ISSUANCE) -> EarnResult:
    """Credit a partner (times their tier's multiplier); past the monthly cap, queue it.

    `expires_at` replaces the program's expiry policy for these credits (an opening balance
    keeps its old program's date); `from_kind` is the program account they come from."""
    if credits <= 0:
        raise LedgerError(f"earn needs positive credits, got {credits}")
    now = utcnow()
    wallet = lock_for_earn(session, partner_id, program_id, key, budget.month_of(now))
    if wallet.prior_id is not None:
        return _earn_result(session, key)
    spec = program_spec(session, program_id, wallet.version)
    amount = multiply(spec, wallet.tier, credits) if apply_tier_multiplier else credits
    cap = None if skip_budget else spec.budget.monthly_cap_credits
    args = dict(key=key, cause=cause, cause_ref=cause_ref, description=description,
                lock_days=lock_days, actor=actor, volume=volume)
    if cap and not budget.reserve(session, program_id, amount, cap, now,
                                  seen=wallet.budget_issued or 0):
        queued = with_key(session, key, lambda: _queue(session, wallet, amount, **args))
        return queued or _earn_result(session, key)
    source = (wallet.issuance_id if from_kind == AccountKind.ISSUANCE else None) \
        or system_account(session, program_id, from_kind)
    result = _credit(session, spec, wallet, amount, source=source, expires_at=expires_at,
                     **args)
    if result is None:  # another transaction took the key while we waited for the lock
        if cap:
            budget.give_back(session, program_id, amount, now)
        return _earn_result(session, key)
    events.record(session, events.Earned(partner_id, program_id, result.entry_id, cause,
                                         result.credits))
    return result


def _credit(session: Session, spec, wallet, amount: int, *, key: str, cause: str,
            cause_ref: str, description: str, actor: str, lock_days: int, volume: int,
            source: int, expires_at: datetime | None = None) -> EarnResult | None:
    debt_paid = min(amount, wallet.debt)
    to_wallet = amount - debt_paid
    done = credit(session, spec, wallet, postings={source: -amount, wallet.account_id: to_wallet,
                                                   wallet.debt_account_id: debt_paid},
                  to_wallet=to_wallet, debt_paid=debt_paid, key=key, cause=cause,
                  cause_ref=cause_ref, description=description, actor=actor, volume=volume,
                  lock_days=lock_days, expires_at=expires_at)
    if done is None:
        return None
    balance = balance_from(wallet, done.locked, done.overdue, plus=to_wallet, debt=-debt_paid)
    return EarnResult(done.entry_id, amount, False, balance, debt_paid)


def _queue(session: Session, wallet, amount: int, **earn_args) -> EarnResult:
    item = review.submit(session, kind=budget.REVIEW_KIND, partner_id=wallet.partner_id,
                         program_id=wallet.program_id,
                         reason=f"{amount} credits past the monthly budget cap",
                         payload={"credits": amount, **earn_args})
    entry_id = add_entry(session, key=earn_args["key"], program_id=wallet.program_id,
                         partner_id=wallet.partner_id, cause=earn_args["cause"],
                         cause_ref=earn_args["cause_ref"], description=earn_args["description"],
                         actor=earn_args["actor"], postings={}, credits=0, queued=True,
                         review_item_id=item.id)
    return EarnResult(entry_id, amount, True, balance_of(session, wallet))


_PRIOR = select(
    E.c.id, E.c.partner_id, E.c.program_id, E.c.credits, E.c.queued, E.c.review_item_id,
    select(func.coalesce(func.sum(-P.c.amount), 0))
    .where(P.c.entry_id == E.c.id, P.c.amount < 0).scalar_subquery().label("issued"),
).where(E.c.key == bindparam("key"))


def _earn_result(session: Session, key: str) -> EarnResult:
    """The result of the earn that first used `key` (a replay, or a race we lost)."""
    entry = session.execute(_PRIOR, {"key": key}).one()
    balance = wallet_balance(session, entry.partner_id, entry.program_id)
    if entry.queued:
        item = session.get(review.ReviewItem, entry.review_item_id)
        return EarnResult(entry.id, int(item.payload["credits"]) if item else 0, True, balance)
    return EarnResult(entry.id, entry.issued, False, balance, entry.issued - entry.credits)


def held_credits(session: Session, key: str) -> int:
    """The credits the earn `key` asked for that wait for the budget cap's review (0: it was
    credited, or refused, or never asked)."""
    entry = entry_by_key(session, key)
    if entry is None or not entry.queued:
        return 0
    item = session.get(review.ReviewItem, entry.review_item_id)
    pending = item is not None and item.status == ReviewStatus.PENDING
    return int(item.payload["credits"]) if pending else 0


def adjust(session: Session, *, partner_id: int, program_id: int, credits: int, key: str,
           reason: str, actor: str) -> int:
    """Add or remove credits by hand, with a reason and the admin's name; return the entry id."""
    if credits == 0 or not reason.strip():
        raise LedgerError("an adjustment needs non-zero credits and a reason")
    if (prior := entry_by_key(session, key)) is not None:
        return prior.id
    spec = program_spec(session, program_id)
    ensure_wallet(session, partner_id, program_id)
    wallet = lock_wallet(session, partner_id, program_id)
    if (prior := entry_by_key(session, key)) is not None:
        return prior.id
    source = system_account(session, program_id, AccountKind.ADJUSTMENTS)
    if credits > 0:
        result = _credit(session, spec, wallet, credits, key=key, cause="adjustment",
                         cause_ref=actor, description=reason, actor=actor, lock_days=0,
                         volume=0, source=source)
        if result is None:
            raise LedgerError(f"key {key!r} was taken by another transaction")
        return result.entry_id
    now = utcnow()
    if -credits > balance_of(session, wallet, now).available:
        raise InsufficientCredits(f"cannot remove {-credits} credits")
    take_from_lots(session, spendable_lots(session, wallet.id, now), -credits)
    bump_wallet(session, wallet.id, balance=credits)
    return add_entry(session, key=key, program_id=program_id, partner_id=partner_id,
                     cause="adjustment", cause_ref=actor, description=reason, actor=actor,
                     credits=credits, postings={wallet.account_id: credits, source: -credits})



def _approve_over_cap(session: Session, item: review.ReviewItem) -> None:
    """Credit an earn an admin approved past the budget cap (counted against the month)."""
    p = item.payload
    budget.force(session, item.program_id, int(p["credits"]))
    result = earn(session, partner_id=item.partner_id, program_id=item.program_id,
                  credits=int(p["credits"]), key=keys.approved(p["key"]), cause=p["cause"],
                  cause_ref=p["cause_ref"], description=p.get("description", ""),
                  lock_days=int(p.get("lock_days", 0)), apply_tier_multiplier=False,
                  actor=item.decided_by or "admin", volume=int(p.get("volume", 0)),
                  skip_budget=True)
    events.record(session, events.OverCapDecided(
        item.id, item.partner_id, p["cause"], p["cause_ref"], p["key"], approved=True,
        entry_id=result.entry_id, credits=result.credits, balance=result.balance.balance))


def _reject_over_cap(session: Session, item: review.ReviewItem) -> None:
    """Nothing is credited; the queued entry stays as the record of what was asked."""
    p = item.payload
    events.record(session, events.OverCapDecided(
        item.id, item.partner_id, p["cause"], p["cause_ref"], p["key"], approved=False))


review.register(budget.REVIEW_KIND, approve=_approve_over_cap, reject=_reject_over_cap)
