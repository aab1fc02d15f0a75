"""Each tier change of a partner in a program (the recompute job writes one row per change),
for the partner's page."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import Base, BigId, UTCDateTime, utcnow


class TierChange(Base):
    __tablename__ = "tier_changes"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), index=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"))
    old: Mapped[str | None] = mapped_column(String(40))
    new: Mapped[str | None] = mapped_column(String(40))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def history(session: Session, partner_id: int, program_id: int) -> list[TierChange]:
    return list(session.scalars(select(TierChange).where(
        TierChange.partner_id == partner_id, TierChange.program_id == program_id)
        .order_by(TierChange.id.desc())))
