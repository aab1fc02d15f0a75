"""Hand a partner over to a person: HELP ME / "talk to a person" in any of the twelve
languages, or a voice note (which the bot cannot listen to), opens a support ticket; the
partner is told who will answer and by when (bot/notices/support.py)."""

from __future__ import annotations

from bot.jobs.names import Job
from bot.messages import InboundMessage, Reply
from flows.context import Context
from models.support.tickets import TicketReason, open_ticket

# Global words, compared without case, spaces or closing punctuation. Each language's own
# words and its usual romanised spelling: partners type both.
PHRASES = frozenset(" ".join(p.split()).casefold() for p in (
    "HELP ME", "TALK TO A PERSON", "TALK TO PERSON", "AGENT",
    "मदद करो", "मदद चाहिए", "किसी से बात करनी है", "MADAD", "MADAD KARO",  # hi
    "मदत करा", "माणसाशी बोलायचे आहे",  # mr
    "મદદ કરો", "કોઈ સાથે વાત કરવી છે",  # gu
    "உதவி செய்யுங்கள்", "ஒருவரிடம் பேச வேண்டும்", "UDHAVI",  # ta
    "సహాయం చేయండి", "ఎవరితోనైనా మాట్లాడాలి", "SAHAYAM",  # te
    "ಸಹಾಯ ಮಾಡಿ", "ಯಾರಾದರೂ ಜೊತೆ ಮಾತನಾಡಬೇಕು", "SAHAYA",  # kn
    "সাহায্য করুন", "কারও সাথে কথা বলতে চাই", "SAHAJJO",  # bn
    "ਮਦਦ ਕਰੋ", "ਕਿਸੇ ਨਾਲ ਗੱਲ ਕਰਨੀ ਹੈ", "MADAD KARO JI",  # pa
    "സഹായിക്കൂ", "ഒരാളോട് സംസാരിക്കണം", "SAHAYIKKU",  # ml
    "ସାହାଯ୍ୟ କରନ୍ତୁ", "କାହା ସହ କଥା ହେବାକୁ ଚାହେଁ", "SAHAJYA",  # or
    "সহায় কৰক", "কাৰোবাৰ সৈতে কথা পাতিব বিচাৰো", "SAHAY KOROK",  # as
))


def asks_for_person(text: str) -> bool:
    return " ".join(text.split()).strip(".!?।").casefold() in PHRASES


def is_voice_note(message: InboundMessage) -> bool:
    return any(m.content_type.startswith("audio/") for m in message.media)


def hand_over(ctx: Context) -> list[Reply]:
    """Open (or keep) the partner's ticket; the notice that answers is in the outbox."""
    voice = is_voice_note(ctx.message)
    ticket = open_ticket(ctx.session, ctx.partner, channel=ctx.message.channel,
                         reason=TicketReason.VOICE_NOTE if voice else TicketReason.ASKED_FOR_PERSON,
                         words="" if voice else ctx.message.text)
    if voice:  # fetched after the commit, for a person to hear on the ticket's page
        ctx.enqueue(Job.FETCH_TICKET_AUDIO, ticket.id, ctx.message.media[0].url)
    return []
