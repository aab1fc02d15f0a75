"""Admin accounts: an email, an argon2 password hash, a role and the brand (and distributor)
whose data the account may see; wrong passwords lock the account for a while."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import ForeignKey, String, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import INPUT, Base, BigId, UTCDateTime, utcnow
from models.partners.partner import Partner
from models.programs.program import Program, by_code

MAX_FAILURES = 5  # wrong passwords in a row before the account locks
LOCK_FOR = timedelta(minutes=15)
INVITE_VALID = timedelta(days=3)
MIN_PASSWORD = 10
_hasher = PasswordHasher()


class AdminRole(StrEnum):
    BRAND_ADMIN = "brand-admin"
    DISTRIBUTOR_ADMIN = "distributor-admin"
    SUPPORT = "support"
    ANALYST = "analyst"


class AccountError(ValueError):
    """An account cannot be made or used as asked (the message says why, in English)."""


class AdminUser(Base):
    __tablename__ = "admin_users"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True, info=INPUT)
    password_hash: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(24))
    brand: Mapped[str] = mapped_column(String(120))  # the programs' `brand` this account sees
    distributor_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"))
    language: Mapped[str] = mapped_column(String(5), default="en")
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    invite_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    invite_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Changed at every login and logout: a cookie carrying an older one is logged out.
    session_token: Mapped[str | None] = mapped_column(String(32))
    totp_secret: Mapped[str | None] = mapped_column(String(64))  # set: a second factor is on


def normalize_email(email: str) -> str:
    cleaned = email.strip().lower()
    if "@" not in cleaned or len(cleaned) > 254 or not cleaned.isprintable() or " " in cleaned:
        raise AccountError(f"not an email address: {email!r}")
    return cleaned


def create(session: Session, *, email: str, role: str, program_code: str,
           distributor_code: str | None = None, password: str | None = None,
           language: str = "en") -> AdminUser:
    """Make an account seeing the brand of `program_code` (and one distributor's shops)."""
    email = normalize_email(email)
    if role not in set(AdminRole):
        raise AccountError(f"role must be one of: {', '.join(AdminRole)}")
    program = by_code(session, program_code)
    if program is None:
        raise AccountError(f"no program {program_code!r}")
    distributor = _distributor(session, role, distributor_code)
    if session.scalar(select(AdminUser.id).where(AdminUser.email == email)) is not None:
        raise AccountError(f"an account for {email} exists already")
    user = AdminUser(email=email, role=role, brand=program.spec.brand, language=language,
                     distributor_id=distributor.id if distributor else None)
    if password is not None:
        set_password(user, password)
    session.add(user)
    session.flush()
    return user


def _distributor(session: Session, role: str, code: str | None) -> Partner | None:
    if (role == AdminRole.DISTRIBUTOR_ADMIN) != bool(code):
        raise AccountError("--distributor is needed for a distributor-admin, and only there")
    if not code:
        return None
    found = session.scalar(select(Partner).where(Partner.code == code.strip().upper()))
    if found is None:
        raise AccountError(f"no distributor {code!r}")
    return found


def set_password(user: AdminUser, password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"a password needs at least {MIN_PASSWORD} characters")
    user.password_hash = _hasher.hash(password)


def authenticate(session: Session, email: str, password: str) -> AdminUser | None:
    """The account if the password is right and it is not locked; counts failures."""
    try:
        email = normalize_email(email)
    except AccountError:
        return None
    user = session.scalar(select(AdminUser).where(AdminUser.email == email).with_for_update())
    now = utcnow()
    if user is None or (user.locked_until is not None and user.locked_until > now):
        return None
    if not _verify(user.password_hash, password):
        user.failed_logins += 1
        if user.failed_logins >= MAX_FAILURES:
            user.locked_until, user.failed_logins = now + LOCK_FOR, 0
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    user.failed_logins, user.locked_until, user.last_login_at = 0, None, now
    user.session_token = secrets.token_hex(16)
    return user


def _verify(stored: str | None, password: str) -> bool:
    try:
        return stored is not None and _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def is_locked(session: Session, email: str) -> bool:
    user = session.scalar(select(AdminUser).where(AdminUser.email == email.strip().lower()))
    return bool(user and user.locked_until and user.locked_until > utcnow())


def invite(session: Session, user: AdminUser) -> str:
    """A one-time token for `user` to set a password (only its hash is kept)."""
    token = secrets.token_urlsafe(24)
    user.invite_hash = _digest(token)
    user.invite_expires_at = utcnow() + INVITE_VALID
    session.flush()
    return token


def accept_invite(session: Session, token: str, password: str) -> AdminUser:
    """Set the password of the invited account; the token then stops working."""
    user = session.scalar(select(AdminUser).where(AdminUser.invite_hash == _digest(token))
                          .with_for_update())
    if user is None or user.invite_expires_at is None or user.invite_expires_at < utcnow():
        raise AccountError("this invitation link is not valid any more")
    set_password(user, password)
    user.invite_hash = user.invite_expires_at = None
    return user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def end_sessions(session: Session, user_id: int) -> None:
    """Log the account out everywhere (its session token changes)."""
    user = session.get(AdminUser, user_id)
    if user is not None:
        user.session_token = secrets.token_hex(16)


def by_email(session: Session, email: str) -> AdminUser | None:
    return session.scalar(select(AdminUser).where(AdminUser.email == normalize_email(email)))


def by_id(session: Session, user_id: int) -> AdminUser | None:
    return session.get(AdminUser, user_id)


def count(session: Session) -> int:
    return session.scalar(select(func.count(AdminUser.id))) or 0


def brand_programs(session: Session, brand: str) -> list[Program]:
    """The programs of `brand` (a program's brand is in its definition); read once per unit
    of work, as every scope filter of a page asks for them."""
    cache = session.info.setdefault("brand_programs", {})
    if brand not in cache:
        cache[brand] = [p for p in session.scalars(select(Program).order_by(Program.code))
                        if p.spec.brand == brand]
    return cache[brand]
