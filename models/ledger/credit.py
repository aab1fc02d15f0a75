"""Crediting a locked wallet: the journal entry, its postings, the lot and the cached balance.

On PostgreSQL the four writes and the balance read are one statement (a data-modifying CTE):
an earn is the ledger's hottest path and each round trip costs more client CPU than the
database spends on the row. SQLite has no DML in CTEs, but it also has no network between
the app and its file, so there the same writes are separate statements.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, text
from sqlalchemy.orm import Session

from models.base import UTCDateTime, utcnow
from models.db import is_postgres
from models.ledger.internals import add_entry, add_lot, bump_wallet, checked_postings, unavailable
from models.programs.program import ProgramSpec


@dataclass(frozen=True)
class Credited:
    entry_id: int
    locked: int  # credits of the wallet's lots inside a return window, after this credit
    overdue: int  # credits of its lots past expiry that the expiry job has not taken yet


_CREDIT = text("""
WITH entry AS (
    INSERT INTO journal_entries (key, program_id, partner_id, cause, cause_ref, description,
                                 actor, credits, volume, queued, txid, created_at)
    VALUES (:key, :program_id, :partner_id, :cause, :cause_ref, :description, :actor,
            :to_wallet, :volume, false, pg_current_xact_id()::text::bigint, :now)
    ON CONFLICT (key) DO NOTHING
    RETURNING id
), posted AS (
    INSERT INTO postings (entry_id, account_id, amount)
    SELECT entry.id, p.account_id, p.amount
    FROM entry, unnest(CAST(:accounts AS bigint[]), CAST(:amounts AS bigint[]))
                AS p(account_id, amount)
), lot AS (
    INSERT INTO ledger_lots (wallet_id, entry_id, credits, remaining, expires_at, locked_until,
                             created_at)
    SELECT :wallet_id, entry.id, :to_wallet, :to_wallet, CAST(:expires_at AS timestamptz),
           CAST(:locked_until AS timestamptz), :now
    FROM entry WHERE :to_wallet > 0
), bumped AS (
    UPDATE ledger_wallets
    SET balance = balance + :to_wallet, debt = debt - :debt_paid, updated_at = :now
    WHERE id = :wallet_id AND EXISTS (SELECT 1 FROM entry)
)
SELECT entry.id,
       coalesce(sum(l.remaining) FILTER (WHERE l.locked_until > :now), 0),
       coalesce(sum(l.remaining) FILTER (WHERE l.expires_at <= :now), 0)
FROM entry LEFT JOIN ledger_lots l ON l.wallet_id = :wallet_id AND l.remaining > 0
GROUP BY entry.id
""").bindparams(bindparam("now", type_=UTCDateTime()),
                bindparam("expires_at", type_=UTCDateTime()),
                bindparam("locked_until", type_=UTCDateTime()))


def credit(session: Session, spec: ProgramSpec, wallet, *, postings: dict[int, int],
           to_wallet: int, debt_paid: int, key: str, cause: str, cause_ref: str,
           description: str, actor: str, volume: int, lock_days: int,
           expires_at: datetime | None = None) -> Credited | None:
    """Credit `to_wallet` to the locked `wallet` (and `debt_paid` off its debt) in one entry;
    its lot expires at `expires_at`, or by the program's policy.

    A key another transaction took first writes nothing and returns None.
    """
    if not is_postgres(session):
        return _credit_in_steps(session, spec, wallet, postings=postings, to_wallet=to_wallet,
                                debt_paid=debt_paid, key=key, cause=cause, cause_ref=cause_ref,
                                description=description, actor=actor, volume=volume,
                                lock_days=lock_days, expires_at=expires_at)
    amounts = checked_postings(key, cause, postings)
    now = utcnow()
    locked_until = now + timedelta(days=lock_days) if lock_days else None
    row = session.execute(_CREDIT, {
        "key": key, "program_id": wallet.program_id, "partner_id": wallet.partner_id,
        "cause": cause, "cause_ref": cause_ref[:120], "description": description,
        "actor": actor[:80], "volume": volume, "now": now, "accounts": list(amounts),
        "amounts": list(amounts.values()), "wallet_id": wallet.id, "to_wallet": to_wallet,
        "debt_paid": debt_paid, "expires_at": expires_at or spec.expiry.expires_at(now),
        "locked_until": locked_until,
    }).first()
    if row is None:
        return None
    entry_id, locked, overdue = row
    # The statement's own lot is not visible to its final SELECT (one snapshot).
    return Credited(entry_id, int(locked) + (to_wallet if locked_until else 0), int(overdue))


def _credit_in_steps(session: Session, spec: ProgramSpec, wallet, *, postings: dict[int, int],
                     to_wallet: int, debt_paid: int, key: str, cause: str, cause_ref: str,
                     description: str, actor: str, volume: int, lock_days: int,
                     expires_at: datetime | None) -> Credited | None:
    entry_id = add_entry(session, key=key, program_id=wallet.program_id,
                         partner_id=wallet.partner_id, cause=cause, cause_ref=cause_ref,
                         description=description, actor=actor, volume=volume, credits=to_wallet,
                         postings=postings, on_conflict=True)
    if entry_id is None:
        return None
    if to_wallet:
        add_lot(session, wallet_id=wallet.id, entry_id=entry_id, credits=to_wallet, spec=spec,
                lock_days=lock_days, expires_at=expires_at)
    bump_wallet(session, wallet.id, balance=to_wallet, debt=-debt_paid)
    return Credited(entry_id, *unavailable(session, wallet.id, utcnow()))
