"""Ledger internals: accounts, the wallet lock, entries with postings, lot bookkeeping.

Only the modules of models/ledger/ call these; everyone else uses the public operations
(models/ledger/__init__.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import (
    BigInteger,
    Row,
    Text,
    bindparam,
    case,
    cast,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models import events
from models.base import utcnow
from models.db import dialect_insert, is_postgres
from models.ledger.tables import (
    PARTNER_KINDS,
    Account,
    AccountKind,
    BudgetMonth,
    Hold,
    JournalEntry,
    Lot,
    Posting,
    Wallet,
)
from models.programs.program import Program, ProgramSpec, cached_spec


@dataclass(frozen=True)
class Balance:
    balance: int  # credits the partner owns, including held and locked ones
    held: int  # in open holds (redemptions in flight)
    available: int  # balance - held - locked: what can be spent now
    locked: int  # earned but inside a return window
    debt: int  # claw-backs not yet recovered; later earnings pay it first


class LedgerError(Exception):
    """A ledger operation that cannot be done as asked."""


class InsufficientCredits(LedgerError):
    """The wallet's available credits do not cover the amount."""


class UnknownWallet(LedgerError):
    """The partner has no wallet in that program (not enrolled)."""


CAUSES = frozenset({"certification", "invoice", "qr_code", "redemption", "expiry", "bonus",
                    "adjustment", "reversal", "voucher", "opening", "referral"})
W = Wallet.__table__
E = JournalEntry.__table__
L = Lot.__table__
_CACHE = "saathi.ledger.accounts"


def program_spec(session: Session, program_id: int, version: str | None = None) -> ProgramSpec:
    """Return the program's spec; with its `_version` known, without touching the database."""
    if version is not None and (spec := cached_spec(program_id, version)) is not None:
        return spec
    program = session.get(Program, program_id)
    if program is None:
        raise LedgerError(f"no program {program_id}")
    return program.spec


def system_account(session: Session, program_id: int, kind: AccountKind) -> int:
    """Return the id of a program-level account, created on first use."""
    cache = session.info.setdefault(_CACHE, {})
    found = cache.get((program_id, kind))
    if found is None:
        code = f"P{program_id}:{kind}"
        found = session.scalar(select(Account.id).where(Account.code == code))
        if found is None:
            session.execute(dialect_insert(session)(Account).values(
                code=code, program_id=program_id, partner_id=None, kind=kind,
                created_at=utcnow()).on_conflict_do_nothing(index_elements=["code"]))
            found = session.scalar(select(Account.id).where(Account.code == code))
        cache[(program_id, kind)] = found
    return found


@events.handles(events.ProgramLoaded)
def _program_loaded(session: Session, loaded: events.ProgramLoaded) -> None:
    ensure_program_accounts(session, loaded.program_id)


def ensure_program_accounts(session: Session, program_id: int) -> None:
    """Create the program's system accounts now, so first earns never wait on each other:
    the missing ones in one statement (a program load made eighteen)."""
    codes = {f"P{program_id}:{kind}": kind for kind in AccountKind if kind not in PARTNER_KINDS}
    there = set(session.scalars(select(Account.code).where(Account.code.in_(codes))))
    missing = [code for code in codes if code not in there]
    if missing:
        now = utcnow()
        session.execute(dialect_insert(session)(Account).values([
            {"code": code, "program_id": program_id, "partner_id": None, "kind": codes[code],
             "created_at": now} for code in missing]).on_conflict_do_nothing(
            index_elements=["code"]))


def ensure_wallet(session: Session, partner_id: int, program_id: int) -> None:
    """Create the partner's wallet (and its accounts) in the program if it does not exist."""
    if session.scalar(select(W.c.id).where(W.c.partner_id == partner_id,
                                           W.c.program_id == program_id)) is not None:
        return
    ids = {}
    for kind in (AccountKind.WALLET, AccountKind.DEBT):
        code = f"P{program_id}:W{partner_id}:{kind}"
        session.execute(dialect_insert(session)(Account).values(
            code=code, program_id=program_id, partner_id=partner_id, kind=kind,
            created_at=utcnow()).on_conflict_do_nothing(index_elements=["code"]))
        ids[kind] = session.scalar(select(Account.id).where(Account.code == code))
    session.execute(dialect_insert(session)(Wallet).values(
        partner_id=partner_id, program_id=program_id, account_id=ids[AccountKind.WALLET],
        debt_account_id=ids[AccountKind.DEBT], balance=0, held=0, debt=0, updated_at=utcnow(),
    ).on_conflict_do_nothing(index_elements=["partner_id", "program_id"]))


