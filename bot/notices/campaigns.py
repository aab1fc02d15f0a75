"""A campaign's message to one partner, worded in their language, on the channel that reaches
them; and the preview an operator reads before anything is sent."""

from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.channels import sms
from bot.channels.templates import MissingTemplate, template_sid
from bot.i18n import DEFAULT, LANGUAGES, N_, translate
from bot.notices import outbound
from models import campaigns, keys
from models.base import ist_day_start
from models.campaigns import Campaign, Claimed, Delivery, DeliveryStatus, leaderboard
from models.db import among, update_rows
from models.ledger.tables import Wallet
from models.messaging.outbox import OutboxMessage
from models.partners.partner import Partner, PartnerStatus
from models.programs.campaign_spec import CampaignSpec
from models.programs.program import Program, ProgramSpec

log = logging.getLogger("saathi.campaigns")
_FIELD = re.compile(r"\{(name|program|tier|balance|rank|count)\}")
_RANKED = re.compile(r"\{(rank|count)\}")
# The monthly rank message, for a recurring campaign's `msgid` (late in the month, say
# cron "30 12 25 * *"): every partner with a PIN code hears where they stand.
MONTHLY_RANK = N_("{name}, you are #{rank} of {count} in your district this month in "
                  "{program}. Send TOP to see the leaders.")


def wording(spec: CampaignSpec, language: str) -> str:
    """The campaign's text in `language` (English when it has none in that language)."""
    if spec.msgid:
        return translate(language, spec.msgid)
    return spec.messages.get(language) or spec.messages[DEFAULT]


def fill(text: str, values: dict[str, str]) -> str:
    """Put the partner's own values into {name}, {program}, {tier}, {balance} (and {rank} of
    {count}: their place in their district this month); other braces stay as written."""
    return _FIELD.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def ranked(spec: CampaignSpec, language: str) -> bool:
    """The campaign's text names the partner's rank ("you are #4 of 37 in your district")."""
    texts = [wording(spec, language), *(spec.template.vars.values() if spec.template else ())]
    return any(_RANKED.search(text) for text in texts)


def rank_values(session: Session, program_id: int, partner: Partner,
                now: datetime) -> dict[str, str] | None:
    """{rank} and {count} of the partner's district this month; None without a PIN code."""
    board = leaderboard.board(session, program_id, partner, "district", True, now, count=0)
    if board.own is None:
        return None
    return {"rank": str(board.own.rank), "count": str(board.count)}


def values_for(partner: Partner, program: ProgramSpec, wallet: Wallet | None) -> dict[str, str]:
    tier = program.tier_label(wallet.tier, partner.language) if wallet and wallet.tier else ""
    return {"name": partner.name or "", "program": program.name, "tier": tier,
            "balance": str(wallet.balance if wallet else 0)}


@dataclass
class Caps:
    """Campaign messages each partner of a batch got today (IST) and in the last 7 days."""

    today: Counter = field(default_factory=Counter)
    week: Counter = field(default_factory=Counter)

    @classmethod
    def of(cls, session: Session, partner_ids: list[int], now: datetime) -> Caps:
        caps = cls()
        for since, counter in ((ist_day_start(now), caps.today), (now - timedelta(days=7),
                                                                    caps.week)):
            counter.update(dict(session.execute(
                select(Delivery.partner_id, func.count()).where(
                    among(session, Delivery.partner_id, partner_ids), Delivery.queued_at >= since,
                    Delivery.status == DeliveryStatus.QUEUED)
                .group_by(Delivery.partner_id)).all()))
        return caps


