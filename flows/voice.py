"""VOICE (or the menu's "Voice notes"): switch voice notes on or off. With them on, a partner
on WhatsApp gets each module part, quiz question, the menu, quiz results and the redemption
confirmation as text and as a voice note. Where no audio plays (SMS, USSD: the channel's
traits) the menu does not offer it, and VOICE typed there says to send it on WhatsApp.

Speech is never made while a partner waits. Fixed words (a module part, a quiz question
with its options numbered aloud, the feedback on an answer, the menu of a role in a language)
are spoken when the program loads (workers/speech.prepare_program); `voice_reply` attaches
the note to the text reply, only looking it up by content hash.

Words with the partner's own figures (a score, credits, rupees, a certificate id) go as text
at once; `voice_later` asks a job (Job.VOICE_NOTE, workers/voice_notes.py) to speak exactly
that text, keep it by content hash and send it as a follow-up voice note seconds later.
Composing such notes from prepared pieces (numbers, "credits", ...) was not chosen: word
order and number words differ across the twelve languages, a stitched note sounds broken,
and the job costs one short synthesis (~0.35 s of CPU) per message.

A note that cannot be made (a language espeak-ng does not speak) leaves the text alone:
`flask programs load` names those languages "text only", and the job logs it.
"""

from __future__ import annotations

from enum import StrEnum

from flask import current_app

from bot import media
from bot.channels.text import render_text
from bot.i18n import N_
from bot.jobs.names import Job
from bot.messages import Reply
from flows import engine
from flows.context import Context
from flows.engine import END, Flow, MenuEntry, State
from flows.names import FlowName

ON = N_("Voice notes are on: the menu, lessons, quizzes with their results and redemptions "
        "now also come as audio. Send VOICE to turn them off.")
NOT_HERE = N_("Voice notes cannot be played here: send VOICE to us on WhatsApp to turn them on "
              "or off.")
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
        ctx.message.traits.plays_audio


def voice_reply(ctx: Context, lang: str | None, text: str) -> list[Reply]:
    """The voice note saying `text`, if the partner wants one and it was prepared (a note
    never made, like one in a language espeak-ng lacks, leaves the text alone)."""
    if not voice_on(ctx):
        return []
    url = media.voice_url(lang or "en", text)
    return [Reply("", media_url=url)] if media.stored(url) else []


def spoken(reply: Reply) -> str:
    """What a voice note of `reply` says: its text, then each option with its number."""
    return render_text(reply)


def voice_later(ctx: Context, reply: Reply) -> list[Reply]:
    """The voice note of a reply with figures in it: attached when the same words were
    spoken before (kept by content hash), else made by a job after this message commits and
    sent as a follow-up on WhatsApp. Returns what to send now (nothing, or the kept note).
    The reply is in the partner's language (`ctx.say`)."""
    if not voice_on(ctx) or not current_app.config["VOICE_NOTES"]:
        return []
    text, lang = spoken(reply), ctx.language
    url = media.voice_url(lang, text)
    if media.stored(url):
        return [Reply("", media_url=url)]
    key = f"voice:{ctx.message.provider_id}:{url.rsplit('/', 1)[-1]}"
    ctx.enqueue(Job.VOICE_NOTE, ctx.partner.id, lang, text, key)  # no phone in the record
    return []


def toggle(ctx: Context) -> engine.Step:
    if not ctx.message.traits.plays_audio:  # not on the menu here; the word was typed
        return engine.done(ctx.say(NOT_HERE), menu=True)
    ctx.partner.voice_notes = not ctx.partner.voice_notes
    return engine.done(ctx.say(ON if ctx.partner.voice_notes else OFF), menu=True)


FLOW = engine.register(Flow(
    name=FlowName.VOICE, states_enum=S, start=S.TOGGLE, triggers=WORDS,
    states={S.TOGGLE: State(before=toggle, goes=((END, "voice notes on or off"),))},
    menu=MenuEntry(N_("Voice notes on/off"), order=99, needs_audio=True),
))
