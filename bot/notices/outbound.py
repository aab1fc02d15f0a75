"""Queue proactive messages in the outbox; delivery happens in a job after commit."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app, has_request_context, request
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import jobs
from bot.channels import dlt, dlt_shapes, sms
from bot.channels.text import render_text
from bot.config import DEV_BASE_URL, NO_BASE_URL, ConfigError, reaches_partners
from bot.i18n import DEFAULT, N_, translate
from bot.jobs.names import Job
from bot.messages import Reply
from models import campaigns, keys
from models.base import utcnow
from models.campaigns import Campaign, CampaignStatus
from models.db import among, insert_rows
from models.messaging import conversation, outbox
from models.messaging.conversation import Conversation
from models.messaging.outbox import OutboxMessage, OutboxStatus
from models.messaging.quiet import DEFAULT as DEFAULT_QUIET
from models.partners.partner import Partner, PartnerStatus, find_by_phone
from models.programs.program import Membership, Program

log = logging.getLogger("saathi.outbound")
WHATSAPP_WINDOW = timedelta(hours=24)
# Channels that only answer the partner's request (a USSD session): what is sent later to
# someone who wrote there goes by SMS.
PULL_ONLY = frozenset({"ussd"})
# Twilio: WhatsApp cannot reach the number (63003 channel unavailable, 63016 outside the
# window without a template): the text goes by SMS instead.
WHATSAPP_UNREACHABLE = frozenset({63003, 63016})
# Sent instead of an SMS that no DLT template matches (bot/channels/dlt.yaml: sms_fallback).
DLT_FALLBACK = N_("Saathi could not send this message by SMS. Send MENU for the menu, or "
                  "write to us on WhatsApp.")


class OutboundError(Exception):
    """A proactive message that must not be sent."""


class OutsideSessionWindow(OutboundError):
    """WhatsApp allows only template messages 24 hours after the partner's last message."""


@dataclass(slots=True)
class Pending:
    """A batch's new outbox row, its columns, until `Known.write` writes it and sets its id
    (not an OutboxMessage: the ORM's instance set-up was a tenth of a campaign's send)."""

    columns: dict
    id: int | None = None


@dataclass
class Known:
    """What a batch of messages (a campaign's) has read already: each phone's partner, its
    conversations and the outbox rows of the batch's keys, so that `queue_message` asks the
    database for none of them; and the batch's new rows (`new`, keyed, not in the session),
    which `write` inserts in one statement."""

    partners: dict[str, Partner]
    conversations: dict[tuple[str, str], Conversation]
    rows: dict[str, OutboxMessage]
    new: list[Pending] = field(default_factory=list)

    @classmethod
    def of(cls, session: Session, partners: list[Partner], keys: list[str]) -> Known:
        phones = [p.phone for p in partners]
        convs = session.scalars(select(Conversation).where(
            among(session, Conversation.phone, phones))) if phones else []
        rows = session.scalars(select(OutboxMessage).where(
            among(session, OutboxMessage.idempotency_key, keys))) if keys else []
        return cls({p.phone: p for p in partners}, {(c.phone, c.channel): c for c in convs},
                   {r.idempotency_key: r for r in rows})

    def write(self, session: Session) -> None:
        """INSERT the batch's new rows (one statement, not the ORM's flush: its parameters,
        and psycopg's parse of a 1,500-parameter INSERT, were a batch's biggest cost); each
        row gets its id. The rows stay out of the session."""
        if not self.new:
            return
        now = utcnow()
        queued = {"status": OutboxStatus.QUEUED, "error": None, "attempts": 0,
                  "created_at": now, "updated_at": now}  # a refused row says otherwise
        ids = dict(insert_rows(session, OutboxMessage.__table__,
                               [queued | row.columns for row in self.new],
                               returning=("idempotency_key", "id")))
        for row in self.new:
            row.id = ids[row.columns["idempotency_key"]]
        self.new = []


def _latest(session: Session, phone: str, channel: str, known: Known | None
            ) -> Conversation | None:
    if known is not None:
        return known.conversations.get((phone, channel))
    return conversation.latest_for_phone(session, phone, channel)


def preferred_channel(session: Session, phone: str, known: Known | None = None) -> str:
    """WhatsApp if the partner has ever written there (or templates exist), else SMS."""
    if _latest(session, phone, "whatsapp", known) is not None:
        return "whatsapp"
    if _latest(session, phone, "sms", known) is not None:
        return "sms"
    return "whatsapp" if current_app.config["WHATSAPP_TEMPLATES"] else "sms"


