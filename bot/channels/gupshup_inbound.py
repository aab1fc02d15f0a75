"""Gupshup Enterprise SMS, inbound: the keyword response URL (docs.gupshup.io, "Setting a
Response SMS to Marketing Call-to-Actions"). For each SMS to our long code or short code,
Gupshup calls the URL with `phonecode` (the number it came to), `keyword`, `location`,
`carrier`, `content` (the message), `msisdn` (the sender) and `timestamp` (epoch ms) in the
query string, and sends the XML `<response>` it gets back as SMS. Saathi answers with an
empty `<response/>` and sends its replies through the outbox, where the Gupshup sender gives
each one its DLT template id (an inline answer carries none, so carriers would block it).

Gupshup gives no message id: the sender, the time and the text make one, so a call repeated
for the same SMS is answered once.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping

from bot.messages import InboundMessage, clean_text
from models.partners.partner import normalize_phone

FIELDS = ("phonecode", "keyword", "location", "carrier", "content", "msisdn", "timestamp")
MSISDN = re.compile(r"\+?[0-9]{10,15}")
TIMESTAMP = re.compile(r"[0-9]{1,16}")
MAX_TEXT = 1600  # ten concatenated segments: more than any phone sends as one SMS
EMPTY = '<?xml version="1.0" encoding="UTF-8"?>\n<response></response>\n'


class BadRequest(ValueError):
    """The query is not one Gupshup sends."""


def parse(args: Mapping[str, str], region: str = "IN") -> InboundMessage:
    """The SMS in Gupshup's keyword callback, or BadRequest."""
    getlist = getattr(args, "getlist", None)
    if getlist is not None and any(len(getlist(k)) > 1 for k in args):
        raise BadRequest("a field is given twice")
    unknown = set(args) - set(FIELDS)
    if unknown:
        raise BadRequest(f"unknown fields: {', '.join(sorted(unknown))}")
    msisdn, timestamp = args.get("msisdn", "").strip(), args.get("timestamp", "").strip()
    if not MSISDN.fullmatch(msisdn) or not TIMESTAMP.fullmatch(timestamp):
        raise BadRequest("msisdn or timestamp is not in Gupshup's shape")
    text = args.get("content") or args.get("keyword") or ""
    if len(text) > MAX_TEXT:
        raise BadRequest("content is too long")
    try:
        phone = normalize_phone(msisdn, region)
    except ValueError as exc:
        raise BadRequest("msisdn is not a phone number") from exc
    digest = hashlib.sha256(f"{phone}|{timestamp}|{text}".encode()).hexdigest()[:30]
    return InboundMessage(channel="sms", sender=phone, text=clean_text(text),
                          provider_id=f"GS{digest}")
