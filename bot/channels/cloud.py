"""Meta's WhatsApp Cloud API: check a webhook's signature and read every message and status
of one delivery (entries, changes, messages), each field in its documented shape.

A delivery is one JSON document: `entry[].changes[].value` holds `messages` (what partners
sent to one of our phone numbers, `metadata.phone_number_id`) and `statuses` (what became of
what we sent). A value that is not in Meta's shape refuses the whole delivery (BadDelivery),
as a forged or mangled request must not be half-applied.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterator
from dataclasses import dataclass

from bot.messages import InboundMessage, Location, Media, clean_text

WAMID = re.compile(r"wamid\.[A-Za-z0-9+/=_-]{8,120}")
PHONE_NUMBER_ID = re.compile(r"[0-9]{5,25}")
WA_ID = re.compile(r"[1-9][0-9]{6,14}")  # E.164 digits without "+"
MEDIA_ID = re.compile(r"[0-9]{5,30}")
MIME = re.compile(r"[a-z0-9][a-z0-9.+-]{0,60}/[a-z0-9][a-z0-9.+-]{0,60}(; ?[ -~]{1,100})?")
ERROR_CODE = re.compile(r"[0-9]{1,10}")
STATUSES = frozenset({"sent", "delivered", "read", "failed", "deleted", "warning"})
MEDIA_TYPES = ("image", "document", "audio", "video", "sticker")
MAX_ID = 256  # an interactive reply id, as we sent it


class BadDelivery(ValueError):
    """The document is not one Meta sends."""


@dataclass(frozen=True)
class Status:
    wamid: str
    status: str
    error_code: str | None = None


@dataclass(frozen=True)
class Delivery:
    messages: tuple[InboundMessage, ...]
    statuses: tuple[Status, ...]


def signature_valid(app_secret: str, raw_body: bytes, header: str) -> bool:
    """X-Hub-Signature-256 is "sha256=" + HMAC-SHA256 of the raw body with the app secret."""
    if not app_secret or not header.startswith("sha256="):
        return False
    expected = hmac.new(app_secret.encode(), raw_body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header.removeprefix("sha256=").strip().lower())


def parse(document: object, phone_number_ids: list[str], graph_base: str) -> Delivery:
    """Every message and status in the delivery; messages to a phone number id that is not
    ours are refused (BadDelivery)."""
    doc = _dict(document, "delivery")
    if doc.get("object") != "whatsapp_business_account":
        raise BadDelivery("object is not whatsapp_business_account")
    messages: list[InboundMessage] = []
    statuses: list[Status] = []
    for value in _values(doc):
        number_id = _shape(_dict(value.get("metadata"), "metadata").get("phone_number_id"),
                           PHONE_NUMBER_ID, "phone_number_id")
        if number_id not in phone_number_ids:
            raise BadDelivery("phone_number_id is not one of ours")
        names = _profile_names(value)
        for raw in _list(value.get("messages", []), "messages"):
            messages.append(_message(_dict(raw, "message"), number_id, names, graph_base))
        statuses += [_status(_dict(s, "status")) for s in _list(value.get("statuses", []),
                                                                 "statuses")]
    return Delivery(tuple(messages), tuple(statuses))


def _values(doc: dict) -> Iterator[dict]:
    for entry in _list(doc.get("entry"), "entry"):
        for change in _list(_dict(entry, "entry").get("changes"), "changes"):
            change = _dict(change, "change")
            if change.get("field") == "messages":
                yield _dict(change.get("value"), "value")


def _profile_names(value: dict) -> dict[str, str]:
    names = {}
    for contact in _list(value.get("contacts", []), "contacts"):
        contact = _dict(contact, "contact")
        wa_id = _shape(contact.get("wa_id"), WA_ID, "wa_id")
        name = _dict(contact.get("profile", {}), "profile").get("name")
        if isinstance(name, str) and clean_text(name):
            names[wa_id] = clean_text(name)[:100]
    return names


def _message(raw: dict, number_id: str, names: dict[str, str], graph_base: str
             ) -> InboundMessage:
    sender = _shape(raw.get("from"), WA_ID, "from")
    kind = raw.get("type")
    text, choice, media, location = "", None, (), None
    body = raw.get(kind) if isinstance(kind, str) else None
    if kind == "text":
        text = _text(_dict(body, "text").get("body"), "text.body")
    elif kind == "interactive":
        text, choice = _interactive(_dict(body, "interactive"))
    elif kind == "button":  # a template's quick-reply button
        button = _dict(body, "button")
        text = _text(button.get("text"), "button.text")
        payload = button.get("payload")
        choice = _text(payload, "button.payload")[:MAX_ID] if payload else None
    elif kind in MEDIA_TYPES:
        media, text = _media(_dict(body, kind), graph_base)
    elif kind == "location":
        location = _location(_dict(body, "location"))
    # any other type (reaction, contacts, unsupported ...) arrives as an empty message,
    # which the flows answer as they answer anything they cannot read
    return InboundMessage(channel="whatsapp", sender=f"+{sender}",
                          provider_id=_shape(raw.get("id"), WAMID, "message id"),
                          text=text, media=media, location=location,
                          profile_name=names.get(sender), choice=choice, via=number_id)


def _interactive(body: dict) -> tuple[str, str]:
    kind = body.get("type")
    if kind not in ("button_reply", "list_reply"):
        return "", ""
    answer = _dict(body.get(kind), kind)
    choice = answer.get("id")
    if not isinstance(choice, str) or not 0 < len(choice) <= MAX_ID:
        raise BadDelivery(f"{kind}.id is not an id")
    return _text(answer.get("title"), f"{kind}.title"), choice


def _media(body: dict, graph_base: str) -> tuple[tuple[Media, ...], str]:
    media_id = _shape(body.get("id"), MEDIA_ID, "media id")
    mime = _shape(body.get("mime_type", "application/octet-stream"), MIME, "mime_type")
    caption = body.get("caption")
    text = _text(caption, "caption") if caption is not None else ""
    return (Media(url=f"{graph_base.rstrip('/')}/{media_id}", content_type=mime),), text


def _location(body: dict) -> Location:
    lat, lng = body.get("latitude"), body.get("longitude")
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in (lat, lng)):
        raise BadDelivery("latitude/longitude are not numbers")
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        raise BadDelivery("latitude/longitude out of range")
    return Location(float(lat), float(lng))


def _status(raw: dict) -> Status:
    status = raw.get("status")
    if status not in STATUSES:
        raise BadDelivery("status is not one of Meta's")
    code = None
    errors = _list(raw.get("errors", []), "errors")
    if errors:
        code = str(_dict(errors[0], "error").get("code"))
        _shape(code, ERROR_CODE, "error code")
    return Status(_shape(raw.get("id"), WAMID, "status id"), status, code)


def _dict(value: object, what: str) -> dict:
    if not isinstance(value, dict):
        raise BadDelivery(f"{what} is not an object")
    return value


def _list(value: object, what: str) -> list:
    if not isinstance(value, list):
        raise BadDelivery(f"{what} is not a list")
    return value


def _shape(value: object, pattern: re.Pattern, what: str) -> str:
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise BadDelivery(f"{what} is not in Meta's shape")
    return value


def _text(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise BadDelivery(f"{what} is not text")
    return clean_text(value)
