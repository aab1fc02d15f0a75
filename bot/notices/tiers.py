"""Tell a partner their tier changed (up: congratulations; down: the plain fact)."""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from bot.i18n import N_, translate
from bot.notices.outbound import OutboundError, after_quiet_hours, queue_message
from models import keys
from models.events import TierChanged, handles
from models.ledger.internals import program_spec
from models.partners.partner import Partner

log = logging.getLogger("saathi.tiers")
UP = N_("Congratulations! You are now {tier} in {program}.")
DOWN = N_("Your tier in {program} is now {tier}.")


@handles(TierChanged)
def tell_tier(session: Session, changed: TierChanged) -> None:
    partner = session.get(Partner, changed.partner_id)
    if partner is None:
        return
    spec = program_spec(session, changed.program_id)
    tier = spec.tier_label(changed.new, partner.language) if changed.new else "-"
    text = translate(partner.language, UP if changed.up else DOWN, tier=tier, program=spec.name)
    try:
        queue_message(session, phone=partner.phone, text=text, template="tier_change",
                      template_vars={"1": tier, "2": spec.name},
                      key=keys.tier_notice(changed.wallet_id, changed.new, changed.on),
                      not_before=after_quiet_hours(session, changed.program_id))
    except OutboundError as exc:
        log.warning("tier message not queued", extra={"partner_id": partner.id,
                                                      "error": str(exc)})
