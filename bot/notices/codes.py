"""Tell a partner what a reviewer decided about a flagged product code."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.i18n import N_, NP_, format_credits, translate
from bot.notices.outbound import queue_message
from models import keys
from models.events import ScanReviewed, handles
from models.partners.partner import Partner

APPROVED = NP_("Code {code} was approved: {n} credit added. New balance: {balance}.",
               "Code {code} was approved: {n} credits added. New balance: {balance}.")
REJECTED = N_("Code {code} was not approved after review, so no credits were added.")
BUDGET_REFUSED = N_("Code {code} was not approved (monthly budget reached), so no credits "
                    "were added.")


@handles(ScanReviewed)
def tell_review(session: Session, reviewed: ScanReviewed) -> None:
    partner = session.get(Partner, reviewed.partner_id)
    lang = partner.language
    if reviewed.approved:
        text = translate(lang, APPROVED, code=reviewed.code, n=reviewed.credits,
                         balance=format_credits(reviewed.balance, lang))
    else:
        text = translate(lang, BUDGET_REFUSED if reviewed.budget else REJECTED,
                         code=reviewed.code)
    queue_message(session, phone=partner.phone, text=text, template="scan_review",
                  template_vars={"1": text}, key=keys.scan_review(reviewed.review_item_id))
