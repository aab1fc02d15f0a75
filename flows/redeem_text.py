"""What the redeem flow says: refusal reasons, catalog lines and the summary before the OTP."""

from __future__ import annotations

from bot.i18n import N_, NP_, format_credits, format_rupees
from bot.logs import mask_vpa
from bot.messages import Option, Reply
from flows.engine import Context
from models.programs.catalog import CatalogItem, ItemKind, rupees_paise

REASONS = {
    "suspended": N_("Your account is suspended, so you cannot redeem now."),
    "opted_out": N_("You have stopped messages, so you cannot redeem. Send START first."),
    "tier": N_("This reward is not open to your tier yet."),
    "balance": N_("You do not have enough credits for that."),
    "daily_cap": N_("That is over today's redemption limit. Please try again tomorrow."),
    "out_of_stock": N_("Sorry, this reward is out of stock."),
    "no_distributor": N_("No distributor is linked to you, so this voucher cannot be used."),
    "vpa": N_("Your UPI id is missing or wrong. Send REDEEM to add it."),
    "stale": N_("This redemption is no longer open. Send REDEEM to start again."),
    "locked": N_("Too many wrong codes. Please try again in 30 minutes."),
}


def item_option(ctx: Context, item: CatalogItem, credit_value_paise: int) -> Option:
    """One catalog line: "UPI cashback: 100–2,500 credits" or "Shop signage: 500 credits"."""
    lang = ctx.language
    if item.kind == ItemKind.UPI:
        label = ctx._("{label}: {low}–{high} credits", label=item.label_in(lang),
                      low=format_credits(item.min_credits, lang),  # type: ignore[arg-type]
                      high=format_credits(item.max_credits, lang))  # type: ignore[arg-type]
    else:
        label = ctx._(NP_("{label}: {n} credit ({rupees})", "{label}: {n} credits ({rupees})"),
                      label=item.label_in(lang), n=item.credits,
                      rupees=format_rupees(rupees_paise(item.credits, credit_value_paise),
                                           lang))  # type: ignore[arg-type]
    return Option(item.key, label)


def summary(ctx: Context, item: CatalogItem, credits: int, credit_value_paise: int,
            vpa: str | None, options: tuple[Option, ...]) -> Reply:
    """The summary to confirm: credits, rupee value and, for UPI, the masked destination."""
    lang = ctx.language
    values = {"n": credits, "label": item.label_in(lang),
              "rupees": format_rupees(rupees_paise(credits, credit_value_paise), lang)}
    if item.kind == ItemKind.UPI:
        return ctx.say(NP_("{n} credit = {rupees} to {vpa}. Confirm?",
                           "{n} credits = {rupees} to {vpa}. Confirm?"), options=options,
                       vpa=mask_vpa(vpa or ""), **values)
    if item.kind == ItemKind.DISTRIBUTOR_VOUCHER:
        worth = ctx._(NP_("{label} voucher worth {rupees} for {n} credit.",
                          "{label} voucher worth {rupees} for {n} credits."), **values)
        valid = ctx._(NP_("Valid for {n} day. Confirm?", "Valid for {n} days. Confirm?"),
                      n=item.validity_days)
        return Reply(f"{worth} {valid}", options=options)
    return ctx.say(NP_("{label} for {n} credit. Confirm?", "{label} for {n} credits. Confirm?"),
                   options=options, **values)
