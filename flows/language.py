"""Choose a language (LANG, at any time, or the menu): by number or by the language's name.
LANG runs this as a sub-flow: the dialogue under way asks its question again afterwards."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from functools import cache
from pathlib import Path

from bot.i18n import LANGUAGES, N_
from bot.messages import InboundMessage, Option, Reply
from flows import engine
from flows.answers import normalize, pick
from flows.engine import RETURN, Context, Flow, MenuEntry, State
from flows.names import FlowName
from models import yamltext


class S(StrEnum):
    CHOOSE = "choose"


PAGE = 9  # languages per page: with "More", a WhatsApp list's ten rows
MORE = "more"  # the key of the option that shows the other page
PAGE_KEY = "language_page"


def _both(code: str) -> str:
    english, own = LANGUAGES[code]
    return own if own == english else f"{own} ({english})"


def language_options() -> tuple[Option, ...]:
    """Each language shown in its own script, with its English name for the other readers
    (all of them: how a typed number reads, as in "LANG 3")."""
    return tuple(Option(code, _both(code)) for code in LANGUAGES)


def page_options(ctx: Context, label: Callable[[str], str] = _both) -> tuple[Option, ...]:
    """The languages of the page the partner is on, and "More" for the other page when they
    do not all fit in one reply's list (a WhatsApp list). Where the channel pages any number
    of numbered lines itself (USSD's 98), all of them, numbered 1 to 12: one paging, not a
    list's "More" inside the pager's."""
    codes = list(LANGUAGES)
    if ctx.message.traits.list_rows is None or len(codes) <= PAGE + 1:
        return tuple(Option(code, label(code)) for code in codes)
    page = ctx.data.get(PAGE_KEY, 0)
    shown = codes[page * PAGE:(page + 1) * PAGE]
    return (*(Option(code, label(code)) for code in shown), Option(MORE, ctx._(N_("More"))))


NAMES = Path(__file__).with_name("languages.yaml")


@cache
def names() -> dict[str, str]:
    """Every name of every language, normalized -> its code ("punjabi", "ਪੰਜਾਬੀ", "पंजाबी")."""
    found = {normalize(name): code for code, written in
             yamltext.load(NAMES.read_text(encoding="utf-8")).items() for name in written}
    for code, (english, own) in LANGUAGES.items():
        found.update({normalize(english): code, normalize(own): code})
    return found


def parse_language(text: str) -> str | None:
    """Return the language code a reply names: "2", "hindi", "हिन्दी", "हिंदी", "ਪੰਜਾਬੀ", "hi"."""
    answer = normalize(text)
    if answer in LANGUAGES:
        return answer
    return names().get(answer) or pick(text, language_options())


def prompt(ctx: Context) -> list[Reply]:
    return [ctx.say("Choose your language:", options=page_options(ctx))]


def take_answer(ctx: Context, msg: InboundMessage,
                label: Callable[[str], str] = _both) -> str | None:
    """Switch the conversation (and partner) to the language a reply names (by name in any
    language, or by its number on the page shown); return its code, or MORE when the partner
    asked for the other page (which the next question shows)."""
    code = msg.choice if msg.choice in LANGUAGES else names().get(normalize(msg.text))
    if code is None:
        code = pick(msg, page_options(ctx, label))
    if code == MORE:
        pages = -(-len(LANGUAGES) // PAGE)
        ctx.data[PAGE_KEY] = (ctx.data.get(PAGE_KEY, 0) + 1) % pages
        return MORE
    if code is not None:
        ctx.data.pop(PAGE_KEY, None)
        switch(ctx, code)
    return code


def switch(ctx: Context, code: str) -> None:
    """Speak `code` from now on, in this conversation and to the partner."""
    ctx.conversation.language = code
    if ctx.partner is not None:
        ctx.partner.language, ctx.partner.language_named = code, True


def choose(ctx: Context, msg: InboundMessage) -> engine.Step:
    code = take_answer(ctx, msg)
    if code is None:
        return engine.retry(ctx, "Please reply with the number of your language.")
    if code == MORE:
        return engine.again()
    return engine.ret(ctx.say("Language changed to {language}.", language=LANGUAGES[code][1]))


FLOW = engine.register(Flow(
    name=FlowName.LANGUAGE, states_enum=S, start=S.CHOOSE, needs_partner=False,
    states={S.CHOOSE: State(choose, prompt, goes=((RETURN, "a language"),))},
    menu=MenuEntry(N_("Change language"), order=90),
))
