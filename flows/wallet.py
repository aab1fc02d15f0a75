"""My credits: balance per program (with tier and distance to the next), the last entries in
plain words, and credits expiring in the next 30 days. Diagram: docs/flows/wallet.md."""

from __future__ import annotations

from enum import StrEnum

from bot.i18n import N_, NP_, format_credits, format_rupees, translate
from bot.messages import InboundMessage, Option, Reply
from flows import choose_program, engine
from flows.answers import pick
from flows.choose_program import Needs
from flows.engine import END, Context, Flow, MenuEntry, State
from flows.names import FlowName
from models import ledger
from models.base import ist_date
from models.codes.format import group
from models.programs.program import Program
from models.programs.schema import ProgramSpec

EXPIRING_DAYS = 30
HISTORY_LINES = 5
# What a history line says, from the entry's cause and reference only: its description is
# written for the ledger's readers (in English, by code or by an admin) and is never shown.
CAUSES = {
    "certification": N_("for certificate {ref}"),
    "invoice": N_("for invoice {ref}"),
    "qr_code": N_("for product code {ref}"),
    "redemption": N_("redeemed, request {ref}"),
    "voucher": N_("voucher, request {ref}"),
    "expiry": N_("expired"),
    "adjustment": N_("correction by the program team"),
    "reversal": N_("taken back: {ref}"),
}
RETURNED = N_("returned from request {ref}")
NO_CREDITS = N_("No credits yet. Upload an invoice or scan a product code to earn.")
REDEMPTION_REF = "redemption:"  # models/redemptions/redemption.py: cause_ref of a redemption's hold


class S(StrEnum):
    PROGRAM = "program"
    VIEW = "view"


def _program(ctx: Context) -> Program:
    return ctx.session.get(Program, ctx.data["program_id"])


def _amount(ctx: Context, credits: int) -> str:
    return format_credits(credits, ctx.language)


def _distance(lang: str | None, tier: ledger.TierInfo) -> str:
    if tier.unit == "paise":
        return translate(lang, "{amount} more in purchases",
                         amount=format_rupees(tier.distance, lang))
    if tier.unit == "cases":
        return translate(lang, NP_("{n} more case", "{n} more cases"), n=tier.distance)
    return translate(lang, NP_("{n} more credit", "{n} more credits"), n=tier.distance)


def balance_reply(ctx: Context, program: Program | None = None) -> Reply:
    """The balance of `program` (default: the chosen one), its worth in rupees, tier and
    next tier."""
    program = program or _program(ctx)
    spec = program.spec
    bal = ledger.wallet_balance(ctx.session, ctx.partner.id, program.id)
    lines = [ctx._("{program} · {currency}: {credits} (worth {rupees})", program=spec.name,
                   credits=_amount(ctx, bal.balance), currency=spec.currency_in(ctx.language),
                   rupees=format_rupees(bal.balance * spec.credit_value_paise, ctx.language))]
    if bal.available != bal.balance:
        lines.append(ctx._("Available now: {credits}", credits=_amount(ctx, bal.available)))
    if bal.held:
        lines.append(ctx._("Being redeemed: {credits}", credits=_amount(ctx, bal.held)))
    if bal.locked:
        lines.append(ctx._("Locked for the return window: {credits}",
                           credits=_amount(ctx, bal.locked)))
    if bal.debt:
        lines.append(ctx._("To be recovered from your next credits: {credits}",
                           credits=_amount(ctx, bal.debt)))
    return Reply("\n".join(lines + tier_lines(ctx, program)))


def tier_lines(ctx: Context, program: Program) -> list[str]:
    """The partner's tier in `program` and what the next one takes."""
    return tier_text(ctx.language, program.spec,
                     ledger.current_tier(ctx.session, ctx.partner.id, program.id))


