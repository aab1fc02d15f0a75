"""On each earn: pay the milestones it reaches and decide a referral waiting for the
partner's first own earn (models/campaigns/milestones.py, referrals.py).

A product code or an invoice counts for both: the program's live milestone campaigns and
whether the partner has a referral still waiting are read in one statement, not one each
(every credited code asked both)."""

from __future__ import annotations

from sqlalchemy import and_, bindparam, literal, select
from sqlalchemy.orm import Session

from models import events
from models.campaigns import milestones, referrals
from models.campaigns.bonus import LIVE
from models.campaigns.tables import Campaign, Referral, ReferralStatus
from models.ledger.tiers import OWN_EARNS
from models.programs.campaign_spec import Kind


def _campaigns_and_referral():
    """Built once: one row (waiting, None) when there is no live milestone campaign."""
    waiting = select(Referral.id).where(
        Referral.program_id == bindparam("program_id"),
        Referral.referee_id == bindparam("partner_id"),
        Referral.status == ReferralStatus.LINKED).exists()
    one = select(literal(1).label("one")).subquery()
    return (select(waiting.label("waiting"), Campaign).select_from(one)
            .outerjoin(Campaign, and_(Campaign.program_id == bindparam("program_id"),
                                      Campaign.kind == Kind.MILESTONE,
                                      Campaign.status.in_(LIVE)))
            .order_by(Campaign.id))


_BOTH = _campaigns_and_referral()


@events.handles(events.Earned)
def _earned(session: Session, earned: events.Earned) -> None:
    counts = earned.cause in milestones.COUNTED["credits"]
    own = earned.cause in OWN_EARNS
    if counts and own:
        rows = session.execute(_BOTH, {"program_id": earned.program_id,
                                       "partner_id": earned.partner_id}).all()
        live = [campaign for _, campaign in rows if campaign is not None]
        milestones.pay_reached(session, earned.partner_id, earned.program_id, live=live)
        if rows[0].waiting:
            referrals.first_earns(session, earned.program_id, {earned.partner_id})
    elif counts:
        milestones.pay_reached(session, earned.partner_id, earned.program_id)
    elif own:
        referrals.first_earns(session, earned.program_id, {earned.partner_id})
