"""Referrals: each partner's own invite code; a new partner who joins a program with it is
linked to them once, and their first own earn (invoice, product code, certification) pays the
referrer the program's `referrals.bonus` once (ledger key `keys.referral_bonus`, cause
"referral", cause_ref "referral:<id>").

Fraud rules, checked when the bonus would be paid: the same partner or phone (refused when
linking), the same GSTIN, phone numbers sharing their first `phone_prefix_digits` digits
(refused or sent to review, as the program's `suspect` says), and more than `monthly_cap`
bonuses to one referrer in an IST month (refused)."""

from __future__ import annotations

import secrets
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import events, keys, ledger, review
from models.base import ist_month_start, utcnow
from models.campaigns.tables import InviteCode, Referral, ReferralStatus
from models.db import among
from models.ledger.internals import program_spec
from models.ledger.tables import JournalEntry
from models.ledger.tiers import OWN_EARNS
from models.partners.partner import Partner
from models.programs.campaign_spec import ReferralSpec
from models.programs.program import Membership, Program

REVIEW_KIND = "referral"
CAUSE = "referral"  # the ledger cause of a referrer's bonus (cause_ref "referral:<id>")
ALPHABET = "ACDEFGHJKLMNPRTUVWXY34679"  # no 0/O, 1/I, 2/Z, 5/S, 8/B look-alikes
CODE_LENGTH = 6


class Reason(StrEnum):
    """Why a referral's bonus was refused or held (stable: stored and worded to partners)."""

    SELF = "self_referral"  # the same partner or phone
    SAME_GSTIN = "same_gstin"
    PHONE_PREFIX = "phone_prefix"
    MONTHLY_CAP = "monthly_cap"
    BUDGET_CAP = "budget_cap"  # the program's monthly budget: held for its review


class Linked(StrEnum):
    """What joining with an invite code did."""

    LINKED = "linked"
    UNKNOWN = "unknown"  # no such code, or its partner is not in the program
    OWN = "own"  # the partner's own code (refused, recorded)
    ALREADY = "already"  # linked before, or earned in the program before (not new)
    OFF = "off"  # the program pays no referral bonus


def invite_code(session: Session, partner_id: int) -> str:
    """The partner's invite code, made the first time it is asked for."""
    code = session.scalar(select(InviteCode.code).where(InviteCode.partner_id == partner_id))
    if code is not None:
        return code
    while True:
        code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
        taken = session.scalar(select(InviteCode.partner_id).where(InviteCode.code == code)) \
            or session.scalar(select(Partner.id).where(Partner.code == code))
        if taken is None:
            break
    session.add(InviteCode(partner_id=partner_id, code=code))
    session.flush()
    return code


def owner_of(session: Session, code: str) -> Partner | None:
    """The partner whose invite code `code` is (any case), or None."""
    return session.scalar(select(Partner).join(InviteCode, InviteCode.partner_id == Partner.id)
                          .where(InviteCode.code == code.strip().upper()))


def link(session: Session, program: Program, referee: Partner, code: str) -> Linked:
    """Link `referee`, who has just joined `program`, to the owner of invite `code` (once)."""
    if program.spec.referrals is None:
        return Linked.OFF
    referrer = owner_of(session, code)
    if referrer is None or session.scalar(select(Membership.id).where(
            Membership.partner_id == referrer.id, Membership.program_id == program.id)) is None:
        return Linked.UNKNOWN
    if session.scalar(select(Referral.id).where(Referral.program_id == program.id,
                                                Referral.referee_id == referee.id)) is not None \
            or _has_own_earn(session, referee.id, program.id):
        return Linked.ALREADY
    own = referrer.id == referee.id or referrer.phone == referee.phone
    session.add(Referral(program_id=program.id, referrer_id=referrer.id, referee_id=referee.id,
                         status=ReferralStatus.REFUSED if own else ReferralStatus.LINKED,
                         reason=Reason.SELF if own else None,
                         decided_at=utcnow() if own else None))
    session.flush()
    return Linked.OWN if own else Linked.LINKED


def _has_own_earn(session: Session, partner_id: int, program_id: int) -> bool:
    return session.scalar(select(JournalEntry.id).where(
        JournalEntry.partner_id == partner_id, JournalEntry.program_id == program_id,
        JournalEntry.cause.in_(OWN_EARNS)).limit(1)) is not None


@events.handles(events.EarnedMany)
def _earned_many(session: Session, earned: events.EarnedMany) -> None:
    if set(earned.causes) & set(OWN_EARNS):
        first_earns(session, earned.program_id, set(earned.partner_ids))


def first_earns(session: Session, program_id: int, partner_ids: set[int]) -> None:
    """A referee's first own earn decides the referrer's bonus (a later earn, or the same
    earn told twice, finds the referral decided already); one query for a chunk of earns,
    whose causes may be mixed: a referee's own earn is checked in the ledger."""
    spec = program_spec(session, program_id).referrals
    if spec is None:
        return
    for referral in session.scalars(select(Referral).where(
            Referral.program_id == program_id,
            among(session, Referral.referee_id, partner_ids),
            Referral.status == ReferralStatus.LINKED).order_by(Referral.id).with_for_update()):
        if _has_own_earn(session, referral.referee_id, program_id):
            _decide(session, referral, spec)


