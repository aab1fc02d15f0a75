"""Choose a language (LANG, at any time): by number or by the language's name."""

from __future__ import annotations

from enum import StrEnum

from bot.i18n import LANGUAGES, N_
from bot.messages import InboundMessage, Option, Reply
from flows import engine
from flows.answers import normalize, pick
from flows.engine import Context, Flow, MenuEntry, State


class S(StrEnum):
    CHOOSE = "choose"


def language_options() -> tuple[Option, ...]:
    """Each language shown in its own script, with its English name for the other readers."""
    return tuple(
        Option(code, own if own == english else f"{own} ({english})")
        for code, (english, own) in LANGUAGES.items()
    )


def parse_language(text: str) -> str | None:
    """Return the language code a reply names: "2", "hindi", "हिन्दी", "hi"."""
    answer = normalize(text)
    if answer in LANGUAGES:
        return answer
    for code, (english, own) in LANGUAGES.items():
        if answer in (english.lower(), normalize(own)):
            return code
    return pick(text, language_options())


def prompt(ctx: Context) -> list[Reply]:
    return [ctx.say("Choose your language:", options=language_options())]


def take_answer(ctx: Context, msg: InboundMessage) -> str | None:
    """Switch the conversation (and partner) to the language a reply names (or a tapped
    row's key is); return its code."""
    code = msg.choice if msg.choice in LANGUAGES else parse_language(msg.text)
    if code is not None:
        ctx.conversation.language = code
        if ctx.partner is not None:
            ctx.partner.language = code
    return code


def start(ctx: Context) -> list[Reply]:
    """Ask for a language (LANG); a dialogue under way resumes at its question afterwards."""
    conv = ctx.conversation
    paused = None
    if conv.flow not in ("menu", FLOW.name):
        paused = {"flow": conv.flow, "state": conv.state, "data": dict(ctx.data)}
    replies = engine.enter(ctx, FLOW.name)
    if paused:
        ctx.data["_paused"] = paused
    return replies


def choose(ctx: Context, msg) -> engine.Step:
    code = take_answer(ctx, msg)
    if code is None:
        return engine.retry(ctx, "Please reply with the number of your language.")
    changed = ctx.say("Language changed to {language}.", language=LANGUAGES[code][1])
    paused = ctx.data.get("_paused")
    if not paused:
        return engine.done(changed, menu=True)
    ctx.data.clear()
    ctx.data.update(paused["data"])
    ctx.conversation.flow, ctx.conversation.state = paused["flow"], paused["state"]
    return engine.Step(replies=(changed,), reprompt=True)


FLOW = engine.register(Flow(
    name="language", states_enum=S, states={S.CHOOSE: State(choose, prompt)}, start=S.CHOOSE,
    needs_partner=False, menu=MenuEntry(N_("Change language"), order=90),
))
