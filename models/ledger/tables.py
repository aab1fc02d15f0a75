"""Ledger tables: accounts, journal entries, postings, lots, holds and monthly budgets.

Entries and postings are append-only. Wallet rows carry cached balances (updated under the
wallet's row lock) so a balance read never sums postings; `flask ledger verify` checks the
caches against the postings. System accounts carry no cache, so they are never a hot row.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import INPUT, Base, BigId, Json, UTCDateTime, utcnow


class AccountKind(StrEnum):
    WALLET = "wallet"  # a partner's credits in one program
    DEBT = "debt"  # negative: what a partner owes after an unrecoverable claw-back
    ISSUANCE = "issuance"  # negative: every credit the program has issued
    CLEARING = "clearing"  # redemption clearing: credits held for redemptions in flight
    REDEEMED = "redeemed"  # credits spent (settled redemptions)
    EXPIRED = "expired"
    ADJUSTMENTS = "adjustments"
    MIGRATION = "migration"  # negative: opening balances brought over from a brand's old program


PARTNER_KINDS = (AccountKind.WALLET, AccountKind.DEBT)


class Account(Base):
    __tablename__ = "ledger_accounts"
    __table_args__ = (UniqueConstraint("program_id", "partner_id", "kind"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    # "P<program>:<kind>" or "P<program>:W<partner>:<kind>": unique even where partner is NULL.
    code: Mapped[str] = mapped_column(String(60), unique=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"))
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"))
    kind: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


WALLET_FILLFACTOR = 50


class Wallet(Base):
    """A partner's wallet in one program: cached balances, tier state, row to lock."""

    __tablename__ = "ledger_wallets"
    # Half of each page left free on PostgreSQL: a wallet's balance changes with every earn
    # and spend, and an updated row with room on its page is a HOT update, which writes none
    # of its five indexes (a sales import's chunk updates 2,000 wallets: 4x faster so)
    __table_args__ = (UniqueConstraint("partner_id", "program_id"),
                      {"postgresql_with": {"fillfactor": WALLET_FILLFACTOR}})

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"))
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("ledger_accounts.id"), unique=True)
    debt_account_id: Mapped[int] = mapped_column(ForeignKey("ledger_accounts.id"), unique=True)
    balance: Mapped[int] = mapped_column(BigInteger, default=0)  # = wallet account postings
    held: Mapped[int] = mapped_column(BigInteger, default=0)  # open holds (in clearing)
    debt: Mapped[int] = mapped_column(BigInteger, default=0)  # = -(debt account postings)
    tier: Mapped[str | None] = mapped_column(String(40))
    tier_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    below_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class JournalEntry(Base):
    __tablename__ = "journal_entries"
    __table_args__ = (Index("ix_journal_entries_wallet_time", "program_id", "partner_id",
                            "created_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    key: Mapped[str] = mapped_column(String(160), unique=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"))
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"))
    cause: Mapped[str] = mapped_column(String(20))
    cause_ref: Mapped[str] = mapped_column(String(120), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    actor: Mapped[str] = mapped_column(String(80), default="system", info=INPUT)
    credits: Mapped[int] = mapped_column(BigInteger, default=0)  # net change to the wallet
    volume: Mapped[int] = mapped_column(BigInteger, default=0)  # purchase volume, for tiers
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entries.id"), index=True)
    queued: Mapped[bool] = mapped_column(default=False)  # held back by the budget cap
    review_item_id: Mapped[int | None] = mapped_column(ForeignKey("review_items.id"))
    # PostgreSQL transaction id that wrote the row: the sealer's "committed before" test.
    txid: Mapped[int | None] = mapped_column(BigInteger, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Posting(Base):
    __tablename__ = "postings"
    __table_args__ = (Index("ix_postings_account_entry", "account_id", "entry_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("journal_entries.id"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("ledger_accounts.id"))
    amount: Mapped[int] = mapped_column(BigInteger)


class Lot(Base):
    """Credits earned together: spent and expired first-expiring first."""

    __tablename__ = "ledger_lots"
    __table_args__ = (Index("ix_ledger_lots_open", "wallet_id", "expires_at",
                            postgresql_where=text("remaining > 0"),
                            sqlite_where=text("remaining > 0")),
                      Index("ix_ledger_lots_due", "expires_at",
                            postgresql_where=text("remaining > 0"),
                            sqlite_where=text("remaining > 0")))

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    wallet_id: Mapped[int] = mapped_column(ForeignKey("ledger_wallets.id"))
    entry_id: Mapped[int] = mapped_column(ForeignKey("journal_entries.id"), index=True)
    credits: Mapped[int] = mapped_column(BigInteger)
    remaining: Mapped[int] = mapped_column(BigInteger)  # cache: not spent, held or expired
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class HoldStatus(StrEnum):
    OPEN = "open"
    RELEASED = "released"
    SETTLED = "settled"
    REFUNDED = "refunded"  # settled, then the payout came back: the credits are the wallet's again


class Hold(Base):
    """Credits moved to clearing for a redemption; released back or settled as spent (and
    refunded when a settled payout is returned). `closed_by_id` is the entry that last moved it."""

    __tablename__ = "ledger_holds"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    wallet_id: Mapped[int] = mapped_column(ForeignKey("ledger_wallets.id"), index=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("journal_entries.id"), unique=True)
    credits: Mapped[int] = mapped_column(BigInteger)
    allocations: Mapped[list] = mapped_column(Json)  # [[lot_id, credits], ...] taken from lots
    status: Mapped[str] = mapped_column(String(10), default=HoldStatus.OPEN)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entries.id"))


class BudgetMonth(Base):
    """Credits a program issued in one calendar month (only for programs with a cap)."""

    __tablename__ = "ledger_budget_months"
    __table_args__ = (UniqueConstraint("program_id", "month"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"))
    month: Mapped[str] = mapped_column(String(7))  # "2025-07"
    issued: Mapped[int] = mapped_column(BigInteger, default=0)


class Checkpoint(Base):
    """A seal: HMAC over the previous checkpoint and the digests of the entries it covers."""

    __tablename__ = "ledger_checkpoints"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    basis: Mapped[str] = mapped_column(String(8))  # "txid" (PostgreSQL) or "id" (SQLite)
    range_lo: Mapped[int] = mapped_column(BigInteger)  # covers basis in [lo, hi)
    range_hi: Mapped[int] = mapped_column(BigInteger)
    entries: Mapped[list] = mapped_column(Json)  # [[entry_id, digest], ...] in id order
    prev_mac: Mapped[str] = mapped_column(String(64))
    mac: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
