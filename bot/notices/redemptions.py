"""Redemptions: start the fulfil job of a confirmed one, and tell a partner how theirs ended
(a proactive message, once per outcome)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot import jobs
from bot.i18n import N_, NP_, Message, format_rupees, translate
from bot.jobs.names import Job
from bot.logs import mask_vpa
from bot.notices import outbound
from models.events import PayoutEnded, RedemptionConfirmed, handles
from models.partners.partner import Partner
from models.programs.catalog import CatalogItem
from models.redemptions.redemption import Redemption

TEMPLATE = "redemption_update"  # a WhatsApp template with one variable, for outside 24 hours

PAID = NP_("{rupees} sent to {vpa}. {n} credit redeemed. Ref: {ref}",
           "{rupees} sent to {vpa}. {n} credits redeemed. Ref: {ref}")
PAYOUT_FAILED = NP_("Sorry, the payout of {rupees} to {vpa} did not go through. Your {n} "
                    "credit is back in your wallet.",
                    "Sorry, the payout of {rupees} to {vpa} did not go through. Your {n} "
                    "credits are back in your wallet.")
PAYOUT_RETURNED = NP_("Your bank sent back the payout of {rupees} to {vpa}. Your {n} credit is "
                      "back in your wallet.",
                      "Your bank sent back the payout of {rupees} to {vpa}. Your {n} credits "
                      "are back in your wallet.")
VOUCHER = N_("Your voucher for {label}: {code}. Show it at {distributor} by {date}.")
STOCK_CODE = N_("Your {label} code: {code}")
OUT_OF_STOCK = NP_("Sorry, {label} is out of stock. Your {n} credit is back in your wallet.",
                   "Sorry, {label} is out of stock. Your {n} credits are back in your wallet.")
EXPIRED = NP_("Your voucher {code} expired unused. Your {n} credit is back in your wallet.",
              "Your voucher {code} expired unused. Your {n} credits are back in your wallet.")


def tell(session: Session, partner_id: int, msgid: Message, *, key: str,
         media_urls: tuple[str, ...] = (), item: CatalogItem | None = None,
         **values: object) -> None:
    """Queue `msgid` in the partner's language, with rupees, the credits (the count `{n}`)
    and the catalog item's label (`{label}`) in it."""
    partner = session.get(Partner, partner_id)
    lang = partner.language
    if item is not None:
        values["label"] = item.label_in(lang)
    if "paise" in values:
        values["rupees"] = format_rupees(int(values.pop("paise")), lang)  # type: ignore[arg-type]
    if "credits" in values:
        values["n"] = int(values.pop("credits"))  # type: ignore[arg-type]
    if values.get("vpa"):
        values["vpa"] = mask_vpa(str(values["vpa"]))
    text = translate(lang, msgid, **values)
    outbound.queue_message(session, phone=partner.phone, text=text, media_urls=media_urls,
                           key=key, template=TEMPLATE, template_vars={"1": text})


_OUTCOMES = {"paid": PAID, "failed": PAYOUT_FAILED, "returned": PAYOUT_RETURNED}


@handles(PayoutEnded)
def tell_payout(session: Session, ended: PayoutEnded) -> None:
    redemption = session.get(Redemption, ended.redemption_id)
    tell(session, redemption.partner_id, _OUTCOMES[ended.outcome], key=ended.key,
         paise=redemption.value_paise, vpa=redemption.vpa, credits=redemption.credits,
         ref=redemption.payout_id)


@handles(RedemptionConfirmed)
def fulfil(session: Session, confirmed: RedemptionConfirmed) -> None:
    jobs.after_commit(session, Job.FULFIL_REDEMPTION, confirmed.redemption_id)
