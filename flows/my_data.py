"""MY DATA and DELETE: a partner's copy of their data, or its erasure, each confirmed by a
one-time code by SMS (models/redemptions/otp.py). MY DATA answers with a link valid 24 hours
to a ZIP a job builds (by SMS on USSD); DELETE (after a warning) erases at once and says so.
Diagram: docs/flows/my_data.md."""

from __future__ import annotations

import logging
from enum import StrEnum

from bot.i18n import N_, NP_
from bot.jobs.names import Job
from bot.messages import InboundMessage, Option, Reply
from bot.notices import links, outbound
from flows import engine
from flows.answers import digits, pick
from flows.engine import END, FINISH_FIRST, Context, Flow, Kind, State
from flows.names import FlowName
from flows.redeem_text import REASONS
from models import privacy
from models.redemptions import otp

log = logging.getLogger("saathi.privacy")
EXPORT, ERASE = "export", "erase"  # the OTP purposes (and what the partner asked for)
WARNING = N_("This erases your name, shop, photos and messages for good, and ends your "
             "memberships. Unused credits are lost. Continue?")
READY_SOON = N_("Your data is being prepared. Download it within 24 hours: {link}")
LINK_BY_SMS = N_("Your data is being prepared. We sent the download link by SMS. It works for "
                 "24 hours.")
ERASED = N_("Your personal data is erased. Thank you for being with us. Send JOIN to start "
            "again any time.")
PAYOUT_RUNNING = N_("A payout of yours is still in progress. Please send DELETE again once it "
                    "has finished.")
EXPIRED = N_("The code has expired. Please send your request again.")
LOCKED = REASONS["locked"]


class S(StrEnum):
    CONFIRM = "confirm"
    OTP = "otp"


def begin(ctx: Context, msg: InboundMessage) -> engine.Step:
    ctx.data["purpose"] = ERASE if msg.text.strip().upper().startswith("DELETE") else EXPORT
    return engine.go(S.CONFIRM) if ctx.data["purpose"] == ERASE else _send_code(ctx)


def _send_code(ctx: Context) -> engine.Step:
    try:
        otp.issue(ctx.session, ctx.partner, purpose=ctx.data["purpose"],
                  ref=ctx.data["purpose"])
    except otp.OtpLocked:
        return engine.done(ctx.say(LOCKED))
    return engine.go(S.OTP)


def _choices(ctx: Context) -> tuple[Option, ...]:
    return engine.options(ctx, [("yes", N_("Yes, erase")), ("no", N_("No"))])


def confirm_prompt(ctx: Context) -> list[Reply]:
    return [ctx.say(WARNING, options=_choices(ctx))]


def confirm(ctx: Context, msg: InboundMessage) -> engine.Step:
    answer = pick(msg, _choices(ctx))
    if answer is None:
        return engine.retry(ctx, "Please reply with a number from the list.")
    if answer == "no":
        return engine.done(menu=True)
    return _send_code(ctx)


def otp_prompt(ctx: Context) -> list[Reply]:
    return [ctx.say("We sent a 6-digit code by SMS to your number ending {last}. Type it here.",
                    last=ctx.partner.phone[-4:])]


def check_otp(ctx: Context, msg: InboundMessage) -> engine.Step:
    code, purpose = digits(msg.text), ctx.data["purpose"]
    if code is None or len(code) != otp.CODE_LENGTH:
        return engine.retry(ctx, "The code has 6 digits. Please type the code from the SMS.")
    try:
        otp.verify(ctx.session, ctx.partner.id, purpose=purpose, ref=purpose, code=code)
    except otp.OtpWrong as exc:
        return engine.retry(ctx, NP_("Wrong code. {n} try left.", "Wrong code. {n} tries left."),
                            n=exc.tries_left)
    except otp.OtpLocked:
        return engine.done(ctx.say(LOCKED))
    except otp.OtpExpired:
        return engine.done(ctx.say(EXPIRED))
    return _export(ctx) if purpose == EXPORT else _erase(ctx)


def _export(ctx: Context) -> engine.Step:
    export, token = privacy.request_export(ctx.session, ctx.partner)
    ctx.enqueue(Job.BUILD_EXPORT, export.id)
    log.info("data export asked", extra={"partner_id": ctx.partner.id, "export_id": export.id})
    link = outbound.base_url() + f"/export/{token}"
    if not ctx.message.traits.opens_links:  # and a paged screen is stored redacted
        links.send_export_link(ctx.session, phone=ctx.partner.phone, url=link, lang=ctx.language,
                               provider_id=ctx.message.provider_id)
        return engine.done(ctx.say(LINK_BY_SMS))
    return engine.done(ctx.say(READY_SOON, link=link))


def _erase(ctx: Context) -> engine.Step:
    try:
        privacy.erase(ctx.session, ctx.partner, actor="partner", reason="asked by the partner")
    except privacy.PayoutInProgress:
        return engine.done(ctx.say(PAYOUT_RUNNING))
    return engine.done(ctx.say(ERASED))


FLOW = engine.register(Flow(
    name=FlowName.MY_DATA, states_enum=S, start=S.CONFIRM, triggers=("MYDATA", "DELETE"),
    entry=State(text=begin, goes=((S.CONFIRM, "DELETE"), (S.OTP, "MY DATA"),
                                  (END, "locked out of codes"))),
    states={
        S.CONFIRM: State(confirm, confirm_prompt, goes=(S.OTP, (END, "no, locked"))),
        S.OTP: State(check_otp, otp_prompt, goes=((END, "link sent, erased, expired, locked"),)),
    },
    fallbacks={Kind.MEDIA: FINISH_FIRST},
))
