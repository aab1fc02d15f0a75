"""Check a voucher from a photo of its QR (sent by a distributor's rep) and reply."""

from __future__ import annotations

import logging

from PIL import Image

from bot import media, outbound
from bot.i18n import translate
from flows.voucher_check import check, find_code
from models.db import unit_of_work
from models.partner import Partner
from workers.qr_decode import decode_image

log = logging.getLogger("saathi.vouchers")


def check_photo(rep_id: int, channel: str, media_url: str, message_id: str) -> None:
    """Decode the photo, verify the voucher code in it, and message the rep the outcome."""
    try:
        texts = decode_image(media.fetch(media_url))
    except (media.MediaError, OSError, Image.DecompressionBombError) as exc:
        log.warning("voucher photo unreadable", extra={"message_id": message_id,
                                                       "error": str(exc)})
        texts = []
    code = next((c for c in map(find_code, texts) if c), None)
    with unit_of_work() as session:
        rep = session.get(Partner, rep_id)
        text = check(session, rep, code) if code else translate(
            rep.language, "I could not read a voucher code in the photo. Type VERIFY and the code.")
        outbound.queue_message(session, phone=rep.phone, text=text, channel=channel,
                               key=f"voucher-photo:{message_id}")
