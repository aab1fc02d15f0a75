"""Operator controls: each changes the domain through its own operations, needs a reason and
writes an audit row in the same transaction."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import keys, ledger, privacy
from models.admin import audit
from models.ledger.operations import LedgerError
from models.ledger.tables import JournalEntry
from models.partners.partner import Partner, PartnerStatus, set_status
from models.programs.program import Program, memberships_of

ACTOR_LENGTH = 80  # the ledger's actor column


class ControlError(ValueError):
    """The control cannot be applied as asked (the message says why, in English)."""


@dataclass(frozen=True)
class Actor:
    """Who acts: an admin account (web) or the command line."""

    name: str
    user_id: int | None = None
    brand: str | None = None
    ip: str | None = None

    @property
    def short(self) -> str:
        return self.name[:ACTOR_LENGTH]


def need_reason(reason: str) -> str:
    if not reason or not reason.strip():
        raise ControlError("a reason is required")
    return reason.strip()


def audit_change(session: Session, actor: Actor, action: str, target: str, reason: str,
                 before: dict, after: dict, *, programs: Iterable[int] = ()) -> None:
    """One audit row under the admin's brand; from the command line (no brand), one under
    the brand of each program the change touches, so each brand admin sees it."""
    brands = {actor.brand} if actor.brand else \
        {brand_of(session, p) for p in programs} or {None}
    for brand in sorted(brands, key=str):
        audit.record(session, actor=actor.name, action=action, target=target, reason=reason,
                     before=before, after=after, user_id=actor.user_id, brand=brand,
                     ip=actor.ip)


def brand_of(session: Session, program_id: int) -> str:
    program = session.get(Program, program_id)
    return program.spec.brand if program else ""


def suspend(session: Session, actor: Actor, partner: Partner, reason: str) -> None:
    """Suspend a partner: their earns and redemptions are refused until reinstated."""
    _set(session, actor, partner, PartnerStatus.SUSPENDED, "partner.suspend", reason)


def reinstate(session: Session, actor: Actor, partner: Partner, reason: str) -> None:
    if partner.status != PartnerStatus.SUSPENDED:
        raise ControlError("the partner is not suspended")
    _set(session, actor, partner, PartnerStatus.ACTIVE, "partner.reinstate", reason)


def erase(session: Session, actor: Actor, partner: Partner, reason: str) -> None:
    """Erase a partner's personal data on their request (models/privacy/erasure.py); they
    get a last SMS saying so."""
    if partner.status == PartnerStatus.ERASED:
        raise ControlError("the partner is already erased")
    try:
        privacy.erase(session, partner, actor=actor.name, reason=need_reason(reason),
                      by_partner=False, user_id=actor.user_id, brand=actor.brand, ip=actor.ip)
    except privacy.PayoutInProgress:
        raise ControlError("a payout is in progress; erase once it has finished") from None


def _set(session: Session, actor: Actor, partner: Partner, status: PartnerStatus,
         action: str, reason: str) -> None:
    reason = need_reason(reason)
    before = partner.status
    set_status(session, partner, status)
    audit_change(session, actor, action, f"partner:{partner.id}", reason, {"status": before},
                 {"status": str(status)},
                 programs=[m.program_id for m in memberships_of(session, partner.id)])


def adjust(session: Session, actor: Actor, partner: Partner, program_id: int, credits: int,
           reason: str, request_id: str) -> int:
    """Add (or remove) credits against the program's adjustment account; the entry id."""
    reason = need_reason(reason)
    key = keys.admin_adjustment(request_id)
    if (done := entry_with(session, key)) is not None:
        return done  # the same form sent again
    before = ledger.wallet_balance(session, partner.id, program_id).available
    try:
        entry_id = ledger.adjust(session, partner_id=partner.id, program_id=program_id,
                                 credits=credits, key=key, reason=reason, actor=actor.short)
    except LedgerError as exc:
        raise ControlError(str(exc)) from None
    after = ledger.wallet_balance(session, partner.id, program_id).available
    audit_change(session, actor, "wallet.adjust", f"partner:{partner.id}", reason,
                 {"available": before}, {"available": after, "entry": entry_id,
                                         "credits": credits}, programs=[program_id])
    return entry_id


def reverse(session: Session, actor: Actor, entry: JournalEntry, reason: str) -> int:
    """Undo an earn or adjustment with a compensating entry; the new entry's id."""
    reason = need_reason(reason)
    if (done := entry_with(session, keys.admin_reversal(entry.id))) is not None:
        return done
    try:
        new_id = ledger.reverse(session, key=keys.admin_reversal(entry.id),
                                original_key=entry.key, reason=reason, actor=actor.short)
    except LedgerError as exc:
        raise ControlError(str(exc)) from None
    audit_change(session, actor, "entry.reverse", f"entry:{entry.id}", reason,
                 {"credits": entry.credits}, {"reversal": new_id}, programs=[entry.program_id])
    return new_id


def entry_with(session: Session, key: str) -> int | None:
    return session.scalar(select(JournalEntry.id).where(JournalEntry.key == key))
