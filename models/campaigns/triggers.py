"""Triggered campaigns: who a trigger picks now, from each partner's own dates and earns."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, exists, false, func, or_, select

from models.ledger.tables import JournalEntry
from models.ledger.tiers import EARN_CAUSES
from models.partners.partner import Partner
from models.programs.campaign_spec import Trigger, TriggerSpec
from models.programs.program import Membership, ProgramSpec


def _earned(program_id: int, since):
    return exists().where(JournalEntry.partner_id == Partner.id,
                          JournalEntry.program_id == program_id, JournalEntry.credits > 0,
                          JournalEntry.created_at >= since)


def condition(trigger: TriggerSpec, program_id: int, spec: ProgramSpec, now: datetime):
    """The SQL condition (on partners joined with their membership) of `trigger` at `now`."""
    cutoff = now - timedelta(days=trigger.days)
    if trigger.event == Trigger.NO_EARN_AFTER_ENROLLMENT:
        return and_(Membership.joined_at <= cutoff, ~_earned(program_id, Membership.joined_at))
    if trigger.event == Trigger.INACTIVE:
        return and_(Membership.joined_at <= cutoff, ~_earned(program_id, cutoff))
    return _near_next_tier(program_id, spec, trigger.credits, now)


def _near_next_tier(program_id: int, spec: ProgramSpec, within: int, now: datetime):
    """Credits earned in the tier window (as the tiers count them) fall short of some tier's
    threshold by 1..`within` (credit-based tiers only)."""
    if spec.tiers is None or spec.tiers.basis != "credits":
        return false()
    since = now - timedelta(days=spec.tiers.window_days)
    earned = (select(func.coalesce(func.sum(JournalEntry.credits), 0))
              .where(JournalEntry.partner_id == Partner.id,
                     JournalEntry.program_id == program_id, JournalEntry.credits > 0,
                     JournalEntry.cause.in_(EARN_CAUSES),
                     JournalEntry.created_at >= since).scalar_subquery())
    return or_(*(and_(earned >= level.threshold - within, earned < level.threshold)
                 for level in spec.tiers.levels if level.threshold > 0))
