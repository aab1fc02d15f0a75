"""Talk to a person: a partner asks for a call back ("1") and a support ticket is opened
(models/support), or changes their mind ("2"); "call me back" on a feature phone's USSD
menu. Diagram: docs/flows/support.md."""

from __future__ import annotations

from enum import StrEnum

from bot.i18n import N_
from bot.messages import InboundMessage, Option, Reply
from bot.notices.support import opened_text
from flows import engine
from flows.answers import pick
from flows.engine import END, Context, Flow, MenuEntry, State
from flows.names import FlowName
from models.support.tickets import TicketReason, open_ticket


class S(StrEnum):
    CONFIRM = "confirm"


def _choices(ctx: Context) -> tuple[Option, ...]:
    return engine.options(ctx, [("yes", N_("Yes, call me")), ("no", N_("No"))])


def confirm_prompt(ctx: Context) -> list[Reply]:
    return [ctx.say("Shall a person from our team call you back on this number?",
                    options=_choices(ctx))]


def confirm(ctx: Context, msg: InboundMessage) -> engine.Step:
    answer = pick(msg, _choices(ctx))
    if answer is None:
        return engine.retry(ctx, "Please reply with a number from the list.")
    if answer == "no":
        return engine.done(menu=True)
    # The reply gives the promise; where it does not stay on the phone, an SMS keeps it.
    ticket = open_ticket(ctx.session, ctx.partner, channel=msg.channel,
                         reason=TicketReason.ASKED_FOR_PERSON, words=msg.text,
                         told=msg.traits.keeps_replies, call_back=True)
    return engine.done(Reply(opened_text(ctx.language, ticket.id, call_back=True)))


FLOW = engine.register(Flow(
    name=FlowName.SUPPORT, states_enum=S, start=S.CONFIRM,
    states={S.CONFIRM: State(confirm, confirm_prompt, goes=(
        (END, "a ticket opened, or not wanted"),))},
    menu=MenuEntry(N_("Talk to a person"), order=95),
))
