"""The main menu: lists the flows a partner can start and starts the one chosen; a file sent
here is an invoice (or a product QR code: the invoice flow's job tells them apart)."""

from __future__ import annotations

from collections.abc import Iterator
from enum import StrEnum

from bot.i18n import N_, translate
from bot.messages import ChannelTraits, InboundMessage, Option, Reply
from flows import engine
from flows.answers import is_numeric, pick
from flows.engine import ANY_FLOW, Context, Fallback, Flow, Kind, State
from flows.names import FlowName
from flows.voice import spoken, voice_reply
from models.partners.partner import Role
from models.programs.speech import Script

NOT_ENROLLED = N_("You are not enrolled yet. To join, send JOIN followed by the program code "
                  "on your invite, for example: JOIN CEMPRO")
STOPPED = N_("You will not get any more messages from us. Send START to come back.")
ASK = N_("What would you like to do? Reply with a number.")
SPEAKS = ChannelTraits(plays_audio=True)  # where the menu's voice note is heard


class S(StrEnum):
    IDLE = "idle"


def entries(ctx: Context) -> list[engine.Flow]:
    """The flows this person may start from the menu, in menu order."""
    return entries_for(ctx.partner is not None, ctx.partner.role if ctx.partner else None,
                       ctx.message.traits)


def entries_for(enrolled: bool, role: str | None, traits: ChannelTraits) -> list[engine.Flow]:
    """The menu's flows for a partner (`enrolled`, `role`) on a channel that can do `traits`:
    an entry that needs audio is left out where none plays."""
    usable = [
        f for f in engine.FLOWS.values()
        if f.menu is not None
        and (enrolled or not f.needs_partner)
        and (f.roles is None or role in f.roles)
        and (traits.plays_audio or not f.menu.needs_audio)
    ]
    return sorted(usable, key=lambda f: f.menu.order)  # type: ignore[union-attr]


def menu_reply(lang: str, role: str, traits: ChannelTraits) -> Reply:
    """The menu an enrolled partner with `role` sees in `lang` (its voice note says the same,
    numbered: `spoken`)."""
    return Reply(translate(lang, ASK), options=tuple(
        Option(f.name, translate(lang, f.menu.label))  # type: ignore[union-attr]
        for f in entries_for(True, role, traits)))


def scripts(languages: list[str]) -> Iterator[Script]:
    """The menu's voice notes, one per language and distinct menu (roles see different
    entries), made when a program loads (workers/speech): its text is fixed per language."""
    seen: set[tuple[str, str]] = set()
    for lang in languages:
        for role in Role:
            text = spoken(menu_reply(lang, role, SPEAKS))
            if (lang, text) not in seen:
                seen.add((lang, text))
                yield Script(lang, text)


def prompt(ctx: Context) -> list[Reply]:
    if ctx.partner is None:
        return [ctx.say(NOT_ENROLLED, options=menu_options(ctx))]
    menu = menu_reply(ctx.language, ctx.partner.role, ctx.message.traits)
    return [menu, *voice_reply(ctx, ctx.language, spoken(menu))]


def menu_options(ctx: Context) -> tuple[Option, ...]:
    return tuple(Option(f.name, ctx._(f.menu.label)) for f in entries(ctx))  # type: ignore[union-attr]


def choose(ctx: Context, msg: InboundMessage) -> engine.Step:
    chosen = pick(msg, menu_options(ctx))
    if chosen is None and is_numeric(msg.text):  # a number that is not on the menu
        return engine.retry(ctx, "Please reply with a number from the list.")
    if chosen is None:  # a greeting or free text: the menu is the answer
        return engine.again()
    return engine.switch(chosen)


def file_sent(ctx: Context, msg: InboundMessage) -> engine.Step:
    return engine.switch(FlowName.INVOICE, forward=True)


FLOW = engine.register(Flow(
    name=FlowName.MENU, states_enum=S, start=S.IDLE, needs_partner=False,
    states={S.IDLE: State(choose, prompt, media=file_sent,
                          goes=((ANY_FLOW, "a menu entry"), (FlowName.INVOICE, "a file")))},
    fallbacks={Kind.LOCATION: Fallback(N_("Thank you, your location is noted."), again=False)},
))
