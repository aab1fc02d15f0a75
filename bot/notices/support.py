"""Tell a partner who asked for a person that one will answer, and by when."""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from bot.i18n import NP_, translate
from bot.notices.outbound import OutboundError, queue_message
from models import keys
from models.events import TicketAnswered, TicketOpened, handles
from models.partners.partner import Partner
from models.support.tickets import FIRST_ANSWER, Ticket

log = logging.getLogger("saathi.support")
OPENED = NP_("Thank you. A person from our team will reply here within {n} hour (ticket "
             "{ticket}).",
             "Thank you. A person from our team will reply here within {n} hours (ticket "
             "{ticket}).")


@handles(TicketOpened)
def tell_opened(session: Session, opened: TicketOpened) -> None:
    partner = session.get(Partner, opened.partner_id)
    ticket = session.get(Ticket, opened.ticket_id)
    text = translate(partner.language, OPENED, ticket=ticket.id,
                     n=int(FIRST_ANSWER.total_seconds() // 3600))
    try:
        queue_message(session, phone=partner.phone, channel=ticket.channel, text=text,
                      key=keys.ticket_opened(ticket.id))
    except OutboundError as exc:  # e.g. outside WhatsApp's window: the agent's answer says it
        log.warning("ticket notice not queued", extra={"ticket_id": ticket.id,
                                                       "error": str(exc)})


ANSWER_TEMPLATE = "support_reply"  # outside WhatsApp's 24 hours: {{1}} is the agent's text


@handles(TicketAnswered)
def send_answer(session: Session, answered: TicketAnswered) -> None:
    """The agent's words as they wrote them; an opted-out partner gets nothing (no row)."""
    partner = session.get(Partner, answered.partner_id)
    ticket = session.get(Ticket, answered.ticket_id)
    queue_message(session, phone=partner.phone, channel=ticket.channel, text=answered.text,
                  template=ANSWER_TEMPLATE, template_vars={"1": answered.text},
                  key=answered.key)
