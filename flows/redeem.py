"""Redeem credits: REDEEM (or the menu) → what you can afford → amount → UPI id → summary →
OTP by SMS → credits held, job runs, the result follows as a message.
Diagram: docs/flows/redeem.md."""

from __future__ import annotations

import logging
from enum import StrEnum

from bot.i18n import N_, NP_, format_credits, format_rupees
from bot.logs import mask_vpa
from bot.messages import InboundMessage, Option, Reply
from flows import choose_program, engine
from flows.answers import digits, number, pick
from flows.choose_program import Needs
from flows.engine import END, FINISH_FIRST, Context, Flow, Kind, MenuEntry, State
from flows.names import FlowName
from flows.nlu.entities import amount_in_words
from flows.redeem_text import REASONS, item_option, summary
from flows.voice import voice_later
from models import redemptions
from models.programs.catalog import CatalogItem, ItemKind, catalog_of
from models.programs.program import Program
from models.redemptions import otp
from models.redemptions.redemption import Redemption, Refused

log = logging.getLogger("saathi.redeem")
WANTED = "redeem_credits"  # kept: the amount a partner typed after REDEEM


def _refuse(ctx: Context, reason: str) -> engine.Step:
    """End the redemption with the reason in the partner's language."""
    return engine.done(ctx.say(REASONS[reason]), menu=True)


class S(StrEnum):
    PROGRAM = "program"
    CHOOSE = "choose"
    AMOUNT = "amount"
    VPA = "vpa"
    CONFIRM = "confirm"
    OTP = "otp"


def _program(ctx: Context) -> Program:
    return ctx.session.get(Program, ctx.data["program_id"])


def _item(ctx: Context) -> CatalogItem:
    return catalog_of(_program(ctx).spec.catalog).item(ctx.data["item"])  # type: ignore


def which_program(ctx: Context) -> engine.Step:
    return choose_program.call(Needs.REWARDS, ask=N_("Redeem credits from which program?"),
                               none=N_("You are not in a program with rewards yet."))


def to_rewards(ctx: Context) -> engine.Step:
    return engine.go(S.CHOOSE)


def _choices(ctx: Context) -> tuple[Option, ...]:
    program = _program(ctx)
    items = redemptions.affordable(ctx.session, ctx.partner, program)
    return tuple(item_option(ctx, i, program.spec.credit_value_paise) for i in items)


def _have(ctx: Context) -> int:
    return redemptions.available(ctx.session, ctx.partner.id, ctx.data["program_id"])


def out_of_reach(ctx: Context) -> engine.Step | None:
    """End here when no reward is within reach."""
    if _choices(ctx):
        return None
    return engine.done(ctx.say(NP_("You have {n} credit. No reward is within reach yet; keep "
                                   "earning!", "You have {n} credits. No reward is within "
                                   "reach yet; keep earning!"), n=_have(ctx)))


def choose_prompt(ctx: Context) -> list[Reply]:
    return [ctx.say(NP_("You have {n} credit. What would you like?",
                        "You have {n} credits. What would you like?"), n=_have(ctx),
                    options=_choices(ctx))]


def want(ctx: Context, credits: int | None) -> None:
    """Remember the amount typed with the command ("REDEEM 500" by SMS): the cash reward
    takes it instead of asking."""
    if credits is None:
        ctx.forget(WANTED)
    else:
        ctx.keep(WANTED, {"credits": credits})


def choose(ctx: Context, msg: InboundMessage) -> engine.Step:
    key = pick(msg, _choices(ctx))
    if key is None:
        return engine.retry(ctx, "Please reply with the number of a reward.")
    ctx.data["item"] = key
    item = _item(ctx)
    wanted = ctx.kept(WANTED)
    ctx.forget(WANTED)
    if item.kind != ItemKind.UPI:
        return _checked(ctx, item.credits)  # type: ignore[arg-type]
    try:  # say now if even the smallest amount cannot be had (today's cap), not after asking
        redemptions.check(ctx.session, ctx.partner, _program(ctx), item, item.lowest)
    except Refused as exc:
        return _refuse(ctx, exc.reason)
    if wanted is None:
        return engine.go(S.AMOUNT)
    step = _amount(ctx, wanted["credits"])  # a wrong amount is asked for again, as typed
    return engine.go(S.AMOUNT, *step.replies) if step.again else step


