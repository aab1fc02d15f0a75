"""One-time codes: 6 digits, stored as an HMAC, sent by SMS, valid 5 minutes, 3 tries.

Three wrong answers to one code, or five to any of the partner's codes within 30 minutes (so
asking for new codes does not buy more guesses), lock the partner out of that purpose for 30
minutes. A code is never logged; only the outbox row that carries the SMS holds it in clear.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import ForeignKey, Integer, String, func, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from models import events
from models.base import Base, BigId, UTCDateTime, utcnow
from models.partners.partner import Partner

VALID_FOR = timedelta(minutes=5)
LOCK_FOR = timedelta(minutes=30)
CODE_LENGTH = 6
MAX_TRIES = 3  # wrong answers to one code
MAX_WRONG_IN_WINDOW = 5  # wrong answers to any codes within LOCK_FOR


class OtpError(Exception):
    """The code cannot be accepted."""


class OtpLocked(OtpError):
    def __init__(self, until: datetime) -> None:
        self.until = until
        super().__init__(f"locked until {until.isoformat()}")


class OtpExpired(OtpError):
    """The code is older than 5 minutes or was replaced by a newer one."""


class OtpWrong(OtpError):
    def __init__(self, tries_left: int) -> None:
        self.tries_left = tries_left
        super().__init__(f"wrong code, {tries_left} tries left")


class OtpChallenge(Base):
    __tablename__ = "otp_challenges"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(20))
    ref: Mapped[str] = mapped_column(String(40))
    salt: Mapped[str] = mapped_column(String(32))
    code_hash: Mapped[str] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # used or replaced
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def _digest(salt: str, code: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"{salt}:{code}".encode(), hashlib.sha256).hexdigest()


def locked_until(session: Session, partner_id: int, purpose: str) -> datetime | None:
    """Return when the partner's lock for `purpose` ends, or None if not locked."""
    now = utcnow()
    stmt = select(OtpChallenge.locked_until).where(
        OtpChallenge.partner_id == partner_id, OtpChallenge.purpose == purpose,
        OtpChallenge.locked_until > now).order_by(OtpChallenge.locked_until.desc()).limit(1)
    return session.scalar(stmt)


def issue(session: Session, partner: Partner, *, purpose: str, ref: str) -> OtpChallenge:
    """Create a code for `ref` (replacing its open one) (the notices layer sends it by SMS)."""
    until = locked_until(session, partner.id, purpose)
    if until is not None:
        raise OtpLocked(until)
    now = utcnow()
    session.execute(update(OtpChallenge).where(
        OtpChallenge.partner_id == partner.id, OtpChallenge.purpose == purpose,
        OtpChallenge.ref == ref, OtpChallenge.closed_at.is_(None)).values(closed_at=now))
    code = f"{secrets.randbelow(10**CODE_LENGTH):0{CODE_LENGTH}d}"
    salt = secrets.token_hex(16)
    challenge = OtpChallenge(partner_id=partner.id, purpose=purpose, ref=ref, salt=salt,
                             code_hash=_digest(salt, code), expires_at=now + VALID_FOR)
    session.add(challenge)
    session.flush()
    events.record(session, events.OtpIssued(partner.id, challenge.id, code))
    return challenge


def verify(session: Session, partner_id: int, *, purpose: str, ref: str, code: str) -> None:
    """Accept `code` for `ref` or raise OtpWrong, OtpExpired or OtpLocked (after 3 misses)."""
    until = locked_until(session, partner_id, purpose)
    if until is not None:
        raise OtpLocked(until)
    challenge = session.scalar(
        select(OtpChallenge).where(OtpChallenge.partner_id == partner_id,
                                   OtpChallenge.purpose == purpose, OtpChallenge.ref == ref,
                                   OtpChallenge.closed_at.is_(None))
        .order_by(OtpChallenge.id.desc()).limit(1).with_for_update())
    now = utcnow()
    if challenge is None or challenge.expires_at <= now:
        raise OtpExpired()
    if hmac.compare_digest(challenge.code_hash, _digest(challenge.salt, code.strip())):
        challenge.closed_at = now
        session.flush()
        return
    challenge.attempts += 1
    session.flush()
    tries_left = min(MAX_TRIES - challenge.attempts,
                     MAX_WRONG_IN_WINDOW - _wrong_since(session, partner_id, purpose,
                                                        now - LOCK_FOR))
    if tries_left <= 0:
        challenge.locked_until, challenge.closed_at = now + LOCK_FOR, now
        session.flush()
        raise OtpLocked(challenge.locked_until)
    raise OtpWrong(tries_left)


def _wrong_since(session: Session, partner_id: int, purpose: str, since: datetime) -> int:
    """Wrong answers to the partner's codes for `purpose` issued since `since`."""
    return session.scalar(select(func.coalesce(func.sum(OtpChallenge.attempts), 0)).where(
        OtpChallenge.partner_id == partner_id, OtpChallenge.purpose == purpose,
        OtpChallenge.created_at > since)) or 0
