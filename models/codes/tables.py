"""Product QR code tables: printed batches, every scan attempt, and each code's one redemption.

Codes themselves are not stored: a code is its own proof (models/codes/format.py), and the
unique `qr_redemptions.code` is what makes a code credit exactly once in its lifetime.
Scanning is in models/codes/scan.py, fraud rules in models/codes/fraud.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from enum import StrEnum

from flask import current_app
from sqlalchemy import Float, ForeignKey, Index, Integer, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import INPUT, Base, BigId, UTCDateTime, column_length, utcnow
from models.codes import format as qr_codes
from models.programs.program import Program


class BatchStatus(StrEnum):
    ACTIVE = "active"
    VOID = "void"


class ScanStatus(StrEnum):
    CREDITED = "credited"
    REVIEW = "review"  # flagged by a fraud rule: waits in the review queue
    USED = "used"
    VOID = "void"
    NOT_MEMBER = "not_member"
    FORGED = "forged"  # signature, batch or serial does not check out (or a typo)


class RedemptionStatus(StrEnum):
    CREDITED = "credited"
    REVIEW = "review"
    REJECTED = "rejected"  # the code stays used: a rejected scan burns it


class BatchError(ValueError):
    """A batch cannot be created or found."""


class QrBatch(Base):
    __tablename__ = "qr_batches"
    __table_args__ = (UniqueConstraint("program_id", "name"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"), index=True)
    name: Mapped[str] = mapped_column(String(80), info=INPUT)
    count: Mapped[int] = mapped_column(Integer)
    credits: Mapped[int] = mapped_column(Integer)
    # Where the batch ships: region names and/or pincode prefixes, comma separated.
    region: Mapped[str | None] = mapped_column(String(120), info=INPUT)
    kid: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(12), default=BatchStatus.ACTIVE)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class QrScan(Base):
    """One code presented by one partner (a photo or a typed code), whatever came of it."""

    __tablename__ = "qr_scans"
    __table_args__ = (Index("ix_qr_scans_partner_time", "partner_id", "created_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"))
    code: Mapped[str] = mapped_column(String(40), index=True)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("qr_batches.id"))
    status: Mapped[str] = mapped_column(String(12))
    reason: Mapped[str] = mapped_column(String(200), default="")
    channel: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(8))  # photo | typed
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    located_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class QrRedemption(Base):
    """The one use of a code. The unique code column settles races between partners."""

    __tablename__ = "qr_redemptions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("qr_batches.id"), index=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), index=True)
    scan_id: Mapped[int] = mapped_column(ForeignKey("qr_scans.id"))
    status: Mapped[str] = mapped_column(String(12))
    entry_id: Mapped[int | None] = mapped_column(BigId)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def signing_keys() -> dict[str, str]:
    return current_app.config["QR_SIGNING_KEYS"]


def check_labels(name: str, region: str | None) -> None:
    """A batch's name and region as their columns hold them, or BatchError."""
    for label, value, column in (("name", name, QrBatch.name),
                                 ("region", region or "x", QrBatch.region)):
        if not 0 < len(value) <= column_length(column) or not value.isprintable():
            raise BatchError(f"the batch {label} must be 1 to {column_length(column)} "
                             "printable characters")


def create_batch(session: Session, *, program: Program, name: str, count: int, credits: int,
                 region: str | None = None) -> QrBatch:
    """Record a new batch of `count` codes worth `credits` each, signed under the active key."""
    kid = current_app.config["QR_ACTIVE_KEY"]
    if kid not in signing_keys():
        raise BatchError(f"QR_ACTIVE_KEY {kid!r} is not in QR_SIGNING_KEYS")
    if not 0 < count <= qr_codes.MAX_SERIAL or credits <= 0:
        raise BatchError(f"count must be 1..{qr_codes.MAX_SERIAL} and credits positive")
    check_labels(name, region)
    exists = select(QrBatch.id).where(QrBatch.program_id == program.id, QrBatch.name == name)
    if session.scalar(exists) is not None:
        raise BatchError(f"batch {name!r} exists already in {program.code}")
    batch = QrBatch(program_id=program.id, name=name, count=count, credits=credits,
                    region=region or None, kid=kid)
    session.add(batch)
    session.flush()
    if batch.id > qr_codes.MAX_BATCH:
        raise BatchError("no batch ids left in the code format")
    return batch


def batch_codes(batch: QrBatch) -> Iterator[tuple[int, str]]:
    """Yield (serial, code) for every code of the batch."""
    keys = signing_keys()
    for serial in range(1, batch.count + 1):
        yield serial, qr_codes.make_code(keys, batch.kid, batch.program_id, batch.id, serial)


def find_batch(session: Session, name: str, program_code: str | None = None) -> QrBatch:
    """Return the batch called `name` (in `program_code`, if several programs use the name)."""
    stmt = select(QrBatch).where(QrBatch.name == name)
    if program_code:
        stmt = stmt.join(Program, Program.id == QrBatch.program_id).where(
            Program.code == program_code.strip().upper())
    found = list(session.scalars(stmt))
    if len(found) != 1:
        raise BatchError(f"{'no' if not found else 'more than one'} batch called {name!r}")
    return found[0]


def void_batch(session: Session, batch: QrBatch) -> None:
    """Stop a batch from crediting (codes already credited stay credited)."""
    if batch.status != BatchStatus.VOID:
        batch.status, batch.voided_at = BatchStatus.VOID, utcnow()
        session.flush()
