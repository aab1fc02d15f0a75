"""Reward stock: codes uploaded for catalog items (e-commerce vouchers and the like), and the
distributor who honours a partner's distributor vouchers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import INPUT, Base, BigId, UTCDateTime, column_length, utcnow
from models.partners.partner import Partner
from models.programs.program import Program


class BadCodes(ValueError):
    """Some uploaded codes are too long for their column, or not printable text."""


class StockCode(Base):
    __tablename__ = "voucher_stock_codes"
    __table_args__ = (UniqueConstraint("program_id", "item_key", "code"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"))
    item_key: Mapped[str] = mapped_column(String(32))
    code: Mapped[str] = mapped_column(String(64), info=INPUT)
    redemption_id: Mapped[int | None] = mapped_column(ForeignKey("redemptions.id"), index=True)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def clean_codes(codes: list[str]) -> set[str]:
    """The distinct codes, trimmed; BadCodes if any will not fit its column as it is."""
    wanted = {c.strip() for c in codes if c.strip()}
    longest = column_length(StockCode.code)
    bad = sorted(c for c in wanted if len(c) > longest or not c.isprintable())
    if bad:
        raise BadCodes(f"{len(bad)} codes are longer than {longest} characters or not "
                       f"printable, e.g. {bad[0][:longest]!r}")
    return wanted


def upload_codes(session: Session, program_id: int, item_key: str, codes: list[str]) -> int:
    """Add codes to an item's stock, skipping ones already there; return how many were new."""
    wanted = clean_codes(codes)
    known = set(session.scalars(select(StockCode.code).where(
        StockCode.program_id == program_id, StockCode.item_key == item_key,
        StockCode.code.in_(wanted))))
    fresh = sorted(wanted - known)
    session.add_all(StockCode(program_id=program_id, item_key=item_key, code=c) for c in fresh)
    session.flush()
    return len(fresh)


def in_stock(session: Session, program_id: int, item_key: str) -> int:
    """Codes left for an item."""
    return session.scalar(select(func.count(StockCode.id)).where(
        StockCode.program_id == program_id, StockCode.item_key == item_key,
        StockCode.redemption_id.is_(None))) or 0


def distributor_for(session: Session, partner: Partner, program: Program) -> Partner | None:
    """The distributor that honours this partner's vouchers: their own, else the sponsor's."""
    if partner.parent_id is not None:
        return session.get(Partner, partner.parent_id)
    code = program.spec.sponsor.distributor
    return session.scalar(select(Partner).where(Partner.code == code)) if code else None
