"""The consent log: every yes to a program's privacy notice and every withdrawal, one row each
(partner, program, notice version, channel, message id, time). Rows are never changed.

A member who joined before the log existed (no row) counts as having agreed to notice
version 1 (their membership date was their consent); a notice raised past what a member
agreed to is asked again at their next message.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    ColumnElement,
    ForeignKey,
    Integer,
    Select,
    String,
    bindparam,
    case,
    exists,
    func,
    select,
)
from sqlalchemy.orm import Mapped, Session, aliased, mapped_column

from models.base import Base, BigId, UTCDateTime, utcnow
from models.enrollment.join import MembershipStatus, membership
from models.partners.partner import Partner
from models.programs.program import Membership, Program


class ConsentAction(StrEnum):
    GIVEN = "given"
    WITHDRAWN = "withdrawn"


class Consent(Base):
    __tablename__ = "consents"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), index=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"))
    notice_version: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(12))
    channel: Mapped[str] = mapped_column(String(16))
    message_id: Mapped[str | None] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def record(session: Session, partner: Partner, program: Program, action: ConsentAction, *,
           channel: str, message_id: str | None) -> Consent:
    """Log one yes or withdrawal, under the program's current notice version."""
    row = Consent(partner_id=partner.id, program_id=program.id, action=action, channel=channel,
                  notice_version=program.spec.privacy.notice_version,
                  message_id=(message_id or "")[:64] or None)
    session.add(row)
    session.flush()
    return row


def withdraw(session: Session, partner: Partner, program: Program, *, channel: str,
             message_id: str | None) -> bool:
    """Withdraw the partner's consent to `program`: the membership ends (the wallet and its
    entries stay; JOIN asks for consent again). False if they were not a member."""
    member = membership(session, partner.id, program.id)
    if member is None or member.status != MembershipStatus.ACTIVE:
        return False
    member.status = MembershipStatus.WITHDRAWN
    record(session, partner, program, ConsentAction.WITHDRAWN, channel=channel,
           message_id=message_id)
    return True


def memberships_to_leave(session: Session, partner_id: int, code: str | None) -> list[Program]:
    """The programs LEAVE [<code>] is about: the one named, or every active membership."""
    stmt = select(Program).join(Membership).where(
        Membership.partner_id == partner_id, Membership.status == MembershipStatus.ACTIVE)
    if code:
        stmt = stmt.where(Program.code == code.strip().upper())
    return list(session.scalars(stmt.order_by(Membership.id)))


def agreed_version(session: Session, partner_id: int, program_id: int) -> int:
    """The notice version the partner last agreed to (1 for members from before the log; 0
    after a withdrawal)."""
    last = session.scalar(select(Consent).where(
        Consent.partner_id == partner_id, Consent.program_id == program_id)
        .order_by(Consent.id.desc()).limit(1))
    return _agreed(last.notice_version if last else None, last.action if last else None)


def _agreed(version: int | None, action: str | None) -> int:
    if version is None:
        return 1
    return version if action == ConsentAction.GIVEN else 0


def _outdated(partner_id: ColumnElement[int]) -> Select[tuple[int]]:
    """The programs of `partner_id`'s active memberships whose notice version is above the
    one they last agreed to (`_agreed` in SQL)."""
    last = aliased(Consent)
    latest = (select(func.max(last.id)).where(last.partner_id == Membership.partner_id,
                                              last.program_id == Membership.program_id)
              .scalar_subquery())
    agreed = case((Consent.id.is_(None), 1), (Consent.action == ConsentAction.GIVEN,
                                              Consent.notice_version), else_=0)
    return (select(Membership.program_id)
            .join(Program, Program.id == Membership.program_id)
            .outerjoin(Consent, Consent.id == latest)
            .where(Membership.partner_id == partner_id,
                   Membership.status == MembershipStatus.ACTIVE, Program.notice_version > agreed))


# Every message asks: built once.
_OUTDATED_FIRST = _outdated(bindparam("partner_id")).order_by(Membership.id).limit(1)
# The same question as a column of a query that has the partner in it (the conversation's
# lock, models/messaging/conversation.py): no round trip of its own.
NOTICE_OUTDATED = exists(_outdated(Partner.id)).label("notice_outdated")


def outdated_notice(session: Session, partner_id: int) -> Program | None:
    """The first program the partner is an active member of whose notice changed since they
    agreed, or None."""
    program_id = session.scalar(_OUTDATED_FIRST, {"partner_id": partner_id})
    return session.get(Program, program_id) if program_id is not None else None


def log_of(session: Session, partner_id: int) -> list[Consent]:
    """The partner's consent log, oldest first."""
    return list(session.scalars(select(Consent).where(Consent.partner_id == partner_id)
                                .order_by(Consent.id)))
