"""Route one message through STOP/START, the idle timeout, the global words, triggers and the
conversation's current state."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import timedelta

from flask import current_app

from bot.i18n import N_
from bot.messages import Reply
from flows import engine, notice, person, sms, understand
from flows.answers import first_word, is_numeric, normalize, pick
from flows.context import Context
from flows.keywords import Keyword, match_keyword
from flows.menu import NOT_ENROLLED, STOPPED, menu_options
from flows.names import FlowName
from models import campaigns
from models.partners.partner import PartnerStatus, set_status
from models.privacy import memberships_to_leave

INVITED_FLOW = FlowName.ENROLL  # an invited partner's every message, until they answer
# Refused while a partner is suspended (their earns and redemptions).
EARNING_FLOWS = frozenset({FlowName.INVOICE, FlowName.SCAN, FlowName.REDEEM})
NOT_INTERRUPTED = frozenset({FlowName.NOTICE, FlowName.ENROLL, FlowName.LANGUAGE})
SUSPENDED = N_("Your account is suspended, so you cannot earn or redeem credits now.")
LEFT_CAMPAIGN = N_("Done: you will get no more messages of this offer. Other messages from "
                   "us go on; send STOP to stop them all.")
HELP = N_("Send MENU for the menu, LANG to change language, BACK to go one step back, STOP to "
          "stop messages.")


def process(ctx: Context) -> list[Reply]:
    """Return the replies to one inbound message; changes land on ctx.session."""
    engine.upgrade(ctx)
    if (left := _left_campaign(ctx)) is not None:
        return left
    found = sms.keyword(ctx, engine.state_of(ctx).free_text)  # "bal", "बैलेंस" on SMS
    if found is not None:
        ctx.message = dataclasses.replace(ctx.message, text=sms.command(found))
    else:
        _read_global_word(ctx)
    word = first_word(ctx.message.text)
    partner = ctx.partner
    if partner is not None and partner.status == PartnerStatus.OPTED_OUT:
        if word != "START":  # opted out: nothing is sent until START, but a dial is answered
            return [ctx.say(STOPPED)] if ctx.message.session_start else []
        set_status(ctx.session, partner, PartnerStatus.ACTIVE)
        welcome = ctx.say("Welcome back! You will get messages from us again.")
        return [welcome, *engine.to_menu(ctx)]
    if word in ("STOP", "LEAVE") and partner is not None:
        code = _program_named(ctx)  # STOP <code>: that program only
        if word == "LEAVE" or (code and memberships_to_leave(ctx.session, partner.id, code)):
            return notice.leave(ctx, code)
    if word == "STOP":
        if partner is not None:
            set_status(ctx.session, partner, PartnerStatus.OPTED_OUT)
        engine.to_menu(ctx)
        return [ctx.say(STOPPED)]

    if partner is not None and (person.asks_for_person(ctx.message.text) or
                                person.is_voice_note(ctx.message)):
        return person.hand_over(ctx)
    idle = _expire_if_idle(ctx)
    if _notice_changed(ctx):
        return idle + engine.start(ctx, FlowName.NOTICE)
    if ctx.message.session_start:
        return idle + _resume(ctx, idle)
    answer = sms.answer_now(ctx, found) if found is not None else None
    if answer is not None:
        if found.keyword in sms.NEEDS_PARTNER and ctx.partner is None:
            return idle + _not_enrolled(ctx)
        return idle + answer(ctx)
    global_word = GLOBAL_WORDS.get(word)
    return idle + (global_word(ctx) if global_word else _route(ctx, word))


def _left_campaign(ctx: Context) -> list[Reply] | None:
    """A campaign's own unsubscribe word ("STOP OFFERS"): that campaign only, confirmed."""
    partner = ctx.partner
    if partner is None or partner.status != PartnerStatus.ACTIVE or not ctx.message.text:
        return None
    campaign = campaigns.campaign_for_word(ctx.session, partner.id, ctx.message.text)
    if campaign is None:
        return None
    campaigns.unsubscribe(ctx.session, campaign, partner.id)
    return [ctx.say(LEFT_CAMPAIGN)]


def _program_named(ctx: Context) -> str | None:
    """The program code after STOP or LEAVE ("STOP CEMPRO"), if one follows."""
    words = ctx.message.text.split()
    return words[1].upper() if len(words) > 1 else None


def _notice_changed(ctx: Context) -> bool:
    """A member whose program raised its privacy notice is asked again before anything else
    (not while joining, choosing a language, or answering that question)."""
    return (ctx.partner is not None and ctx.partner.status == PartnerStatus.ACTIVE
            and ctx.flow not in NOT_INTERRUPTED and notice.outdated(ctx))


def _resume(ctx: Context, idle: list[Reply]) -> list[Reply]:
    """A new session (a redial) picks up where the partner was, and says so."""
    if idle or ctx.flow == FlowName.MENU:
        return engine.ask_again(ctx)
    return [ctx.say("Welcome back! We carry on where you stopped."), *engine.ask_again(ctx)]


def _expire_if_idle(ctx: Context) -> list[Reply]:
    conv = ctx.conversation
    config = current_app.config
    minutes = config["CHANNEL_TIMEOUT_MINUTES"].get(ctx.message.channel,
                                                    config["CONVERSATION_TIMEOUT_MINUTES"])
    timeout = timedelta(minutes=minutes)
    if ctx.flow == FlowName.MENU or ctx.now - conv.updated_at < timeout:
        return []
    engine.to_menu(ctx)
    return [ctx.say("Our last conversation timed out, so we are back at the menu.")]


