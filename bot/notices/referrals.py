"""Tell a referrer what became of an invitation's bonus: paid, being checked, or refused (and
why), in their language; held through quiet hours like any proactive message."""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from bot.i18n import N_, NP_, translate
from bot.notices.outbound import OutboundError, after_quiet_hours, queue_message
from models import keys
from models.campaigns.leaderboard import masked
from models.campaigns.referrals import Reason
from models.campaigns.tables import Referral, ReferralStatus
from models.events import ReferralDecided, handles
from models.ledger.internals import program_spec
from models.partners.partner import Partner

log = logging.getLogger("saathi.referrals")
PAID = NP_("{program}: {name} joined with your invite code and made a first earn. You got "
           "{n} credit.",
           "{program}: {name} joined with your invite code and made a first earn. You got "
           "{n} credits.")
HELD = N_("{program}: the invite bonus for {name} is being checked ({reason}).")
REFUSED = N_("{program}: no invite bonus for {name} ({reason}).")
REASONS = {  # each at most 30 characters in every language: a DLT variable
    Reason.SELF: N_("your own phone number"),
    Reason.SAME_GSTIN: N_("the same GSTIN as yours"),
    Reason.PHONE_PREFIX: N_("a phone number like yours"),
    Reason.MONTHLY_CAP: N_("monthly invite limit reached"),
    Reason.BUDGET_CAP: N_("monthly budget reached"),
}
TEMPLATES = {ReferralStatus.PAID: "referral_paid", ReferralStatus.REVIEW: "referral_held",
             ReferralStatus.REFUSED: "referral_refused"}


@handles(ReferralDecided)
def tell_referrer(session: Session, decided: ReferralDecided) -> None:
    referral = session.get(Referral, decided.referral_id)
    referrer = session.get(Partner, referral.referrer_id)
    referee = session.get(Partner, referral.referee_id)
    if referral.status not in TEMPLATES or referral.reason == Reason.SELF:
        return  # a partner's own code: they were told when joining
    lang = referrer.language
    spec = program_spec(session, referral.program_id)
    name = masked(referee.name, None)
    reason = translate(lang, REASONS.get(referral.reason, REASONS[Reason.MONTHLY_CAP])) \
        if referral.reason else ""
    if referral.status == ReferralStatus.PAID:
        text = translate(lang, PAID, program=spec.name, name=name, n=referral.credits)
        values = {"1": spec.name, "2": name, "3": str(referral.credits)}
    else:
        text = translate(lang, HELD if referral.status == ReferralStatus.REVIEW else REFUSED,
                         program=spec.name, name=name, reason=reason)
        values = {"1": spec.name, "2": name, "3": reason}
    try:
        queue_message(session, phone=referrer.phone, text=text,
                      template=TEMPLATES[referral.status], template_vars=values,
                      key=keys.referral_notice(referral.id, referral.status),
                      not_before=after_quiet_hours(session, referral.program_id))
    except OutboundError as exc:
        log.warning("referral message not queued", extra={"partner_id": referrer.id,
                                                          "error": str(exc)})
