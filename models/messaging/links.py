"""One-time links are bearer secrets: whoever holds a MY DATA link (`/export/<token>`, only
its hash is stored: models/privacy/exports.py) downloads the partner's ZIP. A stored copy of a
message therefore never keeps one: the inbox's stored replies are kept without it from the
start (a provider's retry of the same message is answered with the link removed; the partner
asks MY DATA again), an outbox row keeps it only until it has left (models/messaging/outbox.py
`sent`), and a USSD session's stored screens never."""

from __future__ import annotations

import re

ONE_TIME = re.compile(r"(/export/)[A-Za-z0-9_-]{16,}")
REMOVED = "[removed]"


def redact(text: str) -> str:
    """`text` with every one-time link's token replaced by REMOVED."""
    return ONE_TIME.sub(lambda m: m.group(1) + REMOVED, text) if "/export/" in text else text


def redact_reply(reply: dict | None) -> dict | None:
    """A stored reply (`Reply.to_dict()`) without one-time links."""
    if not reply or "/export/" not in reply.get("text", ""):
        return reply
    return {**reply, "text": redact(reply["text"])}
