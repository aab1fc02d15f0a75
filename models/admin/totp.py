"""An optional second factor for admin accounts: a TOTP code (RFC 6238) from an
authenticator app, asked after the password. Wrong codes count as failed logins (the same
lock-out); `flask users reset-totp` turns it off for an account that lost its phone."""

from __future__ import annotations

import pyotp
from sqlalchemy.orm import Session

from models.admin.users import LOCK_FOR, MAX_FAILURES, AccountError, AdminUser
from models.base import utcnow

ISSUER = "Saathi"


def new_secret() -> str:
    return pyotp.random_base32()


def uri(user: AdminUser, secret: str) -> str:
    """What the QR code holds for the authenticator app."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def _right(secret: str, code: str) -> bool:
    code = code.strip().replace(" ", "")
    return code.isdigit() and len(code) == 6 and pyotp.TOTP(secret).verify(code, valid_window=1)


def enable(user: AdminUser, secret: str, code: str) -> None:
    """Turn the second factor on once the app shows a right code for `secret`."""
    if not _right(secret, code):
        raise AccountError("the code does not match; scan the QR code again")
    user.totp_secret = secret


def check(session: Session, user: AdminUser, code: str) -> bool:
    """Whether the code is right now; a wrong one counts towards the lock-out."""
    if user.locked_until is not None and user.locked_until > utcnow():
        return False
    if user.totp_secret and _right(user.totp_secret, code):
        user.failed_logins = 0
        return True
    user.failed_logins += 1
    if user.failed_logins >= MAX_FAILURES:
        user.locked_until, user.failed_logins = utcnow() + LOCK_FOR, 0
    session.flush()
    return False


def reset(user: AdminUser) -> bool:
    """Turn the second factor off; whether it was on."""
    was_on = user.totp_secret is not None
    user.totp_secret = None
    return was_on
