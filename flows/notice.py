"""The privacy notice: shown where consent is asked (joining, and again at the next message
after a program raises its notice version), and LEAVE / STOP <code>, which withdraw consent
in one message. WhatsApp links to the full notice in the partner's language; SMS and USSD
carry the program's short form (programs/*.yaml `privacy.summary`).
Diagram: docs/flows/notice.md."""

from __future__ import annotations

import logging
from enum import StrEnum

from bot.i18n import N_
from bot.messages import InboundMessage, Option, Reply
from bot.notices import outbound
from flows import engine
from flows.answers import pick
from flows.engine import END, FINISH_FIRST, Context, Flow, Kind, State
from flows.names import FlowName
from models import privacy
from models.programs.labels import local
from models.programs.program import Program

log = logging.getLogger("saathi.privacy")
ASK_LINK = N_("Do you accept the {program} terms? How we use your data: {link}")
ASK_SHORT = N_("{notice} Accept {program} terms?")
UPDATED_LINK = N_("{program} changed how it uses your data: {link} Do you accept?")
UPDATED_SHORT = N_("New notice: {notice} Accept {program} terms?")
LEFT = N_("You left {program} and withdrew your consent. Your credits stay. Send JOIN {code} "
          "to come back.")
NOTHING_TO_LEAVE = N_("You are not a member of that program.")


def notice_link(program: Program, lang: str) -> str:
    """The public page with the program's full notice in `lang`."""
    return f"{outbound.base_url()}/privacy/{program.code}/{lang}"


def consent_options(ctx: Context) -> tuple[Option, ...]:
    return engine.options(ctx, [("yes", N_("Yes, I agree")), ("no", N_("No"))])


def ask(ctx: Context, program: Program, *, updated: bool = False) -> Reply:
    """The consent question with the notice: a link, or the short form on SMS and USSD."""
    options = consent_options(ctx)
    if ctx.message.traits.short_form:
        summary = local(program.spec.privacy.summary, ctx.language)
        return ctx.say(UPDATED_SHORT if updated else ASK_SHORT, notice=summary,
                       program=program.code, options=options)
    return ctx.say(UPDATED_LINK if updated else ASK_LINK, program=program.name,
                   link=notice_link(program, ctx.language), options=options)


def agreed(ctx: Context, program: Program) -> None:
    """Log the partner's yes to the program's current notice, on this message."""
    privacy.record(ctx.session, ctx.partner, program, privacy.ConsentAction.GIVEN,
                   channel=ctx.message.channel, message_id=ctx.message.provider_id)


def leave(ctx: Context, code: str | None) -> list[Reply]:
    """LEAVE [<code>] or STOP <code>: withdraw consent to the program(s) in one message."""
    programs = privacy.memberships_to_leave(ctx.session, ctx.partner.id, code)
    if not programs:
        return [ctx.say(NOTHING_TO_LEAVE)]
    for program in programs:
        privacy.withdraw(ctx.session, ctx.partner, program, channel=ctx.message.channel,
                         message_id=ctx.message.provider_id)
        log.info("consent withdrawn", extra={"partner_id": ctx.partner.id,
                                             "program": program.code})
    engine.to_menu(ctx)
    return [ctx.say(LEFT, program=", ".join(p.name for p in programs),
                    code=programs[0].code)]


def outdated(ctx: Context) -> bool:
    """True when a program of the partner's raised its notice since they agreed."""
    if ctx.notice_outdated is not None:
        return ctx.notice_outdated
    return privacy.outdated_notice(ctx.session, ctx.partner.id) is not None


# The re-ask: one question, at the partner's next message after the notice changed.

class S(StrEnum):
    ASK = "ask"


def _program(ctx: Context) -> Program | None:
    return privacy.outdated_notice(ctx.session, ctx.partner.id)


def ask_prompt(ctx: Context) -> list[Reply]:
    program = _program(ctx)
    return [ask(ctx, program, updated=True)] if program is not None else []


def take_answer(ctx: Context, msg: InboundMessage) -> engine.Step:
    program = _program(ctx)
    if program is None:
        return engine.done(menu=True)
    answer = pick(msg, consent_options(ctx))
    if answer is None:
        return engine.retry(ctx, "Please reply 1 for yes or 2 for no.")
    if answer == "no":
        return engine.done(*leave(ctx, program.code))
    agreed(ctx, program)
    if privacy.outdated_notice(ctx.session, ctx.partner.id) is not None:
        return engine.again()
    return engine.done(ctx.say("Thank you. Your consent is recorded."), menu=True)


FLOW = engine.register(Flow(
    name=FlowName.NOTICE, states_enum=S, start=S.ASK,
    states={S.ASK: State(take_answer, ask_prompt, goes=(
        (END, "agreed (menu), or said no (consent withdrawn)"),))},
    fallbacks={Kind.MEDIA: FINISH_FIRST},
))