def in_session_window(session: Session, phone: str, known: Known | None = None) -> bool:
    conv = _latest(session, phone, "whatsapp", known)
    last = conv.last_inbound_at if conv else None
    return last is not None and utcnow() - last < WHATSAPP_WINDOW


def whatsapp_number(session: Session, phone: str, known: Known | None = None) -> str | None:
    """The business number the partner last wrote to (None: Twilio's)."""
    conv = _latest(session, phone, "whatsapp", known)
    return conv.via if conv else None


def queue_message(session: Session, *, phone: str, text: str = "", channel: str | None = None,
                  media_urls: tuple[str, ...] = (), template: str | None = None,
                  template_vars: dict | None = None, key: str | None = None,
                  reply: Reply | None = None, not_before: datetime | None = None,
                  deliver: bool = True, known: Known | None = None
                  ) -> OutboxMessage | Pending | None:
    """Write an outbox row and deliver it after commit. Returns None for opted-out partners.

    On WhatsApp outside the 24-hour window the `template` is used; free text alone is
    refused with OutsideSessionWindow. The same `key` never queues twice. A row held until
    `not_before` (quiet hours: `after_quiet_hours`) is sent by the outbox sweep then;
    `deliver=False` leaves the sending to the caller (a campaign's batch), `known` what the
    caller's batch read already (then the row, which must have a `key`, is not written
    here: it is a `Pending` that `known.write` writes with the batch's in one INSERT, and
    the caller sends them).
    """
    if key and (existing := known.rows.get(key) if known else outbox.by_key(session, key)):
        return existing
    partner: Partner | None = known.partners.get(phone) if known and phone in known.partners \
        else find_by_phone(session, phone)
    if partner is not None and partner.status == PartnerStatus.OPTED_OUT:
        log.info("outbound skipped: opted out", extra={"partner_id": partner.id, "key": key})
        return None
    channel = channel or preferred_channel(session, phone, known)
    if channel in PULL_ONLY:
        channel = "sms"
    more: list[str] = []
    rest: list[str] = []  # a paged text's pages after the first
    if channel == "sms":
        ((text, *more), rest), media_urls = \
            _sms_texts(session, phone, partner, text, media_urls, known), ()
    refused = dlt.needed(current_app.config, channel) and not _registered(text)
    if refused:  # its later pages and link SMS are dropped: a retry sends this one alone
        more = []
    elif rest:  # for MORE: never the rest of a page the partner did not get
        _keep_pages(session, phone, rest)
    use_template = None
    if channel == "whatsapp" and not in_session_window(session, phone, known):
        if not template:
            raise OutsideSessionWindow(
                f"free text to {phone[:-4]}XXXX is outside the 24-hour window; use a template"
            )
        use_template = template
    columns = {"channel": channel, "phone": phone,
               "partner_id": partner.id if partner else None, "body": text,
               "media_urls": list(media_urls), "template": use_template,
               "template_vars": template_vars or {}, "idempotency_key": key,
               "reply": reply.to_dict() if reply else None,
               "via": whatsapp_number(session, phone, known) if channel == "whatsapp" else None,
               "not_before": not_before}
    if refused:
        columns |= {"status": OutboxStatus.REFUSED, "error": _refusal(
            text, _sms_language(session, phone, partner, known), key)}
    if known is None:
        row: OutboxMessage | Pending = OutboxMessage(**columns)
        session.add(row)
        session.flush()
    else:
        row = Pending(columns)
        known.new.append(row)
    # The row is this job's record: the outbox sweep sends it again if the enqueue is lost.
    if refused and known is None:  # a campaign's batch sends no fallback: its row waits
        dlt_fallback(session, row, not_before=not_before, deliver=deliver)
    elif deliver and known is None and not_before is None:
        jobs.after_commit(session, Job.DELIVER, row.id, record=False)
    for n, extra in enumerate(more, 1):
        queue_message(session, phone=phone, text=extra, channel="sms",
                      key=f"{key}:sms{n}" if key else None, not_before=not_before,
                      deliver=deliver, known=known)
    return row


def after_quiet_hours(session: Session, program_id: int, now: datetime | None = None
                      ) -> datetime | None:
    """When a non-urgent proactive message of the program may go: None now, else the end of
    its quiet hours (the program YAML's `quiet_hours`, 21:00-09:00 IST unless it says).
    OTPs and answers to the partner's own messages never ask."""
    return session.get(Program, program_id).spec.quiet().release(now or utcnow())


