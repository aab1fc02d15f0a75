"""Bulk enrollment's words: the invitation a new shop receives, and what the rep is told."""

from __future__ import annotations

from flask import current_app
from sqlalchemy.orm import Session

from bot.i18n import N_, NP_, translate
from bot.notices.outbound import queue_message
from models import keys
from models.enrollment.bulk import RowStatus
from models.events import PartnerInvited, handles
from models.partners.partner import Partner
from models.programs.program import Program

TOO_MANY = NP_("That list has {n} row. The limit is {limit} per message: please split it.",
               "That list has {n} rows. The limit is {limit} per message: please split it.")
INVITE = N_("Hello {name}! {distributor} has invited you to {program}. Reply JOIN {code} to "
            "finish joining.")
ROW_STATUS = {
    RowStatus.CREATED: N_("created"),
    RowStatus.ALREADY_ENROLLED: N_("already enrolled"),
    RowStatus.ALREADY_INVITED: N_("already invited"),
    RowStatus.INVALID_PHONE: N_("invalid phone"),
    RowStatus.INVALID_PINCODE: N_("invalid PIN code"),
    RowStatus.DUPLICATE: N_("duplicate in this batch"),
    RowStatus.INCOMPLETE: N_("needs name, phone, shop and PIN code"),
    RowStatus.OPTED_OUT: N_("has stopped messages"),
}


@handles(PartnerInvited)
def send_invitation(session: Session, invited: PartnerInvited) -> None:
    """WhatsApp template "invite" where configured, SMS otherwise; one per partner and program."""
    partner = session.get(Partner, invited.partner_id)
    program = session.get(Program, invited.program_id)
    distributor = session.get(Partner, invited.distributor_id) if invited.distributor_id else None
    values = {"name": partner.name or "", "program": program.name, "code": program.code,
              "distributor": (distributor.name if distributor else None) or program.name}
    channel = "whatsapp" if "invite" in current_app.config["WHATSAPP_TEMPLATES"] else "sms"
    queue_message(session, phone=partner.phone, channel=channel,
                  text=translate(partner.language, INVITE, **values), template="invite",
                  template_vars={"1": values["name"], "2": values["distributor"],
                                 "3": program.name, "4": program.code},
                  key=keys.invitation(program.id, partner.id))
