"""Milestone campaigns: when a partner's credited scans or invoices (or the credits they earned
from them) in an IST week or month reach the campaign's target, the campaign pays its credits
once for that period: an entry of cause "bonus" naming the campaign, keyed by campaign, period
and partner, so a retried or duplicated earn never pays twice. Counted on each new earn."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import events, keys, ledger
from models.base import ist_day_start, ist_month_start, utcnow
from models.campaigns.bonus import CAUSE, LIVE
from models.campaigns.operations import spec_of
from models.campaigns.segments import audience
from models.campaigns.tables import Campaign
from models.ledger.tables import JournalEntry
from models.partners.partner import Partner
from models.programs.campaign_spec import Kind, MilestoneSpec

COUNTED = {"scans": ("qr_code",), "invoices": ("invoice",), "credits": ("qr_code", "invoice")}


def period_of(spec: MilestoneSpec, now: datetime) -> tuple[str, datetime]:
    """The period `now` falls in: its label and its start (Monday 00:00 IST, or the 1st)."""
    if spec.period == "month":
        start = ist_month_start(now)
        return f"m{start:%Y-%m}", start
    day = ist_day_start(now)
    start = day - timedelta(days=day.weekday())
    return f"w{start:%Y-%m-%d}", start


def progress(session: Session, spec: MilestoneSpec, partner_id: int, program_id: int,
             since: datetime) -> int:
    """Scans or invoices credited, or credits earned from them, since `since`."""
    measure = func.sum(JournalEntry.credits) if spec.counts == "credits" else func.count()
    return int(session.scalar(select(func.coalesce(measure, 0)).where(
        JournalEntry.partner_id == partner_id, JournalEntry.program_id == program_id,
        JournalEntry.cause.in_(COUNTED[spec.counts]), JournalEntry.credits > 0,
        JournalEntry.created_at >= since)) or 0)


def _live(session: Session, program_id: int) -> list[Campaign]:
    return list(session.scalars(select(Campaign).where(
        Campaign.program_id == program_id, Campaign.kind == Kind.MILESTONE,
        Campaign.status.in_(LIVE)).order_by(Campaign.id)))


def _paid(session: Session, key: str) -> bool:
    return session.scalar(select(JournalEntry.id).where(JournalEntry.key == key)) is not None


def pay_reached(session: Session, partner_id: int, program_id: int,
                now: datetime | None = None, live: list[Campaign] | None = None) -> list[int]:
    """Pay every milestone the partner reaches now and was not paid for this period (on each
    earn: models/campaigns/earned.py); returns the campaigns paid. `live`: the program's
    milestone campaigns, when read already."""
    now = now or utcnow()
    paid = []
    for campaign in _live(session, program_id) if live is None else live:
        spec = spec_of(campaign)
        target = spec.milestone
        if (target.starts and now < target.starts) or (target.ends and now >= target.ends):
            continue
        period, since = period_of(target, now)
        key = keys.milestone(campaign.id, period, partner_id)
        if _paid(session, key) or progress(session, target, partner_id, program_id,
                                           since) < target.target:
            continue
        if session.scalar(audience(spec.segment, program_id, now,
                                   Partner.id == partner_id)) is None:
            continue
        result = ledger.earn(session, partner_id=partner_id, program_id=program_id,
                             credits=target.credits, key=key, cause=CAUSE,
                             cause_ref=f"campaign:{campaign.id}",
                             description=f"milestone {campaign.code} {period}",
                             apply_tier_multiplier=False)
        if not result.queued_for_review:  # past the budget cap: told once approved (below)
            events.record(session, events.MilestoneReached(
                partner_id, program_id, campaign.id, period, result.credits,
                result.balance.balance))
        paid.append(campaign.id)
    return paid


def held(key: str) -> tuple[int, str] | None:
    """The campaign and period of a milestone's earn key (`keys.milestone`); None for the
    key of another earn."""
    kind, _, rest = key.partition(":")
    campaign_id, _, rest = rest.partition(":")
    period = rest.rpartition(":")[0]
    return (int(campaign_id), period) if kind == "milestone" and period else None


@events.handles(events.OverCapDecided)
def _budget_decided(session: Session, decided: events.OverCapDecided) -> None:
    """A milestone bonus the budget cap held back, approved: announced as reached (refused:
    bot/notices/held.py tells the partner)."""
    reached = held(decided.key) if decided.cause == CAUSE and decided.approved else None
    if reached is not None:
        campaign_id, period = reached
        events.record(session, events.MilestoneReached(
            decided.partner_id, session.get(Campaign, campaign_id).program_id, campaign_id,
            period, decided.credits, decided.balance))


@events.handles(events.EarnedMany)
def _earned_many(session: Session, earned: events.EarnedMany) -> None:
    """A sales file's chunk: the campaigns read once, each partner counted once."""
    if not set(earned.causes) & set(COUNTED["credits"]):
        return
    live = _live(session, earned.program_id)
    for partner_id in earned.partner_ids if live else ():
        pay_reached(session, partner_id, earned.program_id, live=live)