def queue_batch(session: Session, campaign: Campaign, spec: CampaignSpec, program: Program,
                batch: list[Claimed], now: datetime) -> list[int]:
    """Write the claimed deliveries' outbox rows (not sent: the caller sends them) in one
    INSERT and the deliveries' outcomes (queued, or skipped and why) in one UPDATE; the ids
    of the rows to send. What every row needs (partners, wallets, caps, conversations) is
    read once for the batch."""
    ids = [d.partner_id for d in batch]
    partners = {p.id: p for p in session.scalars(select(Partner).where(
        among(session, Partner.id, ids)))}
    wallets = {w.partner_id: w for w in session.scalars(select(Wallet).where(
        among(session, Wallet.partner_id, ids), Wallet.program_id == program.id))}
    caps = Caps.of(session, ids, now)
    known = outbound.Known.of(session, list(partners.values()),
                              [keys.campaign(campaign.id, campaign.round, i) for i in ids])
    queued = [(d.id, queue_delivery(session, campaign, spec, program, partners[d.partner_id],
                                    wallets.get(d.partner_id), caps, now, known))
              for d in batch]
    known.write(session)
    update_rows(session, Delivery.__table__, [
        {"id": delivery_id, "status": DeliveryStatus.SKIPPED, "reason": outcome,
         "queued_at": None, "outbox_id": None} if isinstance(outcome, str) else
        {"id": delivery_id, "status": DeliveryStatus.QUEUED, "reason": None, "queued_at": now,
         "outbox_id": outcome.id} for delivery_id, outcome in queued])
    return [outcome.id for _, outcome in queued if not isinstance(outcome, str)]


def queue_delivery(session: Session, campaign: Campaign, spec: CampaignSpec,
                   program: Program, partner: Partner, wallet: Wallet | None, caps: Caps,
                   now: datetime, known: outbound.Known
                   ) -> OutboxMessage | outbound.Pending | str:
    """The partner's outbox row (in `known.new` until the batch writes it; not sent: the
    caller sends it), or the reason they are skipped: opted out, over the frequency cap, no
    way to reach."""
    limits = program.spec.campaign_caps
    reason, extra = None, {}
    if partner.status == PartnerStatus.OPTED_OUT:
        reason = "opted_out"
    elif caps.today[partner.id] >= limits.per_day or caps.week[partner.id] >= limits.per_week:
        reason = "capped"
    elif ranked(spec, partner.language):
        extra = rank_values(session, program.id, partner, now)
        reason = None if extra is not None else "no_pin_code"
    row = None if reason else _queue(session, campaign, spec, program.spec, partner, wallet,
                                     now, extra or {}, known)
    if row is None:
        return reason or "unreachable"
    caps.today[partner.id] += 1
    caps.week[partner.id] += 1
    return row


def _queue(session: Session, campaign: Campaign, spec: CampaignSpec, program: ProgramSpec,
           partner: Partner, wallet: Wallet | None, now: datetime,
           extra: dict[str, str], known: outbound.Known
           ) -> OutboxMessage | outbound.Pending | None:
    values = values_for(partner, program, wallet) | extra
    text = fill(wording(spec, partner.language), values)
    channel = outbound.preferred_channel(session, partner.phone, known)
    template = template_vars = None
    if channel == "whatsapp" and not outbound.in_session_window(session, partner.phone, known):
        if _has_template(spec, partner.language):
            template = spec.template.name
            template_vars = {k: fill(v, values) for k, v in spec.template.vars.items()}
        else:  # no approved template in their language: the text goes by SMS
            channel = "sms"
    if channel == "sms" or channel in outbound.PULL_ONLY:
        text = sms_wording(spec, partner.language, text)
    not_before = None if spec.urgent else program.quiet().release(now)
    return outbound.queue_message(
        session, phone=partner.phone, text=text, channel=channel, template=template,
        template_vars=template_vars, key=keys.campaign(campaign.id, campaign.round, partner.id),
        not_before=not_before, deliver=False, known=known)


# By SMS a campaign's own words go inside a registered DLT wording (bot/channels/dlt.yaml
# campaign_promotional, campaign_service: free text as adjacent variables), on one line.
SMS_PROMOTIONAL = N_("{text} -Saathi")
SMS_SERVICE = N_("Saathi update: {text}")


def sms_wording(spec: CampaignSpec, language: str, text: str) -> str:
    """The campaign's filled `text` as its SMS says it, in the DLT wording of its category."""
    return translate(language, SMS_PROMOTIONAL if spec.promotional else SMS_SERVICE,
                     text=" ".join(text.split()))


# The widest a partner's own values are taken to be when a campaign's SMS is measured before
# it is sent: a long name, a tier label, a large balance, a rank in a big district.
WIDEST = {"name": "N" * 24, "tier": "T" * 12, "balance": "9" * 7, "rank": "9" * 4,
          "count": "9" * 4}


