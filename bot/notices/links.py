"""Links by SMS to the images a text-only channel cannot show (a certificate on USSD)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.channels.sms import LINK
from bot.i18n import translate
from bot.notices.outbound import queue_message
from models import keys


def send_media_links(session: Session, *, phone: str, urls: list[str], lang: str | None,
                     channel: str, provider_id: str) -> None:
    """Queue one SMS per image URL (absolute), once per message that carried them."""
    for n, url in enumerate(urls):
        queue_message(session, phone=phone, channel="sms", text=translate(lang, LINK, url=url),
                      key=keys.media_link(channel, provider_id, n))