def _most(ctx: Context) -> int:
    return redemptions.most_credits(ctx.session, ctx.partner, _program(ctx), _item(ctx))


def _checked(ctx: Context, credits: int) -> engine.Step:
    """Check the limits for `credits`; then ask for the UPI id if needed, or summarise."""
    try:
        redemptions.check(ctx.session, ctx.partner, _program(ctx), _item(ctx), credits)
    except Refused as exc:
        return _refuse(ctx, exc.reason)
    ctx.data["credits"] = credits
    if _item(ctx).kind == ItemKind.UPI and not ctx.partner.upi_vpa:
        return engine.go(S.VPA)
    return engine.go(S.CONFIRM)


def amount_prompt(ctx: Context) -> list[Reply]:
    item = _item(ctx)
    return [ctx.say("How many credits? From {low} to {high}, in steps of {step}.",
                    low=format_credits(item.min_credits, ctx.language),  # type: ignore
                    high=format_credits(_most(ctx), ctx.language),
                    step=format_credits(item.step_credits, ctx.language))]


def _credits(text: str) -> int | None:
    """An amount in digits, or in words alone ("paanch sau", "ਪੰਜ ਸੌ")."""
    found = number(text)
    return found if found is not None else amount_in_words(text)


def hears_amount(_ctx: Context, msg: InboundMessage) -> bool:
    return _credits(msg.text) is not None


def hears_reward(ctx: Context, msg: InboundMessage) -> bool:
    return pick(msg, _choices(ctx)) is not None


def amount(ctx: Context, msg: InboundMessage) -> engine.Step:
    credits = _credits(msg.text)
    if credits is None:
        return engine.retry(ctx, "Please send the number of credits, like 500.")
    return _amount(ctx, credits)


def _amount(ctx: Context, credits: int) -> engine.Step:
    problem = _item(ctx).amount_problem(credits)
    if problem == "range":
        return engine.retry(ctx, "That amount is outside the allowed range.")
    if problem == "step":
        return engine.retry(ctx, "That amount is not one of the allowed steps.")
    if credits > (most := _most(ctx)):  # over the balance or today's cap: ask again
        return engine.retry(ctx, "That is more than you can redeem now. The most you can "
                            "redeem now is {most} credits.",
                            most=format_credits(most, ctx.language))
    return _checked(ctx, credits)


def vpa_prompt(ctx: Context) -> list[Reply]:
    return [ctx.say("Send your UPI id, like name@okhdfc.")]


def vpa(ctx: Context, msg: InboundMessage) -> engine.Step:
    found = redemptions.valid_vpa(msg.text)
    if found is None:
        log.info("upi id refused", extra={"partner_id": ctx.partner.id})
        return engine.retry(ctx, "That does not look like a UPI id (name@bank).")
    ctx.partner.upi_vpa = found
    log.info("upi id saved", extra={"partner_id": ctx.partner.id, "vpa": mask_vpa(found)})
    return engine.go(S.CONFIRM)


def _confirm_options(ctx: Context) -> tuple[Option, ...]:
    pairs = [("yes", N_("Confirm")), ("cancel", N_("Cancel"))]
    if _item(ctx).kind == ItemKind.UPI:
        pairs.insert(1, ("vpa", N_("Change UPI id")))
    return engine.options(ctx, pairs)


def confirm_prompt(ctx: Context) -> list[Reply]:
    program, item = _program(ctx), _item(ctx)
    asked = summary(ctx, item, ctx.data["credits"], program.spec.credit_value_paise,
                    ctx.partner.upi_vpa, _confirm_options(ctx))
    return [asked, *voice_later(ctx, asked)]  # amounts: the note comes from a job