def _language(ctx: Context) -> list[Reply]:
    """LANG: choose a language, then carry on where the conversation was."""
    if ctx.flow == FlowName.LANGUAGE:
        return engine.ask_again(ctx)
    return engine.detour(ctx, FlowName.LANGUAGE)


def _help(ctx: Context) -> list[Reply]:
    return [ctx.say(HELP), *engine.ask_again(ctx)]


def _back(ctx: Context) -> list[Reply]:
    return engine.back(ctx) or engine.to_menu(ctx)


# The global words in every language ("मेनू", "piche jao", "நிறுத்து"): the English word
# (and TOP, "टॉप", which starts the leaderboard from any state).
SPOKEN = {Keyword.MENU: "MENU", Keyword.START: "START", Keyword.STOP: "STOP",
          Keyword.HELP: "HELP", Keyword.BACK: "BACK", Keyword.LANGUAGE: "LANG",
          Keyword.TOP: "TOP"}


def _read_global_word(ctx: Context) -> None:
    """A message that is all a global word, in any language and within a typo, reads as
    the English word; never while a name or an address is typed (SMS reads its own)."""
    text = ctx.message.text
    if not text or engine.state_of(ctx).free_text or person.asks_for_person(text):
        return
    found = match_keyword(text, ctx.language, frozenset(SPOKEN))
    if found is not None and not found.args:
        ctx.message = dataclasses.replace(ctx.message, text=SPOKEN[found.keyword])


# Words that work in any state (STOP and START come first, above: they work even opted out).
GLOBAL_WORDS: dict[str, Callable[[Context], list[Reply]]] = {
    "MENU": engine.to_menu, "START": engine.to_menu, "LANG": _language, "HELP": _help,
    "BACK": _back,
}


def _route(ctx: Context, word: str) -> list[Reply]:
    invited = ctx.partner is not None and ctx.partner.status == PartnerStatus.INVITED
    if invited and ctx.flow not in (INVITED_FLOW, FlowName.LANGUAGE) \
            and INVITED_FLOW in engine.FLOWS:
        return engine.start(ctx, INVITED_FLOW, ctx.message)
    flow, state = engine.flow_of(ctx), engine.state_of(ctx)
    triggered = engine.trigger_for(word) if word and not state.free_text else None
    intent = understand.decided(ctx.message)
    if _suspended(ctx) and (ctx.message.media or ctx.flow in EARNING_FLOWS or
                            (triggered is not None and triggered.name in EARNING_FLOWS)
                            or intent == "redeem"):
        engine.to_menu(ctx)
        return [ctx.say(SUSPENDED)]
    if intent is not None and ctx.partner is not None:  # Rasa decided: from any state
        return engine.start(ctx, FlowName.UNDERSTAND, ctx.message)
    if triggered is not None:
        if triggered.needs_partner and ctx.partner is None:
            return _not_enrolled(ctx)
        return engine.start(ctx, triggered.name, ctx.message)
    if flow.needs_partner and ctx.partner is None:
        return _not_enrolled(ctx)
    if _free_text_at_menu(ctx) or _unexpected_but_understood(ctx):
        return engine.start(ctx, FlowName.UNDERSTAND, ctx.message)
    return engine.answer(ctx, ctx.message)


def _nlu_may_read(ctx: Context) -> bool:
    """Typed words of an active partner, on a channel where people type (USSD sends
    numbers), with the NLU on."""
    msg = ctx.message
    return (current_app.config["NLU_ENABLED"] and ctx.partner is not None
            and ctx.partner.status == PartnerStatus.ACTIVE
            and msg.traits.free_text and not msg.media and msg.location is None
            and bool(msg.text.strip()) and not is_numeric(msg.text))


def _unexpected_but_understood(ctx: Context) -> bool:
    """Inside a flow, words the question does not expect ("mera balance kitna hai" while an
    amount is asked) that the NLU is sure mean something else: it acts on them (money only
    ever through the redeem flow's confirmation). An expected answer always wins."""
    state = engine.state_of(ctx)
    return (state.hears is not None and _nlu_may_read(ctx)
            and not state.hears(ctx, ctx.message)
            and understand.elsewhere(ctx.message.text, ctx.flow))


def _free_text_at_menu(ctx: Context) -> bool:
    """Words at the menu that choose none of its entries: the NLU reads them (a partner's,
    on a channel where people type; USSD sends menu numbers). A sentence only like an
    entry's words, that the NLU is sure means something else, is read too; an entry's own
    words and a tapped entry always choose it."""
    msg = ctx.message
    if ctx.flow != FlowName.MENU or not _nlu_may_read(ctx):
        return False
    options = menu_options(ctx)
    chosen = pick(msg, options)
    if chosen is None:
        return True
    own_words = {normalize(o.label) for o in options} | {normalize(o.key) for o in options}
    tapped = msg.choice == chosen
    return not tapped and normalize(msg.text) not in own_words \
        and understand.elsewhere(msg.text, chosen)


def _not_enrolled(ctx: Context) -> list[Reply]:
    engine.to_menu(ctx)
    return [ctx.say(NOT_ENROLLED)]


def _suspended(ctx: Context) -> bool:
    return ctx.partner is not None and ctx.partner.status == PartnerStatus.SUSPENDED
