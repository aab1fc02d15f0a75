"""The sales tables: each import or API batch, what came of each of its rows, and the API keys
distributors' systems push with."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId, UTCDateTime, utcnow


class Outcome(StrEnum):
    CREDITED = "credited"  # credited now (or, in a dry run, would be)
    REVIEW = "review"  # matched, but a person decides (fuzzy buyer, photo that disagrees)
    REJECTED = "rejected"  # not valid, or no buyer: nothing happened
    ALREADY = "already"  # credited before (by a photo, an earlier file or the API)
    RETURNED = "returned"  # a credit note took back credits


class BatchStatus(StrEnum):
    QUEUED = "queued"  # an uploaded file waiting for its job
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"  # `error` says why; the rows imported before it stay


class SalesBatch(Base):
    """One file imported, or one API request. A file uploaded in the admin is imported by a
    job: its status, `rows` done of about `total`, and the file's place under MEDIA_DIR
    (`file`, until the job is done with it)."""

    __tablename__ = "sales_batches"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"), index=True)
    distributor: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(10))  # tally, csv, xlsx, api
    name: Mapped[str] = mapped_column(String(200))  # the file's name, or the API key's prefix
    dry_run: Mapped[bool] = mapped_column(default=False)
    rows: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(10), default=BatchStatus.DONE,
                                        server_default=BatchStatus.DONE)
    total: Mapped[int | None] = mapped_column(Integer)
    file: Mapped[str | None] = mapped_column(String(200))
    error: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SaleRow(Base):
    """What came of one row of a batch; `key` names the sale ("<seller GSTIN>|<number>", or
    "return|…" for a credit note) so that a replay is answered from the stored result."""

    __tablename__ = "sale_rows"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("sales_batches.id"), index=True)
    row: Mapped[int] = mapped_column(Integer)
    key: Mapped[str | None] = mapped_column(String(80), index=True)
    number: Mapped[str | None] = mapped_column(String(40))
    outcome: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str | None] = mapped_column(String(200))
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"))
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"))
    credits: Mapped[int] = mapped_column(BigInteger, default=0)


class SalesApiKey(Base):
    """A distributor's key for POST /api/v1/sales: only its SHA-256 is kept (the key is 32
    random bytes, so a fast hash is enough), shown once when made."""

    __tablename__ = "sales_api_keys"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"))
    distributor: Mapped[str] = mapped_column(String(20))
    prefix: Mapped[str] = mapped_column(String(12), unique=True)  # shown in lists and logs
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
