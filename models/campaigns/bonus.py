"""Bonus campaigns on the ledger: the extra credits an invoice earns from the bonus campaigns
running for its partner, each posted as an entry of its own that names the campaign (cause
"bonus", cause_ref "campaign:<id>"), and taken back with the invoice's credits on a return."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import keys, ledger
from models.base import IST
from models.campaigns.operations import spec_of
from models.campaigns.segments import audience
from models.campaigns.tables import Campaign, CampaignStatus
from models.ledger import budget
from models.ledger.tables import JournalEntry
from models.partners.partner import Partner
from models.programs.campaign_spec import Kind
from models.programs.earning import invoice_credits
from models.programs.program import Program

LIVE = (CampaignStatus.SCHEDULED, CampaignStatus.RUNNING, CampaignStatus.DONE)
CAUSE = "bonus"  # the ledger cause of a campaign's credits (bonus and milestone campaigns)


def live_campaigns(session: Session, program: Program) -> list[Campaign]:
    """The program's bonus campaigns that may pay (read once for a chunk of invoices)."""
    return list(session.scalars(select(Campaign).where(
        Campaign.program_id == program.id, Campaign.kind == Kind.BONUS,
        Campaign.status.in_(LIVE)).order_by(Campaign.id)))


def invoice_bonuses(session: Session, program: Program, partner_id: int, channel: str,
                    lines: list[tuple[str, int]], now: datetime,
                    campaigns: list[Campaign] | None = None) -> list[tuple[int, int]]:
    """[(campaign id, extra credits)] the invoice's `lines` [(category, paise)] earn now."""
    found = []
    for campaign in live_campaigns(session, program) if campaigns is None else campaigns:
        spec = spec_of(campaign)
        bonus = spec.bonus
        if not bonus.starts <= now < bonus.ends or (bonus.channels and channel
                                                    not in bonus.channels):
            continue
        if bonus.weekdays and now.astimezone(IST).weekday() not in bonus.weekdays:
            continue
        matching = [(c, paise) for c, paise in lines if not bonus.categories
                    or c in bonus.categories]
        if not matching or session.scalar(audience(spec.segment, program.id, now,
                                                   Partner.id == partner_id)) is None:
            continue
        extra = bonus.fixed or round(invoice_credits(program.spec, matching)
                                     * (bonus.multiplier - 1))
        if extra > 0:
            found.append((campaign.id, extra))
    return found


def post_invoice_bonuses(session: Session, program: Program, invoice, lines, now: datetime,
                         lock_days: int, campaigns: list[Campaign] | None = None, *,
                         approved: bool = False) -> int:
    """Earn the invoice's bonuses (no tier multiplier on top); return the credits paid (a
    bonus past the budget cap waits for its review: the partner is told its decision, by
    bot/notices/held.py). `campaigns`: the program's `live_campaigns`, when the caller read
    them already. `approved`: the budget cap's review approved the invoice's own credits, and
    its bonuses come with them (counted against the month past the cap, as the approval
    was), never held for a second review."""
    total = 0
    for campaign_id, extra in invoice_bonuses(session, program, invoice.partner_id,
                                              invoice.channel, lines, now, campaigns):
        if approved:
            budget.force(session, program.id, extra)
        result = ledger.earn(
            session, partner_id=invoice.partner_id, program_id=program.id, credits=extra,
            key=keys.campaign_bonus(campaign_id, keys.invoice_credit(invoice.id)),
            cause=CAUSE, cause_ref=f"campaign:{campaign_id}",
            description=f"bonus on invoice {invoice.number}", lock_days=lock_days,
            apply_tier_multiplier=False, skip_budget=approved)
        total += 0 if result.queued_for_review else result.credits
    return total


def invoice_of(bonus_key: str) -> int | None:
    """The invoice an invoice bonus's key (`keys.campaign_bonus`) pays on; None for the key
    of another earn (a milestone's)."""
    parts = bonus_key.split(":")
    if len(parts) >= 4 and parts[0] == "bonus" and parts[2] == "invoice":
        return int(parts[3])
    return None


def bonus_entries(session: Session, earned_key: str) -> list[JournalEntry]:
    """The bonus entries that paid credits on top of the entry `earned_key` (an invoice's
    credit): posted at once or approved past the budget cap, whichever of the two the
    invoice's own credit was (an entry still waiting for its review paid nothing)."""
    invoice_key = earned_key.removesuffix(keys.approved(""))
    return list(session.scalars(select(JournalEntry).where(
        JournalEntry.cause == CAUSE, JournalEntry.queued.is_(False),
        JournalEntry.key.like(f"bonus:%:{invoice_key}")
        | JournalEntry.key.like(keys.approved(f"bonus:%:{invoice_key}")))
        .order_by(JournalEntry.id)))


def held_bonus_keys(session: Session, earned_key: str) -> list[str]:
    """The keys of the invoice's bonuses the budget cap held back (decided or not), in the
    order of their review items."""
    return list(session.scalars(select(JournalEntry.key).where(
        JournalEntry.cause == CAUSE, JournalEntry.queued.is_(True),
        JournalEntry.key.like(f"bonus:%:{earned_key}")).order_by(JournalEntry.review_item_id)))


def take_back(session: Session, earned_key: str, *, note: str, key: str, returned: int,
              of: int, reason: str, actor: str) -> tuple[int, int]:
    """A credit note's share (`returned` of `of`) of the invoice's bonuses: off the review
    of those the budget cap holds (their review items locked first), from the balance for
    those paid (in share of what each first asked). (credits taken back, credits withdrawn)."""
    withdrawn = sum(ledger.withdraw_held(session, held, returned=returned, of=of, note=note,
                                         actor=actor) or 0
                    for held in held_bonus_keys(session, earned_key))
    credits = 0
    for bonus in bonus_entries(session, earned_key):
        share = min(max(1, ledger.asked(session, bonus.id, bonus.key) * returned // of),
                    ledger.unreversed(session, bonus.key))  # small notes: never past it
        if share == 0:
            continue
        ledger.reverse(session, key=f"{key}:{bonus.key}", original_key=bonus.key,
                       credits=share, reason=reason, actor=actor)
        credits += share
    return credits, withdrawn
