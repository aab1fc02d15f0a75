"""Campaign operations: create, build a round's audience, claim deliveries, cancel, count."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from croniter import croniter
from sqlalchemy import Row, case, insert, literal, or_, select, update
from sqlalchemy.orm import Session

from models.base import UTCDateTime, utcnow
from models.campaigns.optouts import not_unsubscribed
from models.campaigns.segments import audience
from models.campaigns.tables import Campaign, CampaignStatus, Delivery, DeliveryStatus
from models.campaigns.triggers import condition
from models.messaging.outbox import OutboxMessage, OutboxStatus
from models.partners.partner import Partner
from models.programs.campaign_spec import CampaignSpec, Kind
from models.programs.program import Program

# Knuth's multiplicative hash: a partner's A/B group is fixed per campaign, spread evenly.
_SPREAD = 2654435761
TRIGGER_EVERY = timedelta(hours=1)


class CampaignError(Exception):
    """A campaign operation that cannot be done as asked."""


def spec_of(campaign: Campaign) -> CampaignSpec:
    return CampaignSpec.model_validate(campaign.spec)


def find(session: Session, program: Program, code: str) -> Campaign | None:
    return session.scalar(select(Campaign).where(Campaign.program_id == program.id,
                                                 Campaign.code == code.upper()))


def save(session: Session, program: Program, spec: CampaignSpec) -> Campaign:
    """Create the campaign `spec.code`, or change it while no round has been sent."""
    campaign = find(session, program, spec.code)
    if campaign is None:
        campaign = Campaign(program_id=program.id, code=spec.code, kind=spec.kind,
                            spec=spec.model_dump(mode="json", exclude_none=True))
        session.add(campaign)
    elif campaign.spec != spec.model_dump(mode="json", exclude_none=True):
        if campaign.status == CampaignStatus.RUNNING or _has_deliveries(session, campaign):
            raise CampaignError(f"{spec.code} has been sent; make a new campaign instead")
        campaign.kind, campaign.spec = spec.kind, spec.model_dump(mode="json", exclude_none=True)
    campaign.updated_at = utcnow()
    session.flush()
    return campaign


def _has_deliveries(session: Session, campaign: Campaign) -> bool:
    return session.scalar(select(Delivery.id).where(Delivery.campaign_id == campaign.id)
                          .limit(1)) is not None


def schedule(session: Session, campaign: Campaign, at: datetime | None) -> None:
    """Send at `at` (when None: a recurring campaign at its next cron time, others now); a
    cancelled campaign stays cancelled, a running one runs on."""
    if campaign.status == CampaignStatus.CANCELLED:
        raise CampaignError(f"{campaign.code} is cancelled")
    if campaign.status == CampaignStatus.RUNNING:
        return
    now = utcnow()
    spec = spec_of(campaign)
    campaign.status = CampaignStatus.SCHEDULED
    campaign.next_run_at = at or (next_run(spec, now) if spec.kind == Kind.RECURRING else now)
    campaign.updated_at = now


def cancel(session: Session, campaign: Campaign) -> int:
    """Stop the campaign: its messages not yet handed to the provider never will be (running
    senders check every few sends); returns the deliveries that will now never be written."""
    campaign.status = CampaignStatus.CANCELLED
    campaign.next_run_at = None
    campaign.updated_at = utcnow()
    written = select(Delivery.outbox_id).where(Delivery.campaign_id == campaign.id,
                                               Delivery.outbox_id.is_not(None))
    session.execute(update(OutboxMessage).where(  # refused: never sent by retry-refused
        OutboxMessage.id.in_(written),
        OutboxMessage.status.in_((OutboxStatus.QUEUED, OutboxStatus.REFUSED)))
        .values(status=OutboxStatus.FAILED, error="campaign cancelled", updated_at=utcnow()))
    return session.execute(update(Delivery).where(
        Delivery.campaign_id == campaign.id, Delivery.status == DeliveryStatus.PENDING)
        .values(status=DeliveryStatus.CANCELLED)).rowcount


def due(session: Session, stale: timedelta, now: datetime | None = None) -> list[int]:
    """Scheduled campaigns whose time has come, and running ones whose sender has not been
    heard of for `stale` (its worker died: the round is resumed)."""
    now = now or utcnow()
    return list(session.scalars(select(Campaign.id).where(
        ((Campaign.status == CampaignStatus.SCHEDULED) & (Campaign.next_run_at <= now))
        | ((Campaign.status == CampaignStatus.RUNNING) & (Campaign.updated_at < now - stale)))
        .order_by(Campaign.id)))


def next_run(spec: CampaignSpec, now: datetime) -> datetime | None:
    """When the campaign runs next after `now`: a recurring one at its cron time (UTC), a
    triggered one every TRIGGER_EVERY, a broadcast never again."""
    if spec.kind == Kind.RECURRING:
        return croniter(spec.cron, now.astimezone(UTC)).get_next(datetime)
    if spec.kind == Kind.TRIGGERED:
        return now + TRIGGER_EVERY
    return None


def start(session: Session, campaign: Campaign, now: datetime | None = None) -> bool:
    """Begin the campaign's due round (its audience built once; a triggered campaign's anew
    each run). False when it is not due or quiet hours hold it (then it waits for them)."""
    now = now or utcnow()
    spec = spec_of(campaign)
    if campaign.status not in (CampaignStatus.SCHEDULED, CampaignStatus.RUNNING):
        return False
    if campaign.status == CampaignStatus.SCHEDULED and campaign.next_run_at > now:
        return False
    held = None if spec.urgent else session.get(Program, campaign.program_id).spec.quiet() \
        .release(now)
    if held is not None:
        campaign.status, campaign.next_run_at = CampaignStatus.SCHEDULED, held
        return False
    if spec.kind == Kind.TRIGGERED or not _has_round(session, campaign):
        build_round(session, campaign, now)
    campaign.status, campaign.updated_at = CampaignStatus.RUNNING, now
    return True


def _has_round(session: Session, campaign: Campaign) -> bool:
    return session.scalar(select(Delivery.id).where(
        Delivery.campaign_id == campaign.id, Delivery.round == campaign.round).limit(1)) \
        is not None


def build_round(session: Session, campaign: Campaign, now: datetime | None = None) -> int:
    """Add the segment's partners to the current round's deliveries (those already in it
    stay as they are) in one INSERT ... SELECT; the holdout share goes to CONTROL. Returns the
    rows added. Triggered campaigns add only partners their trigger picks who never had it."""
    now = now or utcnow()
    spec = spec_of(campaign)
    extra = [~select(Delivery.id).where(Delivery.campaign_id == campaign.id,
                                        Delivery.round == campaign.round,
                                        Delivery.partner_id == Partner.id).exists(),
             not_unsubscribed(campaign.id, Partner.id)]
    if spec.trigger is not None:
        program = session.get(Program, campaign.program_id)
        extra.append(condition(spec.trigger, program.id, program.spec, now))
    chosen = audience(spec.segment, campaign.program_id, now, *extra).subquery()
    bucket = (chosen.c.id * _SPREAD + campaign.id) % 100
    group = case((bucket < spec.holdout_percent, literal(DeliveryStatus.CONTROL.value)),
                 else_=literal(DeliveryStatus.PENDING.value))
    rows = select(literal(campaign.id), literal(campaign.round), chosen.c.id, group,
                  literal(now, UTCDateTime))
    result = session.execute(insert(Delivery).from_select(
        ["campaign_id", "round", "partner_id", "status", "created_at"], rows))
    return result.rowcount


# A claimed delivery: its id and partner_id (a row, not an object: the batch writes the
# deliveries' outcomes in one UPDATE, not through the session).
Claimed = Row[tuple[int, int]]


def claim(session: Session, campaign: Campaign, limit: int) -> list[Claimed]:
    """Lock up to `limit` pending deliveries of the current round that no other sender holds
    (PostgreSQL: SKIP LOCKED); they stay locked until the caller commits."""
    stmt = (select(Delivery.id, Delivery.partner_id).where(
        Delivery.campaign_id == campaign.id, Delivery.round == campaign.round,
        Delivery.status == DeliveryStatus.PENDING)
            .order_by(Delivery.id).limit(limit).with_for_update(skip_locked=True))
    return list(session.execute(stmt))


def finish_round(session: Session, campaign: Campaign, now: datetime | None = None) -> bool:
    """Close the round when nothing is pending or written but unsent: a broadcast is done, a
    recurring or triggered campaign waits for its next run (a new round for a recurring one).
    """
    now = now or utcnow()
    pending = session.scalar(select(Delivery.id).where(
        Delivery.campaign_id == campaign.id, Delivery.round == campaign.round,
        Delivery.status == DeliveryStatus.PENDING).limit(1))
    if pending is not None or campaign.status != CampaignStatus.RUNNING:
        return False
    if unsent(session, campaign, now):  # another run sends them, or a resume will
        return False
    if campaign.kind in (Kind.BROADCAST, Kind.BONUS, Kind.MILESTONE):  # runs on after it is
        # announced: a bonus on invoices, a milestone on scans and invoices
        campaign.status, campaign.next_run_at = CampaignStatus.DONE, None
    else:
        campaign.status = CampaignStatus.SCHEDULED
        campaign.next_run_at = next_run(spec_of(campaign), now)
        if campaign.kind == Kind.RECURRING:
            campaign.round += 1
    campaign.updated_at = utcnow()
    return True


def status_of(session: Session, campaign_id: int) -> str | None:
    """The campaign's status as committed now (a sender polls it to notice a cancel)."""
    return session.scalar(select(Campaign.status).where(Campaign.id == campaign_id)
                          .execution_options(populate_existing=True))


def unsent(session: Session, campaign: Campaign, now: datetime | None = None) -> list[int]:
    """Outbox rows of the round written but still queued (a run died before sending them),
    not held by quiet hours."""
    now = now or utcnow()
    return list(session.scalars(
        select(OutboxMessage.id).join(Delivery, Delivery.outbox_id == OutboxMessage.id)
        .where(Delivery.campaign_id == campaign.id, Delivery.round == campaign.round,
               OutboxMessage.status == OutboxStatus.QUEUED,
               or_(OutboxMessage.not_before.is_(None), OutboxMessage.not_before <= now))
        .order_by(OutboxMessage.id)))
