"""Certificates: issue on a passed quiz (once per track and version), velocity review, field
audit, credits through the ledger, and re-certification marks when modules are bumped."""

from __future__ import annotations

import logging
import re
import secrets
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from models import events, keys, ledger, review
from models.base import Base, BigId, Json, UTCDateTime, utcnow
from models.learning.progress import content_of
from models.partners.partner import Partner, Role
from models.programs.earning import certification_credits
from models.programs.program import Program
from models.programs.tracks import Track

log = logging.getLogger("saathi.learning")
VELOCITY_KIND = "certification_velocity"
CAUSE = "certification"  # the ledger cause of a certificate's credits (cause_ref: its ID)
VELOCITY_WINDOW = timedelta(hours=2)
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_PUBLIC_ID = re.compile(f"[{_ALPHABET}]{{10}}")


class CertStatus(StrEnum):
    PENDING_REVIEW = "pending_review"  # velocity flag: waits in the review queue
    PENDING_AUDIT = "pending_audit"  # waits for a rep's AUDIT APPROVE
    VALID = "valid"
    REJECTED = "rejected"
    REVOKED = "revoked"


class Certificate(Base):
    __tablename__ = "certificates"
    __table_args__ = (UniqueConstraint("partner_id", "program_id", "track", "version"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    public_id: Mapped[str] = mapped_column(String(16), unique=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), index=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"))
    track: Mapped[str] = mapped_column(String(30))
    version: Mapped[int] = mapped_column(Integer)
    module_versions: Mapped[dict] = mapped_column(Json, default=dict)
    attempt_id: Mapped[int | None] = mapped_column(ForeignKey("quiz_attempts.id"))
    status: Mapped[str] = mapped_column(String(16), default=CertStatus.VALID)
    credits: Mapped[int] = mapped_column(Integer, default=0)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    granted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outdated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # needs re-certification
    nudged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


def by_public_id(session: Session, public_id: str) -> Certificate | None:
    """Return the certificate with this ID (any case), or None: also for text not shaped like
    an ID, which is never sent to the database (a NUL byte there is an error, not a miss)."""
    wanted = public_id.strip().upper()
    if not _PUBLIC_ID.fullmatch(wanted):
        return None
    return session.scalar(select(Certificate).where(Certificate.public_id == wanted))


def is_outdated(session: Session, cert: Certificate) -> bool:
    """True once any of the certificate's modules has a newer version in the program."""
    if cert.outdated_at is not None:
        return True
    content = content_of(session.get(Program, cert.program_id))
    track = content.track(cert.track)
    return track is not None and any(
        cert.module_versions.get(mid, 0) < v for mid, v in content.versions_of(track).items())


def issue(session: Session, partner: Partner, program: Program, track: Track,
          attempt_id: int | None) -> Certificate:
    """Issue the certificate for a passed quiz; grant it now unless review or audit must wait."""
    content = content_of(program)
    version = content.version_of(track)
    mine = select(Certificate).where(
        Certificate.partner_id == partner.id, Certificate.program_id == program.id,
        Certificate.track == track.code, Certificate.version == version)
    if (existing := session.scalar(mine)) is not None:
        return existing
    now = utcnow()
    cert = Certificate(public_id="".join(secrets.choice(_ALPHABET) for _ in range(10)),
                       partner_id=partner.id, program_id=program.id, track=track.code,
                       version=version, module_versions=content.versions_of(track),
                       attempt_id=attempt_id, issued_at=now)
    try:
        with session.begin_nested():
            session.add(cert)
    except IntegrityError:  # the same pass arrived at once on another channel: it won
        return session.scalars(mine).one()
    recent = session.scalar(select(func.count()).select_from(Certificate).where(
        Certificate.partner_id == partner.id, Certificate.issued_at > now - VELOCITY_WINDOW))
    if recent > content.rules.velocity_max_certifications:
        cert.status = CertStatus.PENDING_REVIEW
        review.submit(session, kind=VELOCITY_KIND, partner_id=partner.id, program_id=program.id,
                      reason=f"{recent} certifications in 2 hours",
                      payload={"certificate_id": cert.id})
        log.warning("certification velocity flag", extra={"partner_id": partner.id,
                                                          "count": recent})
    elif track.field_audit:
        cert.status = CertStatus.PENDING_AUDIT
    else:
        grant(session, cert)
    return cert


def credits_for(session: Session, cert: Certificate) -> int:
    """Credits this certificate earns before the tier multiplier (re-certification: a share)."""
    program = session.get(Program, cert.program_id)
    content, spec = content_of(program), program.spec
    track = content.track(cert.track)
    base = track.credits if track and track.credits else certification_credits(spec, cert.track)
    earlier = session.scalar(select(func.count()).select_from(Certificate).where(
        Certificate.partner_id == cert.partner_id, Certificate.program_id == cert.program_id,
        Certificate.track == cert.track, Certificate.version < cert.version,
        Certificate.status == CertStatus.VALID))
    if earlier:
        return base * content.rules.recert_credit_percent // 100
    return base


def _key(cert: Certificate) -> str:
    return keys.certification(cert.partner_id, cert.program_id, cert.track, cert.version)


def grant(session: Session, cert: Certificate, *, announce: bool = False) -> Certificate:
    """Make the certificate valid and pay its credits (the ledger key makes this once only).
    Credits past the budget cap wait for its review (`credits_waiting`), not counted on the
    certificate until approved (`_budget_decided`).

    `announce` when the partner is not in the chat that earned it (approved after a review or
    an audit): the notices layer then sends the certificate on its own."""
    credits = credits_for(session, cert)
    if credits > 0:
        result = ledger.earn(
            session, partner_id=cert.partner_id, program_id=cert.program_id, credits=credits,
            key=_key(cert), cause=CAUSE, cause_ref=cert.public_id,
            description=f"{cert.track} certification v{cert.version}",
            apply_tier_multiplier=True)
        cert.credits = 0 if result.queued_for_review else result.credits
    cert.status, cert.granted_at = CertStatus.VALID, utcnow()
    session.flush()
    events.record(session, events.CertificateGranted(cert.id, announce=announce))
    return cert


def credits_waiting(session: Session, cert: Certificate) -> int:
    """The certificate's credits that wait for the budget cap's review (0: none wait)."""
    return ledger.held_credits(session, _key(cert))


@events.handles(events.OverCapDecided)
def _budget_decided(session: Session, decided: events.OverCapDecided) -> None:
    """Credits the budget cap held back from a certificate: counted on it once approved (the
    certificate stays valid either way; the partner is told by bot/notices/held.py)."""
    if decided.cause == CAUSE and decided.approved:
        cert = by_public_id(session, decided.cause_ref)
        if cert is not None:
            cert.credits = decided.credits


def audit_approve(session: Session, actor: Partner, public_id: str) -> Certificate | None:
    """Grant a certificate waiting for a field audit; None if the actor may not, or none waits."""
    cert = by_public_id(session, public_id)
    if cert is None or cert.status != CertStatus.PENDING_AUDIT:
        return None
    if actor.role == Role.DISTRIBUTOR_REP:
        partner = session.get(Partner, cert.partner_id)
        if partner.parent_id is not None and partner.parent_id != actor.parent_id:
            return None
    elif actor.role != Role.ADMIN:
        return None
    log.info("field audit approved", extra={"certificate": cert.public_id, "actor": actor.id})
    return grant(session, cert, announce=True)


def revoke(session: Session, public_id: str) -> Certificate | None:
    """Revoke a certificate (the verify page says so from now on); None if there is none."""
    cert = by_public_id(session, public_id)
    if cert is not None:
        cert.status = CertStatus.REVOKED
        log.warning("certificate revoked", extra={"certificate": cert.public_id})
    return cert


def _approve_velocity(session: Session, item: review.ReviewItem) -> None:
    cert = session.get(Certificate, item.payload["certificate_id"])
    if cert is None or cert.status != CertStatus.PENDING_REVIEW:
        return
    program = session.get(Program, cert.program_id)
    track = content_of(program).track(cert.track)
    if track is not None and track.field_audit:
        cert.status = CertStatus.PENDING_AUDIT
        return
    grant(session, cert, announce=True)


def _reject_velocity(session: Session, item: review.ReviewItem) -> None:
    cert = session.get(Certificate, item.payload["certificate_id"])
    if cert is not None and cert.status == CertStatus.PENDING_REVIEW:
        cert.status = CertStatus.REJECTED


review.register(VELOCITY_KIND, approve=_approve_velocity, reject=_reject_velocity)


def mark_outdated(session: Session, program: Program) -> list[Certificate]:
    """Mark valid certificates made on older module versions; return the newly marked ones."""
    marked = []
    for cert in session.scalars(select(Certificate).where(
            Certificate.program_id == program.id, Certificate.status == CertStatus.VALID,
            Certificate.outdated_at.is_(None)).order_by(Certificate.id)):
        if is_outdated(session, cert):
            cert.outdated_at = utcnow()
            marked.append(cert)
    return marked