def lock_wallet(session: Session, partner_id: int, program_id: int) -> Row:
    """Return the wallet row, locked until commit (SELECT ... FOR UPDATE)."""
    row = session.execute(select(W).where(W.c.partner_id == partner_id,
                                          W.c.program_id == program_id).with_for_update()).first()
    if row is None:
        raise UnknownWallet(f"partner {partner_id} has no wallet in program {program_id}")
    return row


def lock_wallet_by_id(session: Session, wallet_id: int) -> Row:
    return session.execute(select(W).where(W.c.id == wallet_id).with_for_update()).one()


def _lock_for_earn_statement():
    """Built once: building and cache-keying this statement cost more than running it."""
    accounts, programs = Account.__table__, Program.__table__
    program_id = bindparam("program_id")
    prior = select(E.c.id).where(E.c.key == bindparam("key")).scalar_subquery()
    issuance = select(accounts.c.id).where(accounts.c.program_id == program_id,
                                           accounts.c.partner_id.is_(None),
                                           accounts.c.kind == AccountKind.ISSUANCE)
    version = select(programs.c.definition["_version"].as_string()).where(
        programs.c.id == program_id)
    counted = select(BudgetMonth.issued).where(BudgetMonth.program_id == program_id,
                                               BudgetMonth.month == bindparam("month"))
    return (select(W, prior.label("prior_id"), issuance.scalar_subquery().label("issuance_id"),
                   version.scalar_subquery().label("version"),
                   counted.scalar_subquery().label("budget_issued"))
            .where(W.c.partner_id == bindparam("partner_id"), W.c.program_id == program_id)
            .with_for_update(of=W))


_LOCK_FOR_EARN = _lock_for_earn_statement()


def lock_for_earn(session: Session, partner_id: int, program_id: int, key: str,
                  month: str) -> Row:
    """Lock the wallet (created if new) in one round trip that also reads the key's prior
    entry, the issuance account, the program's version and its budget count for `month`
    (None: no row yet). A prior entry committed while we waited for the lock is not seen
    here; the insert's ON CONFLICT catches that one."""
    params = {"partner_id": partner_id, "program_id": program_id, "key": key, "month": month}
    row = session.execute(_LOCK_FOR_EARN, params).first()
    if row is None:
        ensure_wallet(session, partner_id, program_id)
        row = session.execute(_LOCK_FOR_EARN, params).first()
    if row is None:
        raise UnknownWallet(f"partner {partner_id} has no wallet in program {program_id}")
    return row


def entry_by_key(session: Session, key: str) -> Row | None:
    return session.execute(select(E).where(E.c.key == key)).first()


def checked_postings(key: str, cause: str, postings: dict[int, int]) -> dict[int, int]:
    """Return the non-zero postings of an entry; refuse an unknown cause or an unbalanced entry."""
    if cause not in CAUSES:
        raise LedgerError(f"unknown cause {cause!r}")
    amounts = {acc: amt for acc, amt in postings.items() if amt}
    if sum(amounts.values()) != 0:
        raise LedgerError(f"postings of {key!r} do not sum to zero: {amounts}")
    return amounts


def add_entry(session: Session, *, key: str, program_id: int, partner_id: int | None,
              cause: str, cause_ref: str, postings: dict[int, int], credits: int,
              description: str = "", actor: str = "system", volume: int = 0,
              reverses_id: int | None = None, queued: bool = False,
              review_item_id: int | None = None, on_conflict: bool = False) -> int | None:
    """Write one journal entry and its postings (which must sum to zero); return its id.

    With `on_conflict`, a key taken by another transaction writes nothing and returns None.
    """
    amounts = checked_postings(key, cause, postings)
    values = dict(key=key, program_id=program_id, partner_id=partner_id, cause=cause,
                  cause_ref=cause_ref[:120], description=description, actor=actor[:80],
                  credits=credits, volume=volume, reverses_id=reverses_id, queued=queued,
                  review_item_id=review_item_id, created_at=utcnow())
    if is_postgres(session):
        values["txid"] = cast(cast(func.pg_current_xact_id(), Text), BigInteger)
    stmt = insert(E).values(**values)  # Core, not ORM: this is the hot path
    if on_conflict:
        stmt = dialect_insert(session)(E).values(**values).on_conflict_do_nothing(
            index_elements=["key"])
    entry_id = session.execute(stmt.returning(E.c.id)).scalar_one_or_none()
    if entry_id is None:
        return None
    if amounts:
        session.execute(insert(Posting.__table__),
                        [{"entry_id": entry_id, "account_id": acc, "amount": amt}
                         for acc, amt in amounts.items()])
    return entry_id