def own_languages(spec: CampaignSpec) -> list[str]:
    """The languages the campaign has its own words in (all of them for a catalog msgid)."""
    if spec.msgid:
        return list(LANGUAGES)
    return [DEFAULT, *(lang for lang in spec.messages if lang != DEFAULT)]


def too_long(spec: CampaignSpec, program_name: str, languages: list[str]) -> list[str]:
    """One problem for each of `languages` whose SMS (in its DLT wording, the partner's
    values at their widest) would be over two segments: cut into pages, it would match no
    registered template and the SMS partner would get nothing. Such a campaign is refused."""
    values = WIDEST | {"program": program_name}
    problems = []
    for lang in languages:
        text = sms.gsm_safe(sms_wording(spec, lang, fill(wording(spec, lang), values)))
        count = sms.segments(text)
        if count > sms.MAX_SEGMENTS:
            name = LANGUAGES.get(lang, (lang,))[0]
            problems.append(f"the SMS in {lang!r} ({name}) would take {count} segments, "
                            f"over the {sms.MAX_SEGMENTS} an SMS may: shorten it")
    return problems


def _by_sms(session: Session, row: OutboxMessage) -> list[str]:
    """A campaign message WhatsApp could not deliver, in its SMS wording."""
    campaign = session.get(Campaign, int(row.idempotency_key.split(":")[1]))
    partner = session.get(Partner, row.partner_id) if row.partner_id else None
    return [sms_wording(campaigns.spec_of(campaign), partner.language if partner else DEFAULT,
                        row.body)]


outbound.SMS_FORMS[keys.campaign(0, 0, 0).split(":", 1)[0] + ":"] = _by_sms


def _has_template(spec: CampaignSpec, language: str) -> bool:
    if spec.template is None:
        return False
    try:
        template_sid(current_app.config, spec.template.name, language)
    except MissingTemplate:
        return False
    return True


@dataclass
class Preview:
    audience: int
    control: int
    by_language: dict[str, int]
    samples: dict[str, str]  # language -> the message as its first partner would read it
    errors: list[str]
    too_long: list[str]  # among the errors: SMS over two segments (never sent, not even forced)

    def cost_paise(self, price: dict[str, int]) -> int:
        """An upper estimate: every test-group partner sent one WhatsApp message."""
        return (self.audience - self.control) * max(price.values(), default=0)


def preview(session: Session, campaign: Campaign, now: datetime) -> Preview:
    """Who the campaign would reach now, and what each language would read; missing
    templates and SMS over two segments (in the audience's languages and the campaign's own)
    are listed as errors, not found by a failing job later."""
    spec = campaigns.spec_of(campaign)
    program = session.get(Program, campaign.program_id)
    ids = campaigns.audience(spec.segment, program.id, now).subquery()
    rows = session.execute(select(Partner.language, func.count(), func.min(Partner.id))
                           .where(Partner.id.in_(select(ids.c.id)))
                           .group_by(Partner.language)).all()
    by_language = {lang: n for lang, n, _ in rows}
    samples, errors = {}, []
    for lang, _, first_id in rows:
        partner = session.get(Partner, first_id)
        wallet = session.scalar(select(Wallet).where(Wallet.partner_id == first_id,
                                                     Wallet.program_id == program.id))
        values = values_for(partner, program.spec, wallet)
        if ranked(spec, lang):
            values |= rank_values(session, program.id, partner, now) or {}
        samples[lang] = fill(wording(spec, lang), values)
        if spec.template is not None and not _has_template(spec, lang):
            errors.append(f"WhatsApp template {spec.template.name!r} has no Content SID for "
                          f"{lang!r} (WHATSAPP_TEMPLATES): outside the 24-hour window these "
                          f"{by_language[lang]} partners get SMS")
        if not spec.msgid and lang not in spec.messages:
            errors.append(f"no text in {lang!r}: {by_language[lang]} partners would read "
                          "English")
    long = too_long(spec, program.spec.name,
                    [lang for lang in LANGUAGES if lang in by_language or lang in
                     own_languages(spec)])
    total = sum(by_language.values())
    control = round(total * spec.holdout_percent / 100)
    return Preview(total, control, by_language, samples, long + errors, long)
