"""Route one message through global words, triggers and the conversation's current state."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from flask import current_app

from bot.messages import Reply
from flows import engine, language, sms
from flows.engine import Context
from models.partners.partner import PartnerStatus, set_status

GLOBAL_WORDS = {"MENU", "HELP", "STOP", "START", "LANG", "BACK"}
INVITED_FLOW = "enroll"  # a partner a rep invited goes here with any message until they answer


def first_word(text: str) -> str:
    words = text.strip().split(maxsplit=1)
    return words[0].upper().strip(".!,") if words else ""


def process(ctx: Context) -> list[Reply]:
    """Return the replies to one inbound message; changes land on ctx.session."""
    found = sms.keyword(ctx, _state(ctx).free_text)
    if found is not None:
        ctx.message = dataclasses.replace(ctx.message, text=sms.command(found))
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

    notice = _expire_if_idle(ctx)
    answer = sms.answer_now(ctx, found) if found is not None else None
    if answer is None:
        return notice + _route(ctx, word)
    if found.keyword in sms.NEEDS_PARTNER and ctx.partner is None:
        return notice + _not_enrolled(ctx)
    return notice + answer(ctx)


def _state(ctx: Context) -> engine.State:
    conv = ctx.conversation
    return engine.FLOWS[conv.flow].states[conv.state]


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
    state = _state(ctx)
    triggered = engine.trigger_for(word) if word and not state.free_text else None
    if triggered is not None:
        if triggered.needs_partner and ctx.partner is None:
            return _not_enrolled(ctx)
        return _start(ctx, triggered)
    if flow.needs_partner and ctx.partner is None:
        return _not_enrolled(ctx)
    return engine.apply(ctx, state.handle(ctx, ctx.message))


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
