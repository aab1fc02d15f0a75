"""Leaderboards: partners of a program ranked by the credits they earned this month or in all,
within their PIN-code area (the whole PIN), district (its first three digits, the sorting
district) or state (its first two, the postal circle). Equal credits share a rank (1, 2, 2, 4),
listed in the order the partners registered; only active members who have not sent STOP are
ranked; a partner who hid their name is never shown to others but still learns their own rank
(and counts in everyone's)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.base import ist_month_start
from models.enrollment.join import MembershipStatus
from models.ledger.tables import JournalEntry
from models.ledger.tiers import EARN_CAUSES
from models.partners.partner import Partner, PartnerStatus
from models.programs.program import Membership

Area = Literal["pin", "district", "state"]
DIGITS = {"pin": 6, "district": 3, "state": 2}


@dataclass(frozen=True)
class Place:
    rank: int
    partner_id: int
    shown_as: str  # "Ramesh P., Pune"
    credits: int
    hidden: bool  # opted out of being shown


def masked(name: str | None, place: str | None) -> str:
    """"Ramesh Patil" in Pune -> "Ramesh P., Pune": first name, the last one's initial."""
    words = (name or "").split()
    shown = words[0] if words else "-"
    if len(words) > 1:
        shown += f" {words[-1][0]}."
    return f"{shown}, {place}" if place else shown


def ranking(session: Session, program_id: int, partner: Partner, area: Area,
            monthly: bool, now: datetime) -> list[Place]:
    """Everyone in `partner`'s area ranked (the partner too, even without an earn)."""
    prefix = (partner.pincode or "")[:DIGITS[area]]
    if len(prefix) < DIGITS[area]:
        return []
    earned = (select(JournalEntry.partner_id, func.sum(JournalEntry.credits).label("credits"))
              .where(JournalEntry.program_id == program_id, JournalEntry.credits > 0,
                     JournalEntry.cause.in_((*EARN_CAUSES, "bonus")))
              .group_by(JournalEntry.partner_id))
    if monthly:
        earned = earned.where(JournalEntry.created_at >= ist_month_start(now))
    earned = earned.subquery()
    rows = session.execute(
        select(Partner.id, Partner.name, Partner.region, Membership.hidden_from_boards,
               func.coalesce(earned.c.credits, 0))
        .join(Membership, (Membership.partner_id == Partner.id)
              & (Membership.program_id == program_id))
        .outerjoin(earned, earned.c.partner_id == Partner.id)
        .where(Partner.pincode.startswith(prefix),
               Partner.status.not_in((PartnerStatus.OPTED_OUT, PartnerStatus.ERASED)),
               (Membership.status == MembershipStatus.ACTIVE) | (Partner.id == partner.id))
        .order_by(func.coalesce(earned.c.credits, 0).desc(), Partner.id)).all()
    places, rank, last = [], 0, None
    for n, (pid, name, region, hidden, credits) in enumerate(rows, start=1):
        if credits != last:
            rank, last = n, credits
        places.append(Place(rank, pid, masked(name, region), int(credits), bool(hidden)))
    return places


def top(places: list[Place], count: int = 10) -> list[Place]:
    """The first `count` who may be shown (those who opted out are left out)."""
    return [p for p in places if not p.hidden][:count]


@dataclass(frozen=True)
class Board:
    """What a partner reads: the first ten shown, their own place and how many are ranked."""

    shown: list[Place]
    own: Place | None  # None: no PIN code on the partner's profile
    count: int


def board(session: Session, program_id: int, partner: Partner, area: Area, monthly: bool,
          now: datetime, count: int = 10) -> Board:
    places = ranking(session, program_id, partner, area, monthly, now)
    own = next((p for p in places if p.partner_id == partner.id), None)
    return Board(top(places, count), own, len(places))


def set_hidden(session: Session, partner_id: int, program_id: int, hidden: bool) -> None:
    """Leave the partner off (or put them back on) the program's boards shown to others."""
    membership = session.scalar(select(Membership).where(
        Membership.partner_id == partner_id, Membership.program_id == program_id))
    if membership is not None:
        membership.hidden_from_boards = hidden


def is_hidden(session: Session, partner_id: int, program_id: int) -> bool:
    return bool(session.scalar(select(Membership.hidden_from_boards).where(
        Membership.partner_id == partner_id, Membership.program_id == program_id)))
