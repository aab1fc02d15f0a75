"""Links by SMS to the images a text-only channel cannot show (a certificate on USSD)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.i18n import N_, translate
from bot.notices.outbound import queue_message
from models import keys

LINK = N_("Saathi: open this link to see it: {url}")


def send_media_links(session: Session, *, phone: str, urls: list[str], lang: str | None,
                     channel: str, provider_id: str) -> None:
    """Queue one SMS per image URL (absolute), once per message that carried them."""
    for n, url in enumerate(urls):
        queue_message(session, phone=phone, channel="sms", text=translate(lang, LINK, url=url),
                      key=keys.media_link(channel, provider_id, n))