def base_url() -> str:
    """Where links to this service start: PUBLIC_BASE_URL, else the host this request came
    to, else (a job) `make run`'s address in development; with real partners and neither,
    ConfigError (start-up refuses that with an SMS sender: bot/config.py)."""
    configured = current_app.config["PUBLIC_BASE_URL"]
    if configured or has_request_context():
        return (configured or request.host_url).rstrip("/")
    if reaches_partners(current_app.config):
        raise ConfigError(NO_BASE_URL)
    return DEV_BASE_URL


def _sms_language(session: Session, phone: str, partner: Partner | None,
                  known: Known | None = None, default: str | None = DEFAULT) -> str | None:
    """The partner's language, else their SMS conversation's, else `default`."""
    conv = _latest(session, phone, "sms", known)
    return (partner.language if partner else None) or (conv.language if conv else None) \
        or default


def _sms_texts(session: Session, phone: str, partner: Partner | None, text: str,
               media_urls: tuple[str, ...], known: Known | None = None
               ) -> tuple[list[str], list[str]]:
    """The SMS that carry `text` and its images, each at most two segments and, where the
    text allows, one registered DLT template (bot/channels/dlt.yaml), its names shortened
    and English in GSM-7 as a flow's answer is (`dlt_shapes.fitted`): the text as one SMS,
    or its lines (blank ones left out) one SMS each when each line is a template and the
    whole is not (a balance answered through Gupshup: balance, tier, next tier); then each
    image's link as an SMS of its own. A text no template covers that is still too long
    goes page by page: the first now, the rest (returned second) for the SMS conversation's
    MORE."""
    spoken = _sms_language(session, phone, partner, known, default=None)
    lang = spoken or DEFAULT
    # English is registered in GSM-7 whatever its values (flows/sms.py as_text); a text to
    # someone whose language is unknown may be in any.
    english = spoken == "en"
    links = [sms.gsm_safe(translate(lang, sms.LINK, url=url), english=english)
             for url in sms.absolute(media_urls, base_url())]
    text = dlt_shapes.fitted(sms.gsm_safe(text, english=english), lang)
    lines = [line for line in text.split("\n") if line.strip()]
    if len(lines) > 1 and not _registered(text) \
            and all(sms.fits(line) and _registered(line) for line in lines):
        return lines + links, []
    if not text and links:
        return links, []
    pages = sms.pages(text, translate(lang, sms.MORE_HINT), ask=translate(lang, sms.ASK_NUMBER))
    return [pages[0], *links], pages[1:]


def _keep_pages(session: Session, phone: str, pages: list[str]) -> None:
    """Keep a paged SMS's later `pages` on the partner's SMS conversation for MORE."""
    conv = conversation.lock(session, "sms", phone)
    data = dict(conv.data or {})
    sms.keep_pages(data, pages)
    conv.data = data


def _registered(text: str) -> bool:
    try:
        dlt.match(text)
    except dlt.DltRefused:
        return False
    return True


def _refusal(text: str, lang: str, key: str | None) -> str:
    """Log an SMS no DLT template matches, by its shape (never its text: it may hold a name
    or a code); the row's error, which says the same."""
    name, lines = dlt_shapes.outline(text, lang)
    log.error("sms refused: no DLT template", extra={"key": key, "shape": name,
                                                      "language": lang, "lines": lines})
    return f"no DLT template: shape {name} ({lang}); register it, then " \
        "`flask outbox retry-refused`"


def dlt_fallback(session: Session, row: OutboxMessage, *, not_before: datetime | None = None,
                 deliver: bool = True) -> OutboxMessage | Pending | None:
    """Send the registered fallback template (DLT_FALLBACK) in the partner's language
    instead of the refused SMS `row`, once per row."""
    partner = session.get(Partner, row.partner_id) if row.partner_id else None
    text = translate(_sms_language(session, row.phone, partner), DLT_FALLBACK)
    if not _registered(text):  # bot/channels/dlt.yaml lacks it: nothing to send instead
        log.error("sms fallback not registered", extra={"outbox_id": row.id})
        return None
    return queue_message(session, phone=row.phone, channel="sms",
                         text=text, key=keys.dlt_fallback(row.id),
                         not_before=not_before, deliver=deliver)


