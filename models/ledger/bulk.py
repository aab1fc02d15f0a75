"""Many earns in one program at once (a chunk of a distributor's sales file): the entries,
postings, lots and balances that `earn` writes one by one in the same order, in a handful of
statements instead of two round trips an earn.

The chunk's wallets are locked in one SELECT … FOR UPDATE ordered by id (so two bulk earns
never wait on each other in a cycle), its keys' prior entries read in one query after that
(a key's earn on the same wallet committed before we got the lock is seen there), then the
entries are inserted in one INSERT … ON CONFLICT DO NOTHING RETURNING, postings and lots in
one executemany each and the wallets bumped in one. Should a key be taken anyway (an earn of
the same key on another wallet), the writes are undone in their savepoint and the chunk is
earned one by one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import bindparam, func, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models import events
from models.base import UTCDateTime, utcnow
from models.db import COPY_FROM, among, array_text, insert_rows, is_postgres
from models.ledger import budget
from models.ledger.internals import (
    E,
    L,
    LedgerError,
    W,
    balance_from,
    checked_postings,
    ensure_wallet,
    program_spec,
    system_account,
    with_key,
)
from models.ledger.operations import EarnResult, _earn_result, _queue, earn
from models.ledger.tables import AccountKind, Posting
from models.ledger.tiers import multiply

P = Posting.__table__


@dataclass(frozen=True)
class Earn:
    """One earn of `earn_many`: the arguments `earn` takes for it."""
    partner_id: int
    credits: int
    key: str
    cause: str
    cause_ref: str
    description: str = ""
    lock_days: int = 0
    actor: str = "system"
    volume: int = 0


@dataclass
class _Wallet:
    """A locked wallet row and what this chunk has done to it so far."""
    row: object
    locked: int
    overdue: int
    plus: int = 0  # credited to the wallet by this chunk
    paid: int = 0  # taken off its debt by this chunk

    @property
    def debt(self) -> int:
        return self.row.debt - self.paid


@dataclass
class _Plan:
    entries: list[dict] = field(default_factory=list)
    postings: dict[str, dict[int, int]] = field(default_factory=dict)
    lots: dict[str, tuple[int, int]] = field(default_factory=dict)  # key: (wallet id, credits)
    results: dict[str, EarnResult] = field(default_factory=dict)


class _KeyTaken(Exception):
    """Another transaction wrote one of the chunk's keys: undo, earn one by one."""


def earn_many(session: Session, program_id: int, earns: list[Earn]) -> list[EarnResult]:
    """`earn` each of `earns` (tier multiplier, budget cap, debt first, return-window lock)
    in the order given; one result each. A key used before (or twice here) answers with its
    first earn's result and its wallet's balance after the chunk."""
    if not earns:
        return []
    if bad := [e.key for e in earns if e.credits <= 0]:
        raise LedgerError(f"earn needs positive credits: {bad[:3]}")
    wallets = _lock(session, program_id, {e.partner_id for e in earns})
    prior = set(session.scalars(select(E.c.key).where(among(session, E.c.key,
                                                            {e.key for e in earns}))))
    try:
        with session.begin_nested():
            done = _write(session, program_id, earns, wallets, prior)
    except _KeyTaken:
        return [earn(session, partner_id=e.partner_id, program_id=program_id,
                     credits=e.credits, key=e.key, cause=e.cause, cause_ref=e.cause_ref,
                     description=e.description, lock_days=e.lock_days, actor=e.actor,
                     volume=e.volume) for e in earns]
    fresh = [e for e in earns if e.key in done and not done[e.key].queued_for_review]
    if fresh:
        events.record(session, events.EarnedMany(
            program_id, tuple(sorted({e.partner_id for e in fresh})),
            tuple(sorted({e.cause for e in fresh}))))
    return [done.get(e.key) or _earn_result(session, e.key) for e in earns]


# What a chunk reads of its wallets (not their times: a chunk reads thousands of rows)
_WALLET_COLUMNS = [W.c[name] for name in ("id", "partner_id", "program_id", "account_id",
                                          "debt_account_id", "balance", "held", "debt", "tier")]


