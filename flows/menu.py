"""The main menu: lists the flows a partner can start and starts the one chosen."""

from __future__ import annotations

from enum import StrEnum

from bot.messages import Option, Reply
from flows import engine
from flows.answers import is_numeric, pick
from flows.engine import Context, Flow, State

MEDIA_FLOW = "photo"  # the flow that takes a photo sent at the menu (invoices, QR codes)


class S(StrEnum):
    IDLE = "idle"


def entries(ctx: Context) -> list[Flow]:
    """The flows this person may start from the menu, in menu order."""
    role = ctx.partner.role if ctx.partner else None
    usable = [
        f for f in engine.FLOWS.values()
        if f.menu is not None
        and (ctx.partner is not None or not f.needs_partner)
        and (f.menu.roles is None or role in f.menu.roles)
    ]
    return sorted(usable, key=lambda f: f.menu.order)  # type: ignore[union-attr]


def prompt(ctx: Context) -> list[Reply]:
    options = menu_options(ctx)
    if ctx.partner is None:
        return [ctx.say("You are not enrolled yet. To join, send JOIN followed by the program "
                        "code on your invite, for example: JOIN CEMPRO", options=options)]
    return [ctx.say("What would you like to do? Reply with a number.", options=options)]


def menu_options(ctx: Context) -> tuple[Option, ...]:
    return tuple(Option(f.name, ctx._(f.menu.label)) for f in entries(ctx))  # type: ignore[union-attr]


def handle(ctx: Context, msg) -> engine.Step:
    if msg.media and MEDIA_FLOW in engine.FLOWS:
        flow = engine.FLOWS[MEDIA_FLOW]
        engine.enter(ctx, MEDIA_FLOW)
        return flow.entry(ctx, msg) if flow.entry else engine.go(flow.start)
    if msg.media:
        return engine.wait(ctx.say("Sorry, I cannot use a file here. Reply with a number "
                                   "from the menu."))
    if msg.location is not None:
        return engine.wait(ctx.say("Thank you, your location is noted."))
    chosen = pick(msg, menu_options(ctx))
    if chosen is None and is_numeric(msg.text):  # a number that is not on the menu
        return engine.retry(ctx, "Please reply with a number from the list.")
    if chosen is None:  # a greeting or free text: the menu is the answer
        return engine.Step(reprompt=True)
    return engine.switch(chosen)


FLOW = engine.register(Flow(
    name="menu", states_enum=S, states={S.IDLE: State(handle, prompt)}, start=S.IDLE,
    needs_partner=False,
))
