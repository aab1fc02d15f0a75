"""Route one message through global words, triggers and the conversation's current state."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app

from bot.messages import Reply
from flows import engine, language, person
from flows.engine import Context
from models.partners.partner import PartnerStatus, set_status

GLOBAL_WORDS = {"MENU", "HELP", "STOP", "START", "LANG", "BACK"}
INVITED_FLOW = "enroll"  # a partner a rep invited goes here with any message until they answer
EARNING_FLOWS = frozenset({"photo", "scan", "redeem"})  # refused while a partner is suspended


def first_word(text: str) -> str:
    words = text.strip().split(maxsplit=1)
    return words[0].upper().strip(".!,") if words else ""


def process(ctx: Context) -> list[Reply]:
    """Return the replies to one inbound message; changes land on ctx.session."""
    word = first_word(ctx.message.text)
    partner = ctx.partner
    if partner is not None and partner.status == PartnerStatus.OPTED_OUT:
        if word != "START":
            return []  # opted out: nothing is sent until START
        set_status(ctx.session, partner, PartnerStatus.ACTIVE)
        welcome = ctx.say("Welcome back! You will get messages from us again.")
        return [welcome, *engine.enter(ctx, "menu")]
    if word == "STOP":
        if partner is not None:
            set_status(ctx.session, partner, PartnerStatus.OPTED_OUT)
        engine.enter(ctx, "menu")
        return [ctx.say("You will not get any more messages from us. Send START to come back.")]

    if partner is not None and (person.asks_for_person(ctx.message.text) or
                                person.is_voice_note(ctx.message)):
        return person.hand_over(ctx)
    notice = _expire_if_idle(ctx)
    replies = notice + _route(ctx, word)
    return replies


def _expire_if_idle(ctx: Context) -> list[Reply]:
    conv = ctx.conversation
    timeout = timedelta(minutes=current_app.config["CONVERSATION_TIMEOUT_MINUTES"])
    if conv.flow == "menu" or ctx.now - conv.updated_at < timeout:
        return []
    engine.enter(ctx, "menu")
    return [ctx.say("Our last conversation timed out, so we are back at the menu.")]


def _route(ctx: Context, word: str) -> list[Reply]:
    conv = ctx.conversation
    if word in ("MENU", "START"):
        return engine.enter(ctx, "menu")
    if word == "LANG":
        return language.start(ctx)
    if word == "HELP":
        help_text = ctx.say("Send MENU for the menu, LANG to change language, BACK to go one "
                            "step back, STOP to stop messages.")
        return [help_text, *_reprompt(ctx)]
    if word == "BACK":
        return engine.back(ctx) or engine.enter(ctx, "menu")

    invited = ctx.partner is not None and ctx.partner.status == PartnerStatus.INVITED
    if invited and conv.flow not in (INVITED_FLOW, "language") and INVITED_FLOW in engine.FLOWS:
        return _start(ctx, engine.FLOWS[INVITED_FLOW])
    flow = engine.FLOWS[conv.flow]
    state = flow.states[conv.state]
    triggered = engine.trigger_for(word) if word and not state.free_text else None
    if _suspended(ctx) and (ctx.message.media or conv.flow in EARNING_FLOWS or
                            (triggered is not None and triggered.name in EARNING_FLOWS)):
        engine.enter(ctx, "menu")
        return [ctx.say("Your account is suspended, so you cannot earn or redeem credits now.")]
    if triggered is not None:
        if triggered.needs_partner and ctx.partner is None:
            return _not_enrolled(ctx)
        return _start(ctx, triggered)
    if flow.needs_partner and ctx.partner is None:
        return _not_enrolled(ctx)
    return engine.apply(ctx, state.handle(ctx, ctx.message))


def _suspended(ctx: Context) -> bool:
    return ctx.partner is not None and ctx.partner.status == PartnerStatus.SUSPENDED


def _start(ctx: Context, flow: engine.Flow) -> list[Reply]:
    prompt = engine.enter(ctx, flow.name)
    if flow.entry is not None:
        return engine.apply(ctx, flow.entry(ctx, ctx.message))
    return prompt


def _reprompt(ctx: Context) -> list[Reply]:
    prompt = engine.FLOWS[ctx.conversation.flow].states[ctx.conversation.state].prompt
    return prompt(ctx) if prompt else []


def _not_enrolled(ctx: Context) -> list[Reply]:
    engine.enter(ctx, "menu")
    return [ctx.say("You are not enrolled yet. To join, send JOIN followed by the program code "
                    "on your invite, for example: JOIN CEMPRO")]