def _lock(session: Session, program_id: int, partners: set[int]) -> dict[int, _Wallet]:
    """The partners' wallets (made if new), locked in id order, with their lots' locked and
    overdue credits."""
    def locked() -> list:
        return session.execute(select(*_WALLET_COLUMNS).where(
            W.c.program_id == program_id, among(session, W.c.partner_id, partners))
            .order_by(W.c.id).with_for_update()).all()
    rows = locked()
    if missing := partners - {row.partner_id for row in rows}:
        for partner_id in sorted(missing):
            ensure_wallet(session, partner_id, program_id)
        rows = locked()
    now = utcnow()
    sums = dict.fromkeys((row.id for row in rows), (0, 0))
    sums.update((wallet_id, (locked_ or 0, overdue or 0)) for wallet_id, locked_, overdue in
                session.execute(select(
                    L.c.wallet_id,
                    func.sum(L.c.remaining).filter(L.c.locked_until > now),
                    func.sum(L.c.remaining).filter(L.c.expires_at <= now))
                    .where(among(session, L.c.wallet_id, sums), L.c.remaining > 0)
                    .group_by(L.c.wallet_id)))
    return {row.partner_id: _Wallet(row, *map(int, sums[row.id])) for row in rows}


def _write(session: Session, program_id: int, earns: list[Earn],
           wallets: dict[int, _Wallet], prior: set[str]) -> dict[str, EarnResult]:
    spec = program_spec(session, program_id)
    fresh: dict[str, Earn] = {}
    for e in earns:
        if e.key not in prior:
            fresh.setdefault(e.key, e)
    amounts = {key: multiply(spec, wallets[e.partner_id].row.tier, e.credits)
               for key, e in fresh.items()}
    cap = spec.budget.monthly_cap_credits
    fits = budget.reserve_each(session, program_id, list(amounts.values()), cap) if cap \
        else [True] * len(amounts)
    plan = _Plan()
    source = system_account(session, program_id, AccountKind.ISSUANCE)
    for (key, e), fit in zip(fresh.items(), fits, strict=True):
        wallet = wallets[e.partner_id]
        if fit:
            _plan(plan, source, e, wallet, amounts[key])
        else:
            plan.results[key] = _queued(session, e, wallet, amounts[key])
    _insert(session, spec, program_id, plan, wallets)
    return plan.results


_BUMP = text("""
UPDATE ledger_wallets AS w SET balance = w.balance + u.plus, debt = w.debt - u.paid,
                               updated_at = :now
FROM unnest(CAST(:ids AS bigint[]), CAST(:plus AS bigint[]), CAST(:paid AS bigint[]))
     AS u(id, plus, paid)
WHERE w.id = u.id""").bindparams(bindparam("now", type_=UTCDateTime()))


def _bump(session: Session, wallets: list[_Wallet], now) -> None:
    """Add what the chunk credited to the wallets' cached balances, and take what it paid off
    their debts (one statement on PostgreSQL)."""
    if not wallets:
        return
    if is_postgres(session):
        session.execute(_BUMP, {"ids": array_text(w.row.id for w in wallets), "now": now,
                                "plus": array_text(w.plus for w in wallets),
                                "paid": array_text(w.paid for w in wallets)})
        return
    session.execute(update(W).where(W.c.id == bindparam("wallet_id")).values(
        balance=W.c.balance + bindparam("plus"), debt=W.c.debt - bindparam("paid"),
        updated_at=now), [{"wallet_id": w.row.id, "plus": w.plus, "paid": w.paid}
                          for w in wallets])


def _queued(session: Session, e: Earn, wallet: _Wallet, amount: int) -> EarnResult:
    """Queue an earn past the budget cap for review, as `earn` does."""
    args = dict(key=e.key, cause=e.cause, cause_ref=e.cause_ref, description=e.description,
                lock_days=e.lock_days, actor=e.actor, volume=e.volume)
    queued = with_key(session, e.key, lambda: _queue(session, wallet.row, amount, **args))
    if queued is None:
        raise _KeyTaken
    return EarnResult(queued.entry_id, amount, True, _balance(wallet))