def _decide(session: Session, referral: Referral, spec: ReferralSpec) -> None:
    reason = suspicion(session, referral, spec)
    if reason is None:
        _pay(session, referral, spec.bonus)
    elif reason == Reason.MONTHLY_CAP or spec.suspect == "refuse":
        _refuse(session, referral, reason)
    else:
        item = review.submit(session, kind=REVIEW_KIND, rule=reason, partner_id=referral
                             .referrer_id, program_id=referral.program_id,
                             reason=f"referral bonus held: {reason}",
                             payload={"referral_id": referral.id, "referee_id":
                                      referral.referee_id, "credits": spec.bonus})
        referral.status, referral.reason = ReferralStatus.REVIEW, reason
        referral.review_item_id, referral.decided_at = item.id, utcnow()
        events.record(session, events.ReferralDecided(referral.id))


def suspicion(session: Session, referral: Referral, spec: ReferralSpec) -> Reason | None:
    """The first fraud rule `referral` breaks, or None."""
    referrer = session.get(Partner, referral.referrer_id)
    referee = session.get(Partner, referral.referee_id)
    if referrer.phone == referee.phone:
        return Reason.SELF
    if referrer.gstin and referrer.gstin.upper() == (referee.gstin or "").upper():
        return Reason.SAME_GSTIN
    digits = spec.phone_prefix_digits
    if digits and _national(referrer.phone)[:digits] == _national(referee.phone)[:digits]:
        return Reason.PHONE_PREFIX
    if spec.monthly_cap and paid_this_month(session, referral.referrer_id) >= spec.monthly_cap:
        return Reason.MONTHLY_CAP
    return None


def _national(phone: str) -> str:
    """The number without its country code (Indian mobiles: the last ten digits)."""
    return "".join(ch for ch in phone if ch.isdigit())[-10:]


def paid_this_month(session: Session, referrer_id: int) -> int:
    return session.scalar(select(func.count()).select_from(Referral).where(
        Referral.referrer_id == referrer_id, Referral.status == ReferralStatus.PAID,
        Referral.decided_at >= ist_month_start(utcnow()))) or 0


def _pay(session: Session, referral: Referral, credits: int) -> None:
    referee = session.get(Partner, referral.referee_id)
    result = ledger.earn(session, partner_id=referral.referrer_id,
                         program_id=referral.program_id, credits=credits,
                         key=keys.referral_bonus(referral.id), cause=CAUSE,
                         cause_ref=f"{CAUSE}:{referral.id}",
                         description=f"invite bonus: partner {referee.id} joined",
                         apply_tier_multiplier=False)
    referral.credits, referral.decided_at = result.credits, utcnow()
    if result.queued_for_review:  # past the budget cap: decided by its review (below)
        referral.status, referral.reason = ReferralStatus.REVIEW, Reason.BUDGET_CAP
    else:
        referral.status = ReferralStatus.PAID
    events.record(session, events.ReferralDecided(referral.id))


def _refuse(session: Session, referral: Referral, reason: str) -> None:
    referral.status, referral.reason, referral.decided_at = \
        ReferralStatus.REFUSED, reason, utcnow()
    events.record(session, events.ReferralDecided(referral.id))


def _held(session: Session, item) -> Referral:
    referral = session.get(Referral, item.payload["referral_id"], with_for_update=True)
    if referral is None or referral.status != ReferralStatus.REVIEW:
        raise review.ReviewError(f"referral of item {item.id} is not waiting for review")
    return referral


def _approve(session: Session, item) -> None:
    referral = _held(session, item)
    _pay(session, referral, int(item.payload["credits"]))


def _reject(session: Session, item) -> None:
    referral = _held(session, item)
    _refuse(session, referral, referral.reason or "rejected")


review.register(REVIEW_KIND, approve=_approve, reject=_reject)


@events.handles(events.OverCapDecided)
def _budget_decided(session: Session, decided: events.OverCapDecided) -> None:
    """A bonus the budget cap held back: paid by the approved entry, or refused."""
    if decided.cause != CAUSE:
        return
    referral = session.get(Referral, int(decided.cause_ref.removeprefix(f"{CAUSE}:")),
                           with_for_update=True)
    if not decided.approved:
        _refuse(session, referral, Reason.BUDGET_CAP)
        return
    referral.status, referral.credits = ReferralStatus.PAID, decided.credits
    referral.decided_at = utcnow()
    events.record(session, events.ReferralDecided(referral.id))


def of_referrer(session: Session, referrer_id: int, program_id: int) -> dict[str, int]:
    """How the referrer's invitations in the program stand: status -> count."""
    return dict(session.execute(select(Referral.status, func.count()).where(
        Referral.referrer_id == referrer_id, Referral.program_id == program_id)
        .group_by(Referral.status)).all())
