"""Programs (loaded from YAML in programs/) and partners' memberships in them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import Base, BigId, Json, UTCDateTime, utcnow


class Program(Base):
    __tablename__ = "programs"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    definition: Mapped[dict] = mapped_column(Json)
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Membership(Base):
    """A partner's place in one program; the wallet for that program hangs off it."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("partner_id", "program_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), index=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="active")
    referred_by_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"))
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def by_code(session: Session, code: str) -> Program | None:
    """Return the program with this code (case-insensitive), or None."""
    return session.scalar(select(Program).where(Program.code == code.strip().upper()))


def memberships_of(session: Session, partner_id: int) -> list[Membership]:
    """Return a partner's memberships, oldest first."""
    stmt = select(Membership).where(Membership.partner_id == partner_id).order_by(Membership.id)
    return list(session.scalars(stmt))
