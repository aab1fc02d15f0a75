"""Talk to a person: a partner asks for a call back, and a support ticket is opened.

    [menu: Talk to a person] --> CONFIRM --"1"--> ticket opened (models/support) --> done
                                         --"2"--> done (menu)
"""

from __future__ import annotations

from enum import StrEnum

from bot.i18n import N_
from bot.messages import Reply
from flows import engine
from flows.answers import pick
from flows.engine import Context, Flow, MenuEntry, State
from models.support.tickets import TicketReason, open_ticket


class S(StrEnum):
    CONFIRM = "confirm"


def _choices(ctx: Context):
    return engine.options(ctx, [("yes", N_("Yes, call me")), ("no", N_("No"))])


def confirm_prompt(ctx: Context) -> list[Reply]:
    return [ctx.say("Shall a person from our team call you back on this number?",
                    options=_choices(ctx))]


def confirm(ctx: Context, msg) -> engine.Step:
    answer = pick(msg.text, _choices(ctx))
    if answer is None:
        return engine.retry(ctx, "Please reply with a number from the list.")
    if answer == "no":
        return engine.done(menu=True)
    ticket = open_ticket(ctx.session, ctx.partner, channel=msg.channel,
                         reason=TicketReason.ASKED_FOR_PERSON, words=msg.text)
    return engine.done(ctx.say("Thank you. We will call you back soon (ticket {ticket}).",
                               ticket=ticket.id))


FLOW = engine.register(Flow(
    name="support", states_enum=S, states={S.CONFIRM: State(confirm, confirm_prompt)},
    start=S.CONFIRM, menu=MenuEntry(N_("Talk to a person"), order=95),
))
