"""Scan a product code: "CODE XXXX-XXXX-XXXX-XXXX" from anywhere, or the menu entry, which
asks for a photo of the QR or the code typed. Photos are decoded in a job (workers/scan.py);
a location sent meanwhile is kept for the fraud rules. Diagram: docs/flows/scan.md."""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum

from bot.i18n import N_
from bot.jobs.names import Job
from bot.messages import InboundMessage, Reply
from flows import engine
from flows.answers import first_word
from flows.engine import END, Context, Flow, MenuEntry, State
from flows.names import FlowName
from flows.scan_replies import summary
from models.codes.format import CodeError, find_codes
from models.codes.fraud import Place, QrRules, attach_location
from models.codes.scan import scan_codes

TRIGGER = "CODE"


class S(StrEnum):
    ASK = "ask"


def prompt(ctx: Context) -> list[Reply]:
    if not ctx.message.traits.sends_files:
        return [ctx.say("Type the code printed under the QR code (16 letters and digits).")]
    return [ctx.say("Send a photo of the QR code, or type the code printed under it.")]


def _scan_text(ctx: Context, text: str) -> engine.Step:
    try:
        codes = find_codes(text)
    except CodeError:
        codes = []
    if not codes:
        return engine.retry(ctx, "That is not a code. Codes have 16 letters and digits, like "
                            "ABCD-1234-EFGH-5678.")
    outcomes = scan_codes(ctx.session, ctx.partner, codes, channel=ctx.message.channel,
                          location=ctx.message.location, source="typed")
    return engine.done(Reply(summary(outcomes, ctx.language)))


def typed(ctx: Context, msg: InboundMessage) -> engine.Step:
    text = msg.text.strip()
    if first_word(text) == TRIGGER:
        text = text.split(maxsplit=1)[1] if len(text.split()) > 1 else ""
    return _scan_text(ctx, text)


def photo(ctx: Context, msg: InboundMessage) -> engine.Step:
    ctx.enqueue(Job.SCAN_PHOTO, ctx.partner.id, msg.channel, msg.media[0].url, msg.provider_id)
    return engine.done(ctx.say("Thanks! Checking the code in your photo, I will reply in a "
                               "moment."))


def located(ctx: Context, msg: InboundMessage) -> engine.Step:
    place = Place(msg.location.latitude, msg.location.longitude, ctx.now)
    window = timedelta(minutes=QrRules().location_window_minutes)
    attach_location(ctx.session, ctx.partner, place, window)
    return engine.wait(ctx.say("Thank you, your location is noted."))


def entry(ctx: Context, msg: InboundMessage) -> engine.Step:
    """Handle "CODE <code>" (its text, even with a file); a bare "CODE" asks for the photo or
    code."""
    rest = msg.text.strip().split(maxsplit=1)
    if len(rest) < 2:
        return engine.again()
    return _scan_text(ctx, rest[1])


SCANNED = (END, "codes scanned, photo being read")
FLOW = engine.register(Flow(
    name=FlowName.SCAN, states_enum=S, start=S.ASK, triggers=(TRIGGER,),
    entry=State(text=entry, media=entry, goes=(SCANNED,)),
    states={S.ASK: State(typed, prompt, media=photo, location=located, free_text=True,
                         goes=(SCANNED,))},
    menu=MenuEntry(N_("Scan product code"), order=35),
))
