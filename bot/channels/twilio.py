"""Twilio (WhatsApp and SMS): parse webhook forms, check signatures, answer with TwiML."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from bot.channels import twilio_form
from bot.channels.text import render_text
from bot.messages import InboundMessage, Location, Media, Reply, clean_text
from models.partners.partner import normalize_phone


def signature_valid(auth_token: str, url: str, form: Mapping[str, str], signature: str) -> bool:
    """Check X-Twilio-Signature with Twilio's own validator."""
    return bool(signature) and RequestValidator(auth_token).validate(url, dict(form), signature)


def parse(form: Mapping[str, str], region: str = "IN", extra_names: Iterable[str] = ()
          ) -> InboundMessage:
    """Turn Twilio's form into an InboundMessage, or raise BadForm for a form Twilio does
    not send (bot/channels/twilio_form.py)."""
    sid = twilio_form.check_message(form, extra_names)
    sender = form["From"]
    channel = "whatsapp" if sender.startswith("whatsapp:") else "sms"
    try:
        phone = normalize_phone(sender, region)
    except ValueError as exc:
        raise twilio_form.BadForm("From is not a phone number") from exc
    return InboundMessage(
        channel=channel, sender=phone, provider_id=sid,
        text=clean_text(form.get("Body") or ""),
        media=_media(form), location=_location(form),
        profile_name=clean_text(form.get("ProfileName") or "") or None,
        button_text=clean_text(form.get("ButtonText") or "") or None,
        choice=_choice(form),
    )


def _choice(form: Mapping[str, str]) -> str | None:
    """The id of a tapped quick reply (ButtonPayload) or list-picker row (ListId)."""
    tapped = form.get("ButtonPayload") or form.get("ListId")
    return tapped[:256] if tapped else None


def _media(form: Mapping[str, str]) -> tuple[Media, ...]:
    """The media, checked against NumMedia already."""
    return tuple(Media(url=form[f"MediaUrl{n}"],
                       content_type=form[f"MediaContentType{n}"].lower()[:100])
                 for n in range(int(form["NumMedia"])))


def _location(form: Mapping[str, str]) -> Location | None:
    if not form.get("Latitude"):
        return None
    lat, lng = float(form["Latitude"]), float(form["Longitude"])  # shapes checked
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        raise twilio_form.BadForm("Latitude/Longitude out of range")
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
