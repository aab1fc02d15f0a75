"""Tell a partner a milestone campaign paid them: right away, as the answer to the scan or
invoice that reached it (like the credit it followed, quiet hours do not hold it)."""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from bot.i18n import NP_, format_credits, translate
from bot.notices.outbound import OutboundError, queue_message
from models import keys
from models.events import MilestoneReached, handles
from models.partners.partner import Partner
from models.programs.program import Program

log = logging.getLogger("saathi.campaigns")
REACHED = NP_("Target reached in {program}! Bonus of {n} credit added. New balance: {balance}.",
              "Target reached in {program}! Bonus of {n} credits added. New balance: "
              "{balance}.")


@handles(MilestoneReached)
def tell_reached(session: Session, reached: MilestoneReached) -> None:
    partner = session.get(Partner, reached.partner_id)
    lang = partner.language
    values = {"program": session.get(Program, reached.program_id).spec.name,
              "credits": format_credits(reached.credits, lang),
              "balance": format_credits(reached.balance, lang)}
    try:
        queue_message(session, phone=partner.phone, text=translate(lang, REACHED, n=reached.credits,
                                                                    program=values["program"],
                                                                    balance=values["balance"]),
                      template="milestone_reached",
                      template_vars={"1": values["program"], "2": values["credits"],
                                     "3": values["balance"]},
                      key=keys.milestone_notice(reached.campaign_id, reached.period,
                                                reached.partner_id))
    except OutboundError as exc:  # the credits stay: the partner sees them in BAL
        log.warning("milestone message not queued", extra={"partner_id": partner.id,
                                                           "error": str(exc)})
