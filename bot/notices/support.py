"""Tell a partner who asked for a person that one will answer, and by when; send them the
agent's answer (by SMS inside a registered DLT wording)."""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from bot.channels import sms
from bot.i18n import DEFAULT, N_, NP_, translate
from bot.notices.outbound import PULL_ONLY, SMS_FORMS, OutboundError, queue_message
from models import keys
from models.events import TicketAnswered, TicketOpened, handles
from models.messaging.outbox import OutboxMessage
from models.partners.partner import Partner
from models.support.tickets import FIRST_ANSWER, Ticket, TicketError

log = logging.getLogger("saathi.support")
# What a partner is promised when a ticket opens: a written answer here (a person asked for
# in words or a voice note), or a call (the call-back entry, whose screen says it; on USSD the
# SMS after it keeps the same words).
OPENED = NP_("Thank you. A person from our team will reply here within {n} hour (ticket "
             "{ticket}).",
             "Thank you. A person from our team will reply here within {n} hours (ticket "
             "{ticket}).")
CALL_BACK = NP_("Thank you. A person from our team will call you back within {n} hour "
                "(ticket {ticket}).",
                "Thank you. A person from our team will call you back within {n} hours "
                "(ticket {ticket}).")


def opened_text(lang: str | None, ticket_id: int, call_back: bool = False) -> str:
    """The promise for ticket `ticket_id`, in `lang`."""
    return translate(lang, CALL_BACK if call_back else OPENED, ticket=ticket_id,
                     n=int(FIRST_ANSWER.total_seconds() // 3600))


@handles(TicketOpened)
def tell_opened(session: Session, opened: TicketOpened) -> None:
    if opened.told:
        return
    partner = session.get(Partner, opened.partner_id)
    ticket = session.get(Ticket, opened.ticket_id)
    text = opened_text(partner.language, ticket.id, opened.call_back)
    try:
        queue_message(session, phone=partner.phone, channel=ticket.channel, text=text,
                      key=keys.ticket_opened(ticket.id))
    except OutboundError as exc:  # e.g. outside WhatsApp's window: the agent's answer says it
        log.warning("ticket notice not queued", extra={"ticket_id": ticket.id,
                                                       "error": str(exc)})


ANSWER_TEMPLATE = "support_reply"  # outside WhatsApp's 24 hours: {{1}} is the agent's text
# By SMS the answer goes inside a registered DLT wording (bot/channels/dlt.yaml
# support_answer: free text as adjacent variables), one line, each SMS two segments at most.
SMS_ANSWER = N_("Saathi support: {answer}")
MAX_SMS = 3  # an answer that needs more is refused in the admin: shorten it


class AnswerTooLong(TicketError):
    """The agent's answer needs more SMS than a partner is sent for one answer."""


@handles(TicketAnswered)
def send_answer(session: Session, answered: TicketAnswered) -> None:
    """The agent's words as they wrote them; an opted-out partner gets nothing (no row). By
    SMS: split into at most MAX_SMS messages of the support wording (AnswerTooLong beyond)."""
    partner = session.get(Partner, answered.partner_id)
    ticket = session.get(Ticket, answered.ticket_id)
    if ticket.channel not in ("sms", *PULL_ONLY):
        queue_message(session, phone=partner.phone, channel=ticket.channel,
                      text=answered.text, template=ANSWER_TEMPLATE,
                      template_vars={"1": answered.text}, key=answered.key)
        return
    for n, text in enumerate(sms_answer(partner.language, answered.text)):
        queue_message(session, phone=partner.phone, channel="sms", text=text,
                      key=answered.key if n == 0 else f"{answered.key}:part{n}")


def sms_answer(lang: str, answer: str, most: int | None = MAX_SMS) -> list[str]:
    """The SMS that carry `answer` in the support wording: words packed greedily, each SMS
    within two segments (a word too long for one is cut); AnswerTooLong past `most`."""
    words, parts, current = " ".join(answer.split()).split(" "), [], ""
    while words:
        word = words.pop(0)
        tried = f"{current} {word}" if current else word
        if sms.fits(_worded(lang, tried)):
            current = tried
        elif current:
            parts.append(current)
            current = ""
            words.insert(0, word)
        else:  # one word longer than an SMS: as much of it as fits
            cut = max(n for n in range(1, len(word) + 1) if sms.fits(_worded(lang, word[:n])))
            parts.append(word[:cut])
            words.insert(0, word[cut:])
        if most is not None and len(parts) >= most and (current or words):
            raise AnswerTooLong(f"too long for SMS: a partner on SMS gets at most {most} "
                                f"messages (about {sum(map(len, parts))} characters in their "
                                "language) for one answer; please shorten it")
    return [_worded(lang, part) for part in [*parts, current] if part]


def _by_sms(session: Session, row: OutboxMessage) -> list[str]:
    """An answer WhatsApp could not deliver, as it goes by SMS (every part: it was sent)."""
    partner = session.get(Partner, row.partner_id) if row.partner_id else None
    return sms_answer(partner.language if partner else DEFAULT, row.body, most=None)


SMS_FORMS[keys.ticket_answer(0, "").split(":", 1)[0] + ":"] = _by_sms


def _worded(lang: str, part: str) -> str:
    return sms.gsm_safe(translate(lang, SMS_ANSWER, answer=part))
