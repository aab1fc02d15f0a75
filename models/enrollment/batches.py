"""Each bulk-enrollment batch a rep sent, with its per-row outcome, kept for the
distributor's admin page (the rep got the same report in the chat)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import Base, BigId, Json, UTCDateTime, utcnow
from models.enrollment.bulk import BatchResult, RowStatus
from models.partners.partner import Partner

PAGE = 50


class EnrollmentBatch(Base):
    __tablename__ = "enrollment_batches"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"))
    rep_id: Mapped[int] = mapped_column(ForeignKey("partners.id"))
    distributor_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"), index=True)
    created: Mapped[int] = mapped_column(default=0)  # rows that enrolled a new shop
    rows: Mapped[list] = mapped_column(Json, default=list)  # [[number, label, status], ...]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def record(session: Session, rep: Partner, program_id: int,
           result: BatchResult) -> EnrollmentBatch:
    """Keep a batch's outcome, row by row, under the rep's distributor."""
    batch = EnrollmentBatch(
        program_id=program_id, rep_id=rep.id, distributor_id=rep.parent_id,
        created=result.totals()[RowStatus.CREATED], created_at=utcnow(),
        rows=[[r.number, r.label, str(r.status)] for r in result.rows])
    session.add(batch)
    session.flush()
    return batch


def of_distributor(session: Session, distributor_id: int | None,
                   program_ids: list[int]) -> list[EnrollmentBatch]:
    """The newest batches of a distributor's reps (every distributor's when None)."""
    stmt = select(EnrollmentBatch).where(EnrollmentBatch.program_id.in_(program_ids))
    if distributor_id is not None:
        stmt = stmt.where(EnrollmentBatch.distributor_id == distributor_id)
    return list(session.scalars(stmt.order_by(EnrollmentBatch.id.desc()).limit(PAGE)))
