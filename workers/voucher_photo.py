"""Check a voucher from a photo of its QR (sent by a distributor's rep): tell the rep what it
is for and wait for their confirmation, or why not to accept it."""

from __future__ import annotations

import logging

from PIL import Image

from bot import media
from bot.i18n import translate
from bot.messages import Reply
from bot.notices import outbound
from flows.voucher_check import FLOW, S, find_code, offer
from models import keys
from models.db import unit_of_work
from models.messaging import conversation
from models.partners.partner import Partner
from workers.codes.decode import decode_image

log = logging.getLogger("saathi.vouchers")


def check_photo(rep_id: int, channel: str, media_url: str, message_id: str) -> None:
    """Decode the photo and message the rep what the voucher in it is; a good one parks the
    rep's conversation on the question whether to mark it used."""
    try:
        texts = decode_image(media.fetch(media_url))
    except (media.MediaError, OSError, Image.DecompressionBombError) as exc:
        log.warning("voucher photo unreadable", extra={"message_id": message_id,
                                                       "error": str(exc)})
        texts = []
    _answer(rep_id, channel, texts, message_id)


def check_failed(rep_id: int, channel: str, _media_url: str, message_id: str) -> None:
    """The last attempt to check a voucher photo failed: the rep is told, as for a photo
    without a code, to type it (nothing when the answer was sent)."""
    log.warning("voucher photo given up", extra={"message_id": message_id})
    _answer(rep_id, channel, [], message_id)


def _answer(rep_id: int, channel: str, texts: list[str], message_id: str) -> None:
    """Tell the rep what the voucher among `texts` (decoded from the photo) is for."""
    code = next((c for c in map(find_code, texts) if c), None)
    with unit_of_work() as session:
        rep = session.get(Partner, rep_id)
        if code is None:
            reply = Reply(translate(rep.language, "I could not read a voucher code in the "
                                    "photo. Type VERIFY and the code."))
        else:
            good, reply = offer(session, rep, code)
            if good:
                conversation.park(session, channel, rep.phone, FLOW.name, S.CONFIRM,
                                  {"code": code})
        outbound.queue_reply(session, phone=rep.phone, channel=channel, reply=reply,
                             key=keys.job_reply("voucher-photo", message_id))
