"""Twilio (WhatsApp and SMS): parse webhook forms, check signatures, answer with TwiML."""

from __future__ import annotations

from collections.abc import Mapping

from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from bot.channels.text import render_text
from bot.messages import InboundMessage, Location, Media, Reply, clean_text
from models.partner import normalize_phone

MAX_MEDIA = 10


class BadRequest(ValueError):
    """The form lacks what every Twilio message carries, or carries nonsense."""


def signature_valid(auth_token: str, url: str, form: Mapping[str, str], signature: str) -> bool:
    """Check X-Twilio-Signature with Twilio's own validator."""
    return bool(signature) and RequestValidator(auth_token).validate(url, dict(form), signature)


def parse(form: Mapping[str, str], region: str = "IN") -> InboundMessage:
    """Turn Twilio's form into an InboundMessage; unknown parameters are ignored."""
    sender = form.get("From", "")
    sid = form.get("MessageSid") or form.get("SmsMessageSid") or ""
    if not sender or not sid:
        raise BadRequest("From and MessageSid are required")
    channel = "whatsapp" if sender.startswith("whatsapp:") else "sms"
    try:
        phone = normalize_phone(sender, region)
    except ValueError as exc:
        raise BadRequest("From is not a phone number") from exc
    return InboundMessage(
        channel=channel, sender=phone, provider_id=sid[:64],
        text=clean_text(form.get("Body") or ""),
        media=_media(form), location=_location(form),
        profile_name=clean_text(form.get("ProfileName") or "") or None,
        button_text=clean_text(form.get("ButtonText") or "") or None,
    )


def _media(form: Mapping[str, str]) -> tuple[Media, ...]:
    try:
        count = min(int(form.get("NumMedia") or 0), MAX_MEDIA)
    except ValueError as exc:
        raise BadRequest("NumMedia is not a number") from exc
    items = []
    for n in range(count):
        url = form.get(f"MediaUrl{n}")
        if url:
            kind = form.get(f"MediaContentType{n}") or "application/octet-stream"
            items.append(Media(url=url, content_type=kind.lower()[:100]))
    return tuple(items)


def _location(form: Mapping[str, str]) -> Location | None:
    if not form.get("Latitude") or not form.get("Longitude"):
        return None
    try:
        lat, lng = float(form["Latitude"]), float(form["Longitude"])
    except ValueError as exc:
        raise BadRequest("Latitude/Longitude are not numbers") from exc
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        raise BadRequest("Latitude/Longitude out of range")
    return Location(lat, lng)


def render(replies: list[Reply], base_url: str = "") -> str:
    """One TwiML <Message> per reply, with its media (relative URLs made absolute)."""
    response = MessagingResponse()
    for reply in replies:
        message = response.message(render_text(reply))
        if reply.media_url:
            url = reply.media_url
            message.media(base_url.rstrip("/") + url if url.startswith("/") else url)
    return str(response)