def _balance(wallet: _Wallet):
    return balance_from(wallet.row, wallet.locked, wallet.overdue, plus=wallet.plus,
                        debt=-wallet.paid)


def _plan(plan: _Plan, source: int, e: Earn, wallet: _Wallet, amount: int) -> None:
    """Add the earn's entry, postings and lot to the plan, and its result."""
    row = wallet.row
    debt_paid = min(amount, wallet.debt)
    to_wallet = amount - debt_paid
    plan.postings[e.key] = checked_postings(e.key, e.cause, {
        source: -amount, row.account_id: to_wallet, row.debt_account_id: debt_paid})
    plan.entries.append({
        "key": e.key, "program_id": row.program_id, "partner_id": row.partner_id,
        "cause": e.cause, "cause_ref": e.cause_ref[:120], "description": e.description,
        "actor": e.actor[:80], "credits": to_wallet, "volume": e.volume, "lock_days": e.lock_days})
    if to_wallet:
        plan.lots[e.key] = (row.id, to_wallet)
    wallet.plus, wallet.paid = wallet.plus + to_wallet, wallet.paid + debt_paid
    wallet.locked += to_wallet if e.lock_days else 0
    plan.results[e.key] = EarnResult(0, amount, False, _balance(wallet), debt_paid)


_TXID = text("SELECT pg_current_xact_id()::text::bigint")
_TXID_AND_IDS = text("""
SELECT pg_current_xact_id()::text::bigint,
       array(SELECT nextval(pg_get_serial_sequence('journal_entries', 'id'))
             FROM generate_series(1, :n))::text""")


def _copy_entries(session: Session, entries: list[dict], now) -> dict[str, int]:
    """Write many entries by COPY (PostgreSQL, `insert_rows`), their ids drawn first from the
    sequence: no JSON document, ON CONFLICT or RETURNING for the server to work through. A
    key another transaction took meanwhile fails the COPY (where the INSERT skipped it):
    _KeyTaken either way. Their ids by key."""
    txid, reserved = session.execute(_TXID_AND_IDS, {"n": len(entries)}).one()
    ids = dict(zip([e["key"] for e in entries], map(int, reserved[1:-1].split(",")),
                   strict=True))
    try:
        insert_rows(session, E, [{"id": ids[e["key"]], **e, "queued": False, "txid": txid,
                                  "created_at": now} for e in entries])
    except IntegrityError:
        raise _KeyTaken from None
    return ids


def _insert(session: Session, spec, program_id: int, plan: _Plan,
            wallets: dict[int, _Wallet]) -> None:
    """Write the plan: entries (their ids into the results), postings, lots, wallets."""
    if not plan.entries:
        return
    now = utcnow()
    lock_days = {e["key"]: e.pop("lock_days") for e in plan.entries}
    if is_postgres(session) and len(plan.entries) >= COPY_FROM:
        ids = _copy_entries(session, plan.entries, now)
    else:
        txid = session.scalar(_TXID) if is_postgres(session) else None
        ids = dict(insert_rows(session, E, [{**e, "queued": False, "txid": txid,
                                             "created_at": now} for e in plan.entries],
                               returning=("key", "id"), on_conflict="key"))
    if len(ids) != len(plan.entries):
        raise _KeyTaken
    insert_rows(session, P, [{"entry_id": ids[key], "account_id": account, "amount": amount}
                             for key, postings in plan.postings.items()
                             for account, amount in postings.items()])
    insert_rows(session, L, [{
        "wallet_id": wallet_id, "entry_id": ids[key], "credits": credits, "remaining": credits,
        "expires_at": spec.expiry.expires_at(now),
        "locked_until": now + timedelta(days=lock_days[key]) if lock_days[key] else None,
        "created_at": now} for key, (wallet_id, credits) in plan.lots.items()])
    _bump(session, [w for w in wallets.values() if w.plus or w.paid], now)
    for key, entry_id in ids.items():
        result = plan.results[key]
        plan.results[key] = EarnResult(entry_id, result.credits, False, result.balance,
                                       result.debt_paid)
