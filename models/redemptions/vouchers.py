"""Vouchers: distributor vouchers (code + QR, checked by the distributor's rep) and stock
codes (fuel, e-commerce) drawn from an uploaded list.

A distributor voucher keeps its redemption's credits on hold: used → settled, expired unused
→ released (the credits come back). A stock code is spent the moment it is handed out.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import BigInteger, ForeignKey, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from models import keys, ledger
from models.base import Base, BigId, UTCDateTime, utcnow
from models.db import is_postgres
from models.partners.partner import Partner, Role
from models.programs.catalog import CatalogItem, ItemKind
from models.programs.program import Program
from models.redemptions.redemption import Redemption
from models.redemptions.stock import StockCode, distributor_for

_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L


class VoucherStatus(StrEnum):
    ISSUED = "issued"
    USED = "used"
    EXPIRED = "expired"


class OutOfStock(Exception):
    """No uploaded code is left for this item."""


class Voucher(Base):
    __tablename__ = "vouchers"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    redemption_id: Mapped[int] = mapped_column(ForeignKey("redemptions.id"), unique=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"))
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), index=True)
    distributor_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"))
    item_key: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(24))
    credits: Mapped[int] = mapped_column(BigInteger)
    image_url: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(10), default=VoucherStatus.ISSUED, index=True)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    used_by_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def _new_code() -> str:
    body = "".join(secrets.choice(_ALPHABET) for _ in range(8))
    return f"SV-{body[:4]}-{body[4:]}"


def issue(session: Session, redemption, item: CatalogItem) -> Voucher:
    """Hand out the voucher a confirmed redemption bought (OutOfStock for an empty list)."""
    partner = session.get(Partner, redemption.partner_id)
    program = session.get(Program, redemption.program_id)
    voucher = Voucher(redemption_id=redemption.id, program_id=program.id, partner_id=partner.id,
                      item_key=item.key, kind=item.kind, credits=redemption.credits)
    if item.kind == ItemKind.STOCK_CODE:
        stmt = select(StockCode).where(
            StockCode.program_id == program.id, StockCode.item_key == item.key,
            StockCode.redemption_id.is_(None)).order_by(StockCode.id).limit(1)
        if is_postgres(session):
            stmt = stmt.with_for_update(skip_locked=True)
        stock = session.scalar(stmt)
        if stock is None:
            raise OutOfStock(item.key)
        stock.redemption_id, voucher.code = redemption.id, stock.code
        voucher.status = VoucherStatus.USED
        ledger.settle(session, redemption.hold_id, key=keys.redemption(redemption.id, "settle"))
    else:
        distributor = distributor_for(session, partner, program)
        voucher.distributor_id = distributor.id if distributor else None
        voucher.code = _new_code()
        voucher.expires_at = utcnow() + timedelta(days=item.validity_days)
    session.add(voucher)
    session.flush()
    return voucher


@dataclass(frozen=True)
class Verdict:
    ok: bool
    reason: str  # ok | unknown | foreign | used | expired | not_rep
    voucher: Voucher | None = None


def inspect(session: Session, rep: Partner, code: str, *, lock: bool = False) -> Verdict:
    """Check a voucher at the counter without using it: ok, or why it must not be accepted.
    `lock` holds its row until commit (to use it)."""
    if rep.role not in (Role.DISTRIBUTOR_REP, Role.DISTRIBUTOR):
        return Verdict(False, "not_rep")
    stmt = select(Voucher).where(Voucher.code == code.strip().upper(),
                                 Voucher.kind == ItemKind.DISTRIBUTOR_VOUCHER)
    voucher = session.scalar(stmt.with_for_update() if lock else stmt)
    if voucher is None:
        return Verdict(False, "unknown")
    distributor_id = rep.id if rep.role == Role.DISTRIBUTOR else rep.parent_id
    if voucher.distributor_id != distributor_id:
        return Verdict(False, "foreign", voucher)
    if voucher.status == VoucherStatus.USED:
        return Verdict(False, "used", voucher)
    if voucher.status == VoucherStatus.EXPIRED or voucher.expires_at <= utcnow():
        return Verdict(False, "expired", voucher)
    return Verdict(True, "ok", voucher)


def use(session: Session, rep: Partner, code: str) -> Verdict:
    """Mark a good voucher used (its held credits are spent); refuse with the reason otherwise
    (checked again under the row lock: another rep may have used it meanwhile)."""
    verdict = inspect(session, rep, code, lock=True)
    if not verdict.ok:
        return verdict
    voucher = verdict.voucher
    redemption = session.get(Redemption, voucher.redemption_id)
    ledger.settle(session, redemption.hold_id, key=keys.redemption(redemption.id, "settle"))
    voucher.status, voucher.used_at, voucher.used_by_id = VoucherStatus.USED, utcnow(), rep.id
    session.flush()
    return verdict


def expire_due(session: Session, limit: int = 500) -> list[Voucher]:
    """Expire unused distributor vouchers past their date and give their credits back."""
    stmt = select(Voucher).where(Voucher.status == VoucherStatus.ISSUED,
                                 Voucher.expires_at <= utcnow()).order_by(Voucher.id).limit(limit)
    if is_postgres(session):
        stmt = stmt.with_for_update(skip_locked=True)
    expired = list(session.scalars(stmt))
    for voucher in expired:
        redemption = session.get(Redemption, voucher.redemption_id)
        ledger.release(session, redemption.hold_id, key=keys.redemption(redemption.id, "expire"))
        voucher.status = VoucherStatus.EXPIRED
    session.flush()
    return expired
