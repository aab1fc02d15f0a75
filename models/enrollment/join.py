"""Enrollment: a partner joins a program (self-service, or finishing a rep's invitation)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import events, ledger
from models.partners.partner import Partner, PartnerStatus, Role, lock_or_create
from models.programs.program import Membership, Program

PINCODE = re.compile(r"^[1-9][0-9]{5}$")
SELF_ROLES = (Role.RETAILER, Role.DEALER, Role.TECHNICIAN)  # roles a partner may pick


class Suspended(Exception):
    """A suspended partner cannot join programs until an admin lifts the suspension."""


class MembershipStatus(StrEnum):
    INVITED = "invited"  # a rep listed them; they have not consented yet
    ACTIVE = "active"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"  # consent withdrawn (LEAVE, STOP <code>): JOIN asks again


@dataclass(frozen=True)
class Profile:
    name: str
    shop: str
    pincode: str
    role: str = Role.RETAILER
    language: str | None = None
    gstin: str | None = None


def clean_pincode(text: str) -> str | None:
    """Return the 6-digit PIN code in `text` ("400 001" -> "400001"), or None if it is not one."""
    digits = re.sub(r"[\s-]", "", text)
    return digits if PINCODE.match(digits) else None


def distributor_by_code(session: Session, code: str) -> Partner | None:
    """Return the distributor whose short code (REF <code>) this is."""
    stmt = select(Partner).where(Partner.code == code.strip().upper(),
                                 Partner.role == Role.DISTRIBUTOR)
    return session.scalar(stmt)


def membership(session: Session, partner_id: int, program_id: int) -> Membership | None:
    stmt = select(Membership).where(Membership.partner_id == partner_id,
                                    Membership.program_id == program_id)
    return session.scalar(stmt)


def is_member(session: Session, partner_id: int, program_id: int) -> bool:
    """True if the partner is an active member of the program."""
    found = membership(session, partner_id, program_id)
    return found is not None and found.status == MembershipStatus.ACTIVE


def declined(session: Session, partner_id: int, program_id: int) -> bool:
    """True if the partner said no to the program's terms (and has not joined since)."""
    found = membership(session, partner_id, program_id)
    return found is not None and found.status == MembershipStatus.DECLINED


def pending_invitation(session: Session, partner_id: int) -> Program | None:
    """Return the program a rep invited this partner to, if they have not answered yet."""
    stmt = (select(Program).join(Membership, Membership.program_id == Program.id)
            .where(Membership.partner_id == partner_id,
                   Membership.status == MembershipStatus.INVITED)
            .order_by(Membership.id))
    return session.scalars(stmt).first()


def has_profile(partner: Partner | None) -> bool:
    """True if the partner's name, shop and PIN code are known (no need to ask again)."""
    return partner is not None and bool(partner.name and partner.shop and partner.pincode)


def join(session: Session, *, phone: str, program: Program, profile: Profile | None = None,
         referred_by: Partner | None = None) -> Membership:
    """Enroll `phone` in `program` with its consent: partner active, membership, wallet."""
    partner, _created = lock_or_create(session, phone)
    if partner.status == PartnerStatus.SUSPENDED:
        raise Suspended(phone[:-4] + "XXXX")
    if profile is not None:
        _apply(partner, profile)
    partner.status = PartnerStatus.ACTIVE
    if referred_by is not None and partner.parent_id is None and referred_by is not partner:
        partner.parent_id = referred_by.id
    session.flush()
    member = membership(session, partner.id, program.id)
    if member is None:
        member = Membership(partner_id=partner.id, program_id=program.id)
        session.add(member)
    if member.status != MembershipStatus.ACTIVE:
        events.record(session, events.PartnerJoined(partner.id, program.id))
    member.status = MembershipStatus.ACTIVE
    if member.referred_by_id is None:
        member.referred_by_id = referred_by.id if referred_by else partner.parent_id
    session.flush()
    ledger.ensure_wallet(session, partner.id, program.id)
    return member


def decline(session: Session, partner: Partner, program: Program) -> None:
    """Record that an invited partner said no to the program's terms."""
    found = membership(session, partner.id, program.id)
    if found is not None and found.status == MembershipStatus.INVITED:
        found.status = MembershipStatus.DECLINED
        session.flush()


def _apply(partner: Partner, profile: Profile) -> None:
    partner.name, partner.shop, partner.pincode = profile.name, profile.shop, profile.pincode
    if partner.role in SELF_ROLES or partner.id is None:
        partner.role = profile.role
    if profile.language:
        partner.language = profile.language
    if profile.gstin:
        partner.gstin = profile.gstin
