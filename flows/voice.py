"""VOICE (or the menu's "Voice notes"): switch voice notes on or off. With them on, a partner
on WhatsApp gets each module part and quiz question as text and as a voice note (prepared
when the program loaded: workers/speech); SMS and USSD are unchanged."""

from __future__ import annotations

from enum import StrEnum

from bot import media
from bot.i18n import N_
from bot.messages import Reply
from flows import engine
from flows.context import Context
from flows.engine import END, Flow, MenuEntry, State
from flows.names import FlowName

VOICE_CHANNELS = frozenset({"whatsapp"})  # audio plays where a chat app plays it
ON = N_("Voice notes are on: lessons and quiz questions now also come as audio. Send VOICE "
        "to turn them off.")
OFF = N_("Voice notes are off: you get text only. Send VOICE to turn them on again.")
# The word in every language (first word of a message, any case); the menu entry says it too.
WORDS = ("VOICE", "AUDIO", "आवाज़", "आवाज", "AWAAZ", "AVAAJ", "ऑडियो", "ઓડિયો", "அவாஜ்", "குரல்",
         "ఆడియో", "వాయిస్", "ಧ್ವನಿ", "ಆಡಿಯೋ", "ভয়েস", "অডিও", "ਆਵਾਜ਼", "ਆਡੀਓ", "ശബ്ദം", "ഓഡിയോ",
         "ସ୍ୱର", "ଅଡିଓ", "কণ্ঠস্বৰ", "মাত")


class S(StrEnum):
    TOGGLE = "toggle"


def voice_on(ctx: Context) -> bool:
    """Whether this conversation gets voice notes: the partner asked, on a chat app."""
    return ctx.partner is not None and ctx.partner.voice_notes and \
        ctx.message.channel in VOICE_CHANNELS


def voice_reply(ctx: Context, lang: str | None, text: str) -> list[Reply]:
    """The voice note saying `text`, if the partner wants one and it was prepared (a note
    never made, like one in a language espeak-ng lacks, leaves the text alone)."""
    if not voice_on(ctx):
        return []
    url = media.voice_url(lang or "en", text)
    return [Reply("", media_url=url)] if media.stored(url) else []


def toggle(ctx: Context) -> engine.Step:
    ctx.partner.voice_notes = not ctx.partner.voice_notes
    return engine.done(ctx.say(ON if ctx.partner.voice_notes else OFF), menu=True)


FLOW = engine.register(Flow(
    name=FlowName.VOICE, states_enum=S, start=S.TOGGLE, triggers=WORDS,
    states={S.TOGGLE: State(before=toggle, goes=((END, "voice notes on or off"),))},
    menu=MenuEntry(N_("Voice notes on/off"), order=99),
))