def confirm(ctx: Context, msg: InboundMessage) -> engine.Step:
    answer = pick(msg, _confirm_options(ctx))
    if answer is None:
        return engine.retry(ctx, "Please reply 1 to confirm or choose another option.")
    if answer == "vpa":
        return engine.go(S.VPA)
    if answer == "cancel":
        return engine.done(ctx.say("Cancelled. Your credits are untouched."), menu=True)
    try:
        redemption = redemptions.start(ctx.session, ctx.partner, _program(ctx), _item(ctx),
                                       ctx.data["credits"], ctx.partner.upi_vpa)
    except Refused as exc:
        return _refuse(ctx, exc.reason)
    except otp.OtpLocked:
        return _refuse(ctx, "locked")
    ctx.data["redemption_id"] = redemption.id
    return engine.go(S.OTP)


def otp_prompt(ctx: Context) -> list[Reply]:
    return [ctx.say("We sent a 6-digit code by SMS to your number ending {last}. Type it here.",
                    last=ctx.partner.phone[-4:])]


def check_otp(ctx: Context, msg: InboundMessage) -> engine.Step:
    redemption: Redemption | None = redemptions.lock(ctx.session, ctx.data["redemption_id"])
    if redemption is None or redemption.status != redemptions.Status.AWAITING_OTP:
        return _refuse(ctx, "stale")
    code = digits(msg.text)
    if code is None or len(code) != otp.CODE_LENGTH:  # a slip of the thumb, not a guess
        return engine.retry(ctx, "The code has 6 digits. Please type the code from the SMS.")
    try:
        redemptions.confirm(ctx.session, redemption, code)
    except otp.OtpWrong as exc:
        return engine.retry(ctx, NP_("Wrong code. {n} try left.", "Wrong code. {n} tries left."),
                            n=exc.tries_left)
    except otp.OtpLocked:
        redemptions.cancel(ctx.session, redemption, reason="otp locked")
        return _refuse(ctx, "locked")
    except otp.OtpExpired:
        redemptions.cancel(ctx.session, redemption, reason="otp expired")
        return engine.done(ctx.say("The code has expired. Send REDEEM to start again."))
    except Refused as exc:
        redemptions.cancel(ctx.session, redemption, reason=exc.reason)
        return _refuse(ctx, exc.reason)
    confirmed = ctx.say("Confirmed. Processing {rupees}… we will message you the result.",
                        rupees=format_rupees(redemption.value_paise, ctx.language))
    return engine.done(confirmed, *voice_later(ctx, confirmed))


FLOW = engine.register(Flow(
    name=FlowName.REDEEM, states_enum=S, start=S.PROGRAM, triggers=("REDEEM",),
    states={
        S.PROGRAM: State(before=which_program, resume=to_rewards,
                         goes=(FlowName.CHOOSE_PROGRAM, S.CHOOSE)),
        S.CHOOSE: State(choose, choose_prompt, before=out_of_reach, hears=hears_reward,
                        goes=((S.AMOUNT, "UPI"), (S.CONFIRM, "a voucher, or REDEEM <amount>"),
                              (S.VPA, "REDEEM <amount>, no UPI id yet"),
                              (END, "refused, or none within reach"))),
        S.AMOUNT: State(amount, amount_prompt, hears=hears_amount,
                        goes=((S.VPA, "no UPI id yet"), S.CONFIRM, (END, "refused"))),
        S.VPA: State(vpa, vpa_prompt, free_text=True, goes=(S.CONFIRM,)),
        S.CONFIRM: State(confirm, confirm_prompt,
                         goes=((S.VPA, "change UPI id"), (S.OTP, "confirm"),
                               (END, "cancel, refused"))),
        S.OTP: State(check_otp, otp_prompt, goes=((END, "confirmed, locked, expired"),)),
    },
    menu=MenuEntry(N_("Redeem credits"), order=40),
    fallbacks={Kind.MEDIA: FINISH_FIRST},
))
