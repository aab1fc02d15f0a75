"""Distributors' API keys: `sk_<prefix>_<secret>`, 32 random bytes; only the SHA-256 of the
whole key is stored, so the key is shown once, when made. A revoked key stops at once."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.base import utcnow
from models.programs.program import Program
from models.sales.tables import SalesApiKey


class UnknownKey(LookupError):
    """No such key (to revoke)."""


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create(session: Session, program: Program, distributor: str) -> tuple[str, SalesApiKey]:
    """A new key for `distributor` of `program`: (the key, to show once; its row)."""
    prefix = secrets.token_hex(4)
    key = f"sk_{prefix}_{secrets.token_urlsafe(32)}"
    row = SalesApiKey(program_id=program.id, distributor=distributor, prefix=prefix,
                      digest=digest(key))
    session.add(row)
    session.flush()
    return key, row


def revoke(session: Session, prefix: str) -> SalesApiKey:
    row = session.scalar(select(SalesApiKey).where(SalesApiKey.prefix == prefix))
    if row is None:
        raise UnknownKey(f"no API key {prefix}")
    row.revoked_at = row.revoked_at or utcnow()
    return row


@dataclass(frozen=True)
class Caller:
    """Who a live key speaks for."""
    prefix: str
    program_code: str
    distributor: str
    gstin: str


def authenticate(session: Session, key: str) -> Caller | None:
    """Who `key` speaks for, or None (unknown, malformed or revoked)."""
    if not key.startswith("sk_") or len(key) > 100:
        return None
    row = session.scalar(select(SalesApiKey).where(SalesApiKey.digest == digest(key)))
    if row is None or row.revoked_at is not None:
        return None
    program = session.get(Program, row.program_id)
    found = next((d for d in program.spec.distributors if d.code == row.distributor), None)
    return Caller(row.prefix, program.code, row.distributor, found.gstin) if found else None
