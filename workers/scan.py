"""Jobs for product code scans: decode a photo, credit its codes, and tell the partner.

The photo job of the menu (workers/photos.py) may call `scan_decoded` with texts it already
decoded with workers.codes.decode.decode_image; `scan_photo` does the whole thing from a URL.
"""

from __future__ import annotations

import logging

from PIL import Image

from bot import media
from bot.i18n import translate
from bot.notices import outbound
from flows.scan_replies import summary
from models import keys
from models.codes.format import codes_in
from models.codes.scan import scan_codes
from models.db import unit_of_work
from models.partners.partner import Partner
from workers.codes.decode import decode_image

log = logging.getLogger("saathi.scan")


def scan_photo(partner_id: int, channel: str, media_url: str, message_id: str) -> None:
    """Decode the QR codes in a photo and credit them; reply with the outcome."""
    try:
        texts = codes_in(decode_image(media.fetch(media_url)))
    except (media.MediaError, OSError, Image.DecompressionBombError) as exc:
        log.warning("photo unreadable", extra={"message_id": message_id, "error": str(exc)})
        texts = []
    scan_decoded(partner_id, channel, texts, message_id)


def scan_failed(partner_id: int, channel: str, _media_url: str, message_id: str) -> None:
    """The last attempt to scan a photo failed: the partner is told, as for a photo without a
    code, to send a sharper one or type the code (nothing when the outcome was sent)."""
    log.warning("photo scan given up", extra={"message_id": message_id})
    scan_decoded(partner_id, channel, [], message_id)


def scan_decoded(partner_id: int, channel: str, texts: list[str], message_id: str) -> None:
    """Credit the codes decoded from one photo and message the partner what came of them."""
    with unit_of_work() as session:
        partner = session.get(Partner, partner_id)
        if texts:
            outcomes = scan_codes(session, partner, texts, channel=channel, source="photo")
            text = summary(outcomes, partner.language)
        else:
            text = translate(partner.language, "I could not find a product code in your "
                             "photo. Send a sharper photo, or type CODE and the code under it.")
        outbound.queue_message(session, phone=partner.phone, text=text, channel=channel,
                               key=keys.job_reply("scan", message_id))