def retry_refused(session: Session, *, give_up: bool = False) -> tuple[int, int]:
    """Queue again each SMS refused for lack of a DLT template that one now matches (its
    row locked and moved from refused to queued once: a second run sends nothing twice),
    held until its quiet hours end (`_retry_release`); `give_up` fails the others. Fail,
    with the reason, those that must no longer go (`_stale`). How many were queued, and
    how many are left (or failed)."""
    rows = session.scalars(select(OutboxMessage).where(
        OutboxMessage.status == OutboxStatus.REFUSED).order_by(OutboxMessage.id)
        .with_for_update().execution_options(populate_existing=True)).all()
    written = campaigns.of_outbox(session, [row.id for row in rows])
    queued = 0
    for row in rows:
        row.updated_at = utcnow()
        campaign, left = written.get(row.id, (None, False))
        if reason := _stale(session, row, campaign, left):
            row.status, row.error = OutboxStatus.FAILED, reason
        elif _registered(row.body):
            row.status, row.error = OutboxStatus.QUEUED, None
            row.not_before = _retry_release(session, row, campaign)
            if row.not_before is None:  # else the outbox sweep sends it then
                jobs.after_commit(session, Job.DELIVER, row.id, record=False)
            queued += 1
        elif give_up:
            row.status = OutboxStatus.FAILED
    return queued, len(rows) - queued


# The keys of rows worthless once late: a one-time code's (valid 5 minutes).
EXPIRING = (keys.OTP,)


def _stale(session: Session, row: OutboxMessage, campaign: Campaign | None, left: bool
           ) -> str | None:
    """Why a refused row must not be sent late: a code that has expired, a partner who has
    opted out (STOP), its campaign cancelled or left (the campaign's own word); else None."""
    partner = session.get(Partner, row.partner_id) if row.partner_id else None
    if (row.idempotency_key or "").startswith(EXPIRING):
        return "expired"
    if partner is not None and partner.status == PartnerStatus.OPTED_OUT:
        return "opted out"
    if campaign is not None and campaign.status == CampaignStatus.CANCELLED:
        return "campaign cancelled"
    return "unsubscribed" if left else None


def _retry_release(session: Session, row: OutboxMessage, campaign: Campaign | None
                   ) -> datetime | None:
    """When a refused row sent late may go: no longer an answer to what the partner just
    wrote, it waits for the quiet hours of its campaign's program (none if urgent), else of
    the partner's programs (the default's if none). A promotional SMS waits for 09:00 IST
    at the send (bot/channels/gupshup.py)."""
    if campaign is not None:
        return None if campaigns.spec_of(campaign).urgent \
            else after_quiet_hours(session, campaign.program_id)
    programs = session.scalars(select(Membership.program_id).where(
        Membership.partner_id == row.partner_id)).all() if row.partner_id else []
    releases = [after_quiet_hours(session, program) for program in programs] \
        or [DEFAULT_QUIET.release(utcnow())]
    return max((release for release in releases if release), default=None)


def queue_reply(session: Session, *, phone: str, channel: str, reply: Reply, key: str
                ) -> OutboxMessage | None:
    """Queue a flow's reply as a proactive message: options become numbered lines."""
    return queue_message(session, phone=phone, channel=channel, text=render_text(reply),
                         media_urls=(reply.media_url,) if reply.media_url else (), key=key,
                         reply=reply)


def delivery_reported(session: Session, row: OutboxMessage | None, error_code: str | None
                      ) -> None:
    """A provider's status report on `row` (already recorded): a WhatsApp message that
    could not reach the partner goes again by SMS."""
    if row is None or row.channel != "whatsapp" or not (error_code or "").isdigit():
        return
    if int(error_code) in WHATSAPP_UNREACHABLE and \
            row.status in (OutboxStatus.FAILED, OutboxStatus.UNDELIVERED):
        fall_back_to_sms(session, row)


# How a WhatsApp message is worded when it goes by SMS instead, by its key's prefix, for
# notices whose SMS differs from their WhatsApp text (free text inside a DLT wording: an
# agent's answer, a campaign's own words); registered by those notices.
SmsForm = Callable[[Session, OutboxMessage], list[str]]
SMS_FORMS: dict[str, SmsForm] = {}


def fall_back_to_sms(session: Session, row: OutboxMessage) -> OutboxMessage | None:
    """WhatsApp refused `row` as outside the 24-hour window and it has no template: send its
    text by SMS instead (once; in its SMS wording when its notice has one)."""
    log.info("whatsapp outside the window: sms instead", extra={"outbox_id": row.id})
    form = next((f for prefix, f in SMS_FORMS.items()
                 if (row.idempotency_key or "").startswith(prefix)), None)
    first = None
    for n, text in enumerate(form(session, row) if form else [row.body]):
        queued = queue_message(session, phone=row.phone, channel="sms", text=text,
                               key=keys.sms_fallback(row.id) + (f":part{n}" if n else ""))
        first = first or queued
    return first