def bump_wallet(session: Session, wallet_id: int, *, balance: int = 0, held: int = 0,
                debt: int = 0) -> None:
    session.execute(update(W).where(W.c.id == wallet_id).values(
        balance=W.c.balance + balance, held=W.c.held + held, debt=W.c.debt + debt,
        updated_at=utcnow()))


def add_lot(session: Session, *, wallet_id: int, entry_id: int, credits: int,
            spec: ProgramSpec, lock_days: int = 0, now: datetime | None = None,
            expires_at: datetime | None = None) -> None:
    now = now or utcnow()
    session.execute(insert(L).values(
        wallet_id=wallet_id, entry_id=entry_id, credits=credits, remaining=credits,
        expires_at=expires_at or spec.expiry.expires_at(now),
        locked_until=now + timedelta(days=lock_days) if lock_days else None,
        created_at=now))


def unavailable(session: Session, wallet_id: int, now: datetime) -> tuple[int, int]:
    """Return (locked, overdue): credits in lots still locked, and past expiry not yet expired."""
    locked = func.sum(case((L.c.locked_until > now, L.c.remaining), else_=0))
    overdue = func.sum(case((L.c.expires_at <= now, L.c.remaining), else_=0))
    row = session.execute(select(locked, overdue).where(L.c.wallet_id == wallet_id,
                                                        L.c.remaining > 0)).one()
    return int(row[0] or 0), int(row[1] or 0)


def spendable_lots(session: Session, wallet_id: int, now: datetime) -> list[Row]:
    """Unlocked, unexpired lots with credits left, first-expiring first (never-expiring last)."""
    stmt = (select(L.c.id, L.c.remaining).where(
        L.c.wallet_id == wallet_id, L.c.remaining > 0,
        (L.c.locked_until.is_(None)) | (L.c.locked_until <= now),
        (L.c.expires_at.is_(None)) | (L.c.expires_at > now))
        .order_by(L.c.expires_at.is_(None), L.c.expires_at, L.c.id))
    return list(session.execute(stmt))


def take_from_lots(session: Session, lots: list[Row], credits: int) -> list[list[int]]:
    """Take `credits` from `lots` in order; return [[lot_id, taken], ...]."""
    taken: list[list[int]] = []
    left = credits
    for lot in lots:
        if left <= 0:
            break
        part = min(left, lot.remaining)
        session.execute(update(L).where(L.c.id == lot.id).values(remaining=L.c.remaining - part))
        taken.append([lot.id, part])
        left -= part
    if left > 0:
        raise InsufficientCredits(f"lots are short by {left} credits")
    return taken


RETURN_GRACE = timedelta(days=30)


def give_back(session: Session, *, wallet_id: int, entry_id: int,
              allocations: list[list[int]], now: datetime) -> None:
    """Return held or spent credits to the lots they came from. Credits whose lot passed its
    date meanwhile come back in a new lot (of `entry_id`) that lasts RETURN_GRACE: a payout
    that failed, or that the bank sent back, days later must not cost the partner the credits
    they are told are back."""
    lapsed = set(session.scalars(select(L.c.id).where(
        L.c.id.in_([lot_id for lot_id, _ in allocations]), L.c.expires_at <= now)))
    for lot_id, part in allocations:
        if lot_id not in lapsed:
            session.execute(update(L).where(L.c.id == lot_id)
                            .values(remaining=L.c.remaining + part))
    if late := sum(part for lot_id, part in allocations if lot_id in lapsed):
        session.execute(insert(L).values(
            wallet_id=wallet_id, entry_id=entry_id, credits=late, remaining=late,
            expires_at=now + RETURN_GRACE, locked_until=None, created_at=now))


def hold_row(session: Session, hold_id: int) -> Row:
    row = session.execute(select(Hold.__table__).where(Hold.id == hold_id)).first()
    if row is None:
        raise LedgerError(f"no hold {hold_id}")
    return row


def balance_of(session: Session, row, now: datetime | None = None, *, plus: int = 0,
               debt: int = 0) -> Balance:
    """Balance of a wallet row (plus changes made since the row was read)."""
    locked, overdue = unavailable(session, row.id, now or utcnow())
    return balance_from(row, locked, overdue, plus=plus, debt=debt)


def balance_from(row, locked: int, overdue: int, *, plus: int = 0, debt: int = 0) -> Balance:
    """Balance of a wallet row, given its locked and overdue lot credits."""
    owned = row.balance + plus + row.held - overdue
    return Balance(owned, row.held, owned - row.held - locked, locked, row.debt + debt)


def with_key(session: Session, key: str, write):
    """Run `write()` in a savepoint; if another transaction took `key` first, return None."""
    try:
        with session.begin_nested():
            return write()
    except IntegrityError:
        if entry_by_key(session, key) is None:
            raise
        return None


