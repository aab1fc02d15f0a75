"""Tiers: computed from credits earned or purchase volume in a rolling window, never from the
balance (so redeeming demotes nobody); applied as a multiplier at earn time; recomputed by a
job, with freeze periods, a minimum hold after promotion and a grace period before demotion.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_DOWN, Decimal

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session

from models import events
from models.base import utcnow
from models.events import TierChanged
from models.ledger.internals import E, W, program_spec
from models.ledger.tier_history import TierChange
from models.programs.program import Program, ProgramSpec
from models.programs.schema import Tier

log = logging.getLogger("saathi.tiers")
EARN_CAUSES = ("certification", "invoice", "qr_code", "reversal")
OWN_EARNS = ("certification", "invoice", "qr_code")  # what a partner earned by their own doing


@dataclass(frozen=True)
class TierInfo:
    name: str | None  # None: below the first tier
    multiplier: Decimal
    next_name: str | None
    distance: int  # in the tier unit (credits, paise, cases) to the next tier; 0 at the top
    metric: int  # what the partner has in the window
    unit: str


def _level(spec: ProgramSpec, name: str | None) -> Tier | None:
    if spec.tiers is None:
        return None
    if name is None:
        return next((t for t in spec.tiers.levels if t.threshold == 0), None)
    return spec.tier(name)


def multiply(spec: ProgramSpec, tier_name: str | None, credits: int) -> int:
    """Apply the tier's multiplier to `credits`, rounding down."""
    level = _level(spec, tier_name)
    if level is None:
        return credits
    return int((Decimal(credits) * level.factor).to_integral_value(ROUND_DOWN))


def _metric_column(spec: ProgramSpec):
    return E.c.volume if spec.tiers and spec.tiers.basis == "volume" else E.c.credits


def _metric_statement(column):
    return select(func.coalesce(func.sum(column), 0)).where(
        E.c.program_id == bindparam("program_id"), E.c.partner_id == bindparam("partner_id"),
        E.c.created_at >= bindparam("since"), E.c.cause.in_(EARN_CAUSES))


# Built once (the balance screen asks both): building one cost about what running it does.
_METRIC = {column.name: _metric_statement(column) for column in (E.c.volume, E.c.credits)}
_TIER = select(W.c.tier).where(W.c.partner_id == bindparam("partner_id"),
                               W.c.program_id == bindparam("program_id"))


def metric(session: Session, spec: ProgramSpec, partner_id: int, program_id: int,
           now: datetime | None = None) -> int:
    """Return the partner's credits earned (or volume bought) within the tier window."""
    if spec.tiers is None:
        return 0
    since = (now or utcnow()) - timedelta(days=spec.tiers.window_days)
    return int(session.scalar(_METRIC[_metric_column(spec).name], {
        "program_id": program_id, "partner_id": partner_id, "since": since}))


def earned_level(spec: ProgramSpec, value: int) -> Tier | None:
    assert spec.tiers is not None
    reached = [t for t in spec.tiers.levels if t.threshold <= value]
    return reached[-1] if reached else None


def current_tier(session: Session, partner_id: int, program_id: int) -> TierInfo:
    """Return the partner's tier in the program, its multiplier and the distance to the next."""
    spec = program_spec(session, program_id)
    name = session.scalar(_TIER, {"partner_id": partner_id, "program_id": program_id})
    level = _level(spec, name)
    if spec.tiers is None:
        return TierInfo(None, Decimal(1), None, 0, 0, "credits")
    value = metric(session, spec, partner_id, program_id)
    rank = spec.tiers.levels.index(level) if level else -1
    following = spec.tiers.levels[rank + 1] if rank + 1 < len(spec.tiers.levels) else None
    return TierInfo(level.name if level else None, level.factor if level else Decimal(1),
                    following.name if following else None,
                    max(0, following.threshold - value) if following else 0, value,
                    spec.tiers.unit)


def _frozen(spec: ProgramSpec, since: datetime | None, now: datetime) -> bool:
    assert spec.tiers is not None
    if since and now < since + timedelta(days=spec.tiers.hold_days):
        return True
    return any(p.start <= now.date() <= p.end for p in spec.tiers.freeze_periods)


def decide(spec: ProgramSpec, wallet, value: int, now: datetime) -> dict | None:
    """Return the wallet's new tier fields, or None when nothing changes."""
    assert spec.tiers is not None
    levels = spec.tiers.levels
    current = _level(spec, wallet.tier)
    reached = earned_level(spec, value)
    have = levels.index(current) if current else -1
    want = levels.index(reached) if reached else -1
    if want > have or (wallet.tier is None and reached is not None):
        return {"tier": reached.name, "tier_since": now, "below_since": None}
    if want == have:
        return {"below_since": None} if wallet.below_since else None
    below = wallet.below_since or now
    grace_over = now - below >= timedelta(days=spec.tiers.demotion_grace_days)
    if grace_over and not _frozen(spec, wallet.tier_since, now):
        return {"tier": reached.name if reached else None, "tier_since": now,
                "below_since": None}
    return None if wallet.below_since else {"below_since": below}


def recompute(session: Session, program_id: int | None = None,
              now: datetime | None = None) -> list[tuple[int, str | None, str | None]]:
    """Recompute every wallet's tier; return [(partner_id, old, new)] for the changes."""
    now = now or utcnow()
    programs = session.scalars(select(Program.id) if program_id is None
                               else select(Program.id).where(Program.id == program_id)).all()
    changes = []
    for pid in programs:
        spec = program_spec(session, pid)
        if spec.tiers is None:
            continue
        since = now - timedelta(days=spec.tiers.window_days)
        values = dict(session.execute(
            select(E.c.partner_id, func.sum(_metric_column(spec)))
            .where(E.c.program_id == pid, E.c.created_at >= since, E.c.cause.in_(EARN_CAUSES))
            .group_by(E.c.partner_id)).all())
        for wallet in session.execute(select(W).where(W.c.program_id == pid).order_by(W.c.id)):
            fields = decide(spec, wallet, int(values.get(wallet.partner_id) or 0), now)
            if not fields:
                continue
            session.execute(update(W).where(W.c.id == wallet.id).values(**fields))
            if "tier" in fields and _rank(spec, fields["tier"]) != _rank(spec, wallet.tier):
                changes.append((wallet.partner_id, wallet.tier, fields["tier"]))
                up = _rank(spec, fields["tier"]) > _rank(spec, wallet.tier)
                session.add(TierChange(partner_id=wallet.partner_id, program_id=pid,
                                       old=wallet.tier, new=fields["tier"], changed_at=now))
                events.record(session, TierChanged(wallet.partner_id, pid, wallet.id,
                                                   wallet.tier, fields["tier"], up, now.date()))
    return changes


def _rank(spec: ProgramSpec, name: str | None) -> int:
    level = _level(spec, name)
    return spec.tiers.levels.index(level) if spec.tiers and level else -1
