"""Send a one-time code by SMS. The code is never logged; only its outbox row holds it."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.i18n import N_, translate
from bot.notices.outbound import queue_message
from models import keys
from models.events import OtpIssued, handles
from models.partners.partner import Partner

SMS_TEXT = N_("Your Saathi code is {code}. It is valid for 5 minutes. Never share it.")


@handles(OtpIssued)
def send_code(session: Session, issued: OtpIssued) -> None:
    partner = session.get(Partner, issued.partner_id)
    queue_message(session, phone=partner.phone, channel="sms",
                  text=translate(partner.language, SMS_TEXT, code=issued.code),
                  key=keys.otp(issued.challenge_id))
