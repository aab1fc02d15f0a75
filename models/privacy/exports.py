"""MY DATA: an export asked for (after an OTP), built into a ZIP by a job, downloadable for
24 hours through a link whose token is kept only as a hash."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import Base, BigId, UTCDateTime, utcnow
from models.partners.partner import Partner

VALID_FOR = timedelta(hours=24)
OTP_PURPOSE = "export"


class ExportStatus(StrEnum):
    PREPARING = "preparing"
    READY = "ready"


class DataExport(Base):
    __tablename__ = "data_exports"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(12), default=ExportStatus.PREPARING)
    file: Mapped[str | None] = mapped_column(String(120))  # under MEDIA_DIR/exports
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def request_export(session: Session, partner: Partner) -> tuple[DataExport, str]:
    """Open an export for the partner (the caller has checked their OTP); return it and the
    link's token, which is shown once and stored only as a hash."""
    token = secrets.token_urlsafe(24)
    export = DataExport(partner_id=partner.id, token_hash=_hash(token),
                        expires_at=utcnow() + VALID_FOR)
    session.add(export)
    session.flush()
    return export, token


def by_token(session: Session, token: str) -> DataExport | None:
    """The export this link's token opens, while it is valid."""
    export = session.scalar(select(DataExport).where(DataExport.token_hash == _hash(token)))
    return export if export is not None and export.expires_at > utcnow() else None


def finish(session: Session, export: DataExport, file: str) -> None:
    export.file, export.status = file, ExportStatus.READY
    session.flush()
