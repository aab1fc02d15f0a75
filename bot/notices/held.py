"""Tell a partner what the budget cap's review decided about credits it held back, where no
other notice does (product codes, invoices and invite bonuses have theirs): a certificate's
credits, an invoice's campaign bonus, and a refused milestone bonus (an approved one is
announced as reached: bot/notices/milestones.py). Held through quiet hours."""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from bot.i18n import NP_, format_credits, translate
from bot.notices.outbound import OutboundError, after_quiet_hours, queue_message
from models import keys
from models.campaigns import bonus, milestones
from models.campaigns.tables import Campaign
from models.events import OverCapDecided, handles
from models.invoices.invoice import Invoice
from models.learning.certificates import CAUSE as CERTIFICATION
from models.partners.partner import Partner
from models.programs.program import Program
from models.review.queue import ReviewItem

log = logging.getLogger("saathi.ledger")
# (approved, refused) for each kind of held earn; None: told by another notice.
TEXTS = {
    "certificate": (
        NP_("Certificate {id}: {n} credit approved. New balance: {balance}.",
            "Certificate {id}: {n} credits approved. New balance: {balance}."),
        NP_("Certificate {id}: {n} credit not approved (monthly budget reached).",
            "Certificate {id}: {n} credits not approved (monthly budget reached).")),
    "invoice_bonus": (
        NP_("Bonus on invoice {number}: {n} credit approved. New balance: {balance}.",
            "Bonus on invoice {number}: {n} credits approved. New balance: {balance}."),
        NP_("Bonus on invoice {number}: {n} credit not approved (monthly budget reached).",
            "Bonus on invoice {number}: {n} credits not approved (monthly budget reached).")),
    "milestone": (
        None,
        NP_("{program}: target reached, but its bonus of {n} credit was not approved (monthly "
            "budget reached).",
            "{program}: target reached, but its bonus of {n} credits was not approved "
            "(monthly budget reached).")),
}
TEMPLATES = {("certificate", True): "certificate_credits_approved",
             ("certificate", False): "certificate_credits_refused",
             ("invoice_bonus", True): "bonus_approved", ("invoice_bonus", False): "bonus_refused",
             ("milestone", False): "milestone_refused"}


def _held(session: Session, decided: OverCapDecided) -> tuple[str, dict[str, str]] | None:
    """Which kind of held earn was decided, and what names it; None: not one of these."""
    if decided.cause == CERTIFICATION:
        return "certificate", {"id": decided.cause_ref}
    if decided.cause != bonus.CAUSE:
        return None
    if (invoice_id := bonus.invoice_of(decided.key)) is not None:
        return "invoice_bonus", {"number": session.get(Invoice, invoice_id).number or ""}
    if (reached := milestones.held(decided.key)) is not None:
        program = session.get(Program, session.get(Campaign, reached[0]).program_id)
        return "milestone", {"program": program.spec.name}
    return None


@handles(OverCapDecided)
def tell_decided(session: Session, decided: OverCapDecided) -> None:
    """Tell the partner the review's decision (once per review item)."""
    held = _held(session, decided)
    if held is None or TEXTS[held[0]][not decided.approved] is None:
        return
    kind, names = held
    partner = session.get(Partner, decided.partner_id)
    item = session.get(ReviewItem, decided.review_item_id)
    lang = partner.language
    balance = format_credits(decided.balance, lang)
    n = decided.credits if decided.approved else int(item.payload["credits"])
    text = translate(lang, TEXTS[kind][not decided.approved], n=n, balance=balance, **names)
    values = [*names.values(), str(n), *([balance] if decided.approved else [])]
    try:
        queue_message(session, phone=partner.phone, text=text,
                      template=TEMPLATES[kind, decided.approved],
                      template_vars={str(i): v for i, v in enumerate(values, 1)},
                      key=keys.held_earn_notice(decided.review_item_id),
                      not_before=after_quiet_hours(session, item.program_id))
    except OutboundError as exc:
        log.warning("held earn message not queued", extra={"partner_id": partner.id,
                                                           "error": str(exc)})
