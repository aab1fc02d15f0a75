"""A segment compiled to one SQL query: the ids of the program's partners it reaches."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Select, and_, exists, func, or_, select
from sqlalchemy.orm import aliased

from models.learning.certificates import Certificate, CertStatus
from models.ledger.tables import JournalEntry, Wallet
from models.messaging.conversation import Conversation
from models.partners.partner import Partner, PartnerStatus
from models.programs.campaign_spec import Segment
from models.programs.program import Membership

REACHABLE = (PartnerStatus.ACTIVE, PartnerStatus.INVITED)


def _earned_since(program_id: int, since: datetime):
    """An earn (credits in) of the partner in the program since `since`."""
    return exists().where(JournalEntry.partner_id == Partner.id,
                          JournalEntry.program_id == program_id, JournalEntry.credits > 0,
                          JournalEntry.created_at >= since)


def _certified(program_id: int, tracks: list[str]):
    return exists().where(Certificate.partner_id == Partner.id,
                          Certificate.program_id == program_id, Certificate.track.in_(tracks),
                          Certificate.status == CertStatus.VALID)


def _wallet(program_id: int, *conditions):
    return exists().where(Wallet.partner_id == Partner.id, Wallet.program_id == program_id,
                          *conditions)


def conditions(segment: Segment, program_id: int, now: datetime) -> list:
    """The WHERE conditions of `segment` on partners joined with their membership."""
    where: list = []
    if segment.role:
        where.append(Partner.role.in_(segment.role))
    if segment.language:
        where.append(Partner.language.in_(segment.language))
    if segment.region:
        where.append(func.lower(Partner.region).in_([r.lower() for r in segment.region]))
    if segment.pin_prefix:
        where.append(or_(*(Partner.pincode.startswith(p) for p in segment.pin_prefix)))
    if segment.distributor:
        parent = aliased(Partner)
        where.append(Partner.parent_id.in_(
            select(parent.id).where(parent.code.in_(segment.distributor))))
    if segment.channel:
        where.append(exists().where(Conversation.phone == Partner.phone,
                                    Conversation.channel.in_(segment.channel)))
    if segment.tier:
        where.append(_wallet(program_id, Wallet.tier.in_(segment.tier)))
    if segment.balance_min is not None:
        where.append(_wallet(program_id, Wallet.balance >= segment.balance_min))
    if segment.balance_max is not None:
        where.append(_wallet(program_id, Wallet.balance <= segment.balance_max))
    if segment.certified:
        where.append(_certified(program_id, segment.certified))
    if segment.not_certified:
        where.append(~_certified(program_id, segment.not_certified))
    if segment.active_days:
        where.append(_earned_since(program_id, now - timedelta(days=segment.active_days)))
    if segment.inactive_days:
        since = now - timedelta(days=segment.inactive_days)
        where.append(and_(~_earned_since(program_id, since), Membership.joined_at < since))
    if segment.enrolled_after:
        where.append(Membership.joined_at >= segment.enrolled_after)
    if segment.enrolled_before:
        where.append(Membership.joined_at < segment.enrolled_before)
    return where


def audience(segment: Segment, program_id: int, now: datetime, *extra) -> Select:
    """SELECT partners.id of the program's reachable members in `segment` (and `extra`)."""
    return (select(Partner.id)
            .join(Membership, and_(Membership.partner_id == Partner.id,
                                   Membership.program_id == program_id))
            .where(Partner.status.in_(REACHABLE), *conditions(segment, program_id, now), *extra))