def tier_text(lang: str | None, spec: ProgramSpec, tier: ledger.TierInfo) -> list[str]:
    """The lines that say `tier` of a program `spec` in `lang`."""
    lines = []
    if tier.name:
        lines.append(translate(lang, "Tier: {tier}", tier=spec.tier_label(tier.name, lang)))
    if tier.next_name and tier.distance == 0:
        lines.append(translate(lang, "Next tier {tier}: reached! It shows after the next tier "
                               "update.", tier=spec.tier_label(tier.next_name, lang)))
    elif tier.next_name:
        lines.append(translate(lang, "Next tier {tier}: {distance}",
                               tier=spec.tier_label(tier.next_name, lang),
                               distance=_distance(lang, tier)))
    return lines


def _ref(line: ledger.HistoryLine) -> str:
    """The entry's reference as the partner knows it: 'ABCD-1234-…', 'INV-22', '17'."""
    ref = line.cause_ref.removeprefix(REDEMPTION_REF)
    return group(ref) if line.cause == "qr_code" else ref


def _describe(ctx: Context, line: ledger.HistoryLine) -> str:
    if line.cause in ("redemption", "voucher") and line.credits > 0:
        return ctx._(RETURNED, ref=_ref(line))
    return ctx._(CAUSES.get(line.cause, N_("{ref}")), ref=_ref(line))


def history_reply(ctx: Context, program_id: int | None = None) -> Reply:
    """The last entries, newest first: "+120 for invoice INV-2231"."""
    lines = ledger.history(ctx.session, ctx.partner.id, program_id or ctx.data["program_id"],
                           limit=HISTORY_LINES)
    if not lines:
        return ctx.say(NO_CREDITS)
    body = [ctx._("Your last entries:")]
    for line in lines:
        sign = "+" if line.credits > 0 else "-"
        body.append(f"{ist_date(line.at):%d-%m} {sign}{_amount(ctx, abs(line.credits))} "
                    f"{_describe(ctx, line)}")
    return Reply("\n".join(body))


def expiring_reply(ctx: Context, program_id: int | None = None) -> Reply:
    """Credits expiring within 30 days, by date (in the program chosen, or `program_id`)."""
    soon = ledger.expiring(ctx.session, ctx.partner.id, program_id or ctx.data["program_id"],
                           within_days=EXPIRING_DAYS)
    if not soon:
        return ctx.say(NP_("No credits expire in the next {n} day.",
                           "No credits expire in the next {n} days."), n=EXPIRING_DAYS)
    body = [ctx._(NP_("Expiring in the next {n} day:", "Expiring in the next {n} days:"),
                  n=EXPIRING_DAYS)]
    body += [ctx._("{credits} on {date}", credits=_amount(ctx, credits),
                   date=day.strftime("%d-%m-%Y")) for credits, day in soon]
    return Reply("\n".join(body))


def which_program(ctx: Context) -> engine.Step:
    return choose_program.call(
        Needs.ANY, ask=N_("Which program?"),
        none=N_("You are not in a program yet. Send JOIN and the program code."))


def show_balance(ctx: Context) -> engine.Step:
    return engine.go(S.VIEW, balance_reply(ctx))


def _view_options(ctx: Context) -> tuple[Option, ...]:
    return engine.options(ctx, [("history", N_("Last entries")),
                                ("expiring", N_("Expiring soon")), ("menu", N_("Main menu"))])


def view_prompt(ctx: Context) -> list[Reply]:
    return [ctx.say("Reply with a number.", options=_view_options(ctx))]


def view(ctx: Context, msg: InboundMessage) -> engine.Step:
    chosen = pick(msg, _view_options(ctx))
    if chosen == "history":
        return engine.go(S.VIEW, history_reply(ctx))
    if chosen == "expiring":
        return engine.go(S.VIEW, expiring_reply(ctx))
    if chosen == "menu":
        return engine.done(menu=True)
    return engine.retry(ctx, "Please reply with the number of an option.")


FLOW = engine.register(Flow(
    name=FlowName.WALLET, states_enum=S, start=S.PROGRAM, triggers=("BALANCE", "BAL"),
    states={
        S.PROGRAM: State(before=which_program, resume=show_balance,
                         goes=(FlowName.CHOOSE_PROGRAM, (S.VIEW, "the balance"))),
        S.VIEW: State(view, view_prompt,
                      goes=((S.VIEW, "last entries, expiring soon"), (END, "main menu"))),
    },
    menu=MenuEntry(N_("My credits"), order=10),
))
