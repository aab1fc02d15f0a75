"""The voice note of a reply with a partner's figures in it (a quiz score, a redemption's
amount): made here, in a job after the text reply went, never in the request; kept under
media/voice/ by content hash (the same words are spoken once) and sent as a follow-up on
WhatsApp. flows/voice.py says why such notes are not composed from prepared pieces."""

from __future__ import annotations

import logging

from bot.notices import outbound
from models.db import unit_of_work
from models.partners.partner import Partner
from workers.speech import SpeechError, speak

log = logging.getLogger("saathi.speech")


def send_note(partner_id: int, lang: str, text: str, key: str) -> None:
    """Speak `text` in `lang` (unless kept already) and send it to the partner on WhatsApp. A
    language espeak-ng lacks, or a note that cannot be made, leaves the partner the text."""
    try:
        url = speak(lang, text)
    except SpeechError as exc:
        log.warning("voice note not made: text only", extra={"key": key, "error": str(exc)})
        return
    if url is None:
        log.info("voice note not made: no voice for the language, text only",
                 extra={"key": key, "lang": lang})
        return
    try:
        with unit_of_work() as session:
            partner = session.get(Partner, partner_id)
            if partner is None:
                return
            outbound.queue_message(session, phone=partner.phone, channel="whatsapp",
                                   media_urls=(url,), key=key)
    except outbound.OutsideSessionWindow:  # a day late (the queue was down): let it go
        log.info("voice note not sent: outside the WhatsApp window", extra={"key": key})
        return
    log.info("voice note queued", extra={"key": key, "url": url})
