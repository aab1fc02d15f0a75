"""Keep a partner's voice note on their support ticket: download it from the provider and
store it under media/inbound/support/ (never public), where the ticket's page plays it."""

from __future__ import annotations

import logging

from bot import media
from models.db import unit_of_work
from models.support.tickets import attach_audio

log = logging.getLogger("saathi.support")
SUFFIXES = {b"OggS": ".ogg", b"ID3": ".mp3", b"\xff\xf1": ".aac", b"#!AMR": ".amr"}


def fetch_audio(ticket_id: int, url: str) -> None:
    """Fetch and store the voice note; a failure is logged and the ticket stays without it
    (the partner was already told a person will answer)."""
    try:
        data = media.fetch(url)
    except media.MediaError as exc:
        log.warning("voice note not fetched", extra={"ticket_id": ticket_id, "error": str(exc)})
        return
    suffix = next((s for magic, s in SUFFIXES.items() if data.startswith(magic)), ".m4a")
    stored = media.store(data, "inbound/support", suffix)
    with unit_of_work() as session:
        attach_audio(session, ticket_id, stored)
    log.info("voice note kept", extra={"ticket_id": ticket_id, "bytes": len(data)})
