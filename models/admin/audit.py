"""The audit log: who changed what, when, with the state before and after; never edited."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import INPUT, Base, BigId, Json, UTCDateTime, column_length, utcnow

LOGIN_FAILED = "login.failed"


class AuditEntry(Base):
    __tablename__ = "admin_audit"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("admin_users.id"))
    actor: Mapped[str] = mapped_column(String(254), info=INPUT)  # an email, or "cli:<user>"
    brand: Mapped[str | None] = mapped_column(String(120), index=True)
    action: Mapped[str] = mapped_column(String(40), index=True)
    target: Mapped[str] = mapped_column(String(80), default="")  # "partner:12", "entry:abc"
    reason: Mapped[str] = mapped_column(String(500), default="", info=INPUT)
    before: Mapped[dict] = mapped_column(Json, default=dict)
    after: Mapped[dict] = mapped_column(Json, default=dict)
    ip: Mapped[str | None] = mapped_column(String(45), index=True)


def record(session: Session, *, actor: str, action: str, target: str = "", reason: str = "",
           before: dict | None = None, after: dict | None = None, user_id: int | None = None,
           brand: str | None = None, ip: str | None = None) -> AuditEntry:
    """Write one audit row in the caller's transaction (so it exists exactly if the change does)."""
    entry = AuditEntry(actor=cut(actor, AuditEntry.actor), action=action, target=target,
                       reason=cut(reason, AuditEntry.reason),
                       before=before or {}, after=after or {}, user_id=user_id, brand=brand,
                       ip=ip, at=utcnow())
    session.add(entry)
    session.flush()
    return entry


def cut(text: str, attribute) -> str:
    """`text` within its column (an actor or a reason typed by an operator)."""
    return text[:column_length(attribute)]


def failures_from(session: Session, ip: str, since: datetime) -> int:
    """How many failed logins came from `ip` since `since` (the login rate limit)."""
    return session.scalar(select(func.count(AuditEntry.id)).where(
        AuditEntry.action == LOGIN_FAILED, AuditEntry.ip == ip, AuditEntry.at >= since)) or 0


def recent(session: Session, brand: str, limit: int = 200) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).where(AuditEntry.brand == brand)
                                .order_by(AuditEntry.id.desc()).limit(limit)))
