"""Links by SMS that a USSD screen cannot open: a reply's image (a certificate) and MY DATA's
one-time download link (a screen that shows it is paged and stored without it)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.channels.sms import LINK
from bot.i18n import N_, translate
from bot.notices.outbound import queue_message
from models import keys

EXPORT_LINK = N_("Saathi: download your data within 24 hours: {url}")


def send_media_links(session: Session, *, phone: str, urls: list[str], lang: str | None,
                     channel: str, provider_id: str) -> None:
    """Queue one SMS per image URL (absolute), once per message that carried them."""
    for n, url in enumerate(urls):
        queue_message(session, phone=phone, channel="sms", text=translate(lang, LINK, url=url),
                      key=keys.media_link(channel, provider_id, n))


def send_export_link(session: Session, *, phone: str, url: str, lang: str | None,
                     provider_id: str) -> None:
    """Queue MY DATA's download link by SMS, once per message that asked for it."""
    queue_message(session, phone=phone, channel="sms", text=translate(lang, EXPORT_LINK, url=url),
                  key=keys.export_link(provider_id))
