"""What a Twilio webhook form may hold: Twilio's documented parameter names, each value in
its documented shape.

Twilio's signature covers the names and values sorted and concatenated, so text can be moved
between a parameter's name and its value, or between neighbours, without breaking it. A
signed request re-split that way (MessageSid + "NumMedia0", NumMedia gone) must not pass for
a new message: ids must have their exact shape, media must match NumMedia, and a name that
is not Twilio's is refused. Names Twilio adds later can be accepted with the
TWILIO_EXTRA_PARAMETERS setting; a refusal logs the names so that an operator sees one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

MAX_MEDIA = 10  # Twilio's limit per message
MESSAGE_SID = re.compile(r"(SM|MM)[0-9a-fA-F]{32}")
ACCOUNT_SID = re.compile(r"AC[0-9a-fA-F]{32}")
SERVICE_SID = re.compile(r"MG[0-9a-fA-F]{32}")
_COUNT = re.compile(r"0|[1-9][0-9]{0,2}")
_DEGREES = re.compile(r"-?[0-9]{1,3}(\.[0-9]{1,12})?")
_WORD = re.compile(r"[A-Za-z_-]{1,40}")
URL = re.compile(r"https?://[!-~]{1,2000}")  # printable ASCII: no space, no control
MEDIA_TYPE = re.compile(r"[A-Za-z0-9][\w!#$&^.+-]{0,126}/[A-Za-z0-9][\w!#$&^.+-]{0,126}"
                        r"(; ?[ -~]{1,200})?")
_INDEXED = re.compile(r"(MediaUrl|MediaContentType)(0|[1-9][0-9]?)")

# Inbound message parameters (SMS, MMS, WhatsApp): name -> shape, None for free text.
MESSAGE: dict[str, re.Pattern | None] = {
    "MessageSid": MESSAGE_SID, "SmsMessageSid": MESSAGE_SID, "SmsSid": MESSAGE_SID,
    "AccountSid": ACCOUNT_SID, "MessagingServiceSid": SERVICE_SID, "ApiVersion":
        re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}"),
    "From": None, "To": None, "Body": None, "NumMedia": _COUNT, "NumSegments": _COUNT,
    "SmsStatus": _WORD, "MessageType": _WORD,
    "FromCity": None, "FromState": None, "FromZip": None, "FromCountry": None,
    "ToCity": None, "ToState": None, "ToZip": None, "ToCountry": None,
    "ProfileName": None, "WaId": re.compile(r"[0-9]{1,20}"), "Forwarded": _WORD,
    "FrequentlyForwarded": _WORD, "ButtonText": None, "ButtonPayload": None,
    "ButtonType": _WORD, "ListId": None, "ListTitle": None, "ListDescription": None,
    "Latitude": _DEGREES, "Longitude": _DEGREES, "Address": None, "Label": None,
    "OriginalRepliedMessageSender": None, "OriginalRepliedMessageSid": MESSAGE_SID,
    "ChannelMetadata": None, "ReferralNumMedia": _COUNT, "ReferralNumSegments": _COUNT,
    "ReferralBody": None, "ReferralHeadline": None, "ReferralSourceId": None,
    "ReferralSourceType": None, "ReferralSourceUrl": None, "ReferralMediaId": None,
    "ReferralMediaUrl": None, "ReferralMediaContentType": None, "ReferralMediaSize": None,
    "ReferralMediaSid": None, "ReferralCtwaClid": None, "ReferralFrom": None,
    "ReferralTo": None, "ReferralIntegrationError": None,
}
# Delivery status callbacks: their names vary by channel and Twilio adds some without
# notice, and a forged one can only mislabel a delivery; so values are checked, names not.
STATUS: dict[str, re.Pattern | None] = {
    "MessageSid": MESSAGE_SID, "SmsSid": MESSAGE_SID, "AccountSid": ACCOUNT_SID,
    "MessagingServiceSid": SERVICE_SID, "MessageStatus": _WORD, "SmsStatus": _WORD,
    "ErrorCode": re.compile(r"[0-9]{1,10}"),
}


class BadForm(ValueError):
    """The form is not one Twilio sends."""


def check_message(form: Mapping[str, str], extra_names: Iterable[str] = ()) -> str:
    """Check an inbound message form; return its MessageSid or raise BadForm."""
    _single_values(form)
    allowed = set(extra_names)
    unknown = sorted(k for k in form if k not in MESSAGE and k not in allowed
                     and not _INDEXED.fullmatch(k))
    if unknown:
        raise BadForm(f"unknown parameters {', '.join(n[:40] for n in unknown[:5])!r}")
    _shapes(form, MESSAGE)
    for name in ("From", "AccountSid", "NumMedia"):
        if not form.get(name):
            raise BadForm(f"{name} is required")
    sids = {form[k] for k in ("MessageSid", "SmsMessageSid", "SmsSid") if k in form}
    if len(sids) != 1 or not (form.get("MessageSid") or form.get("SmsMessageSid")):
        raise BadForm("MessageSid is missing, or differs from SmsMessageSid/SmsSid")
    if ("Latitude" in form) != ("Longitude" in form):
        raise BadForm("Latitude and Longitude come together")
    _media(form)
    return sids.pop()


def check_status(form: Mapping[str, str]) -> None:
    """Check a delivery status callback's ids and values, or raise BadForm."""
    _single_values(form)
    _shapes(form, STATUS)
    if not form.get("MessageSid") or not form.get("MessageStatus"):
        raise BadForm("MessageSid and MessageStatus are required")


def _single_values(form: Mapping[str, str]) -> None:
    getlist = getattr(form, "getlist", None)
    if getlist is not None and any(len(getlist(k)) > 1 for k in form):
        raise BadForm("a parameter is given twice")


def _shapes(form: Mapping[str, str], shapes: Mapping[str, re.Pattern | None]) -> None:
    for name, value in form.items():
        shape = shapes.get(name)
        if shape is not None and not shape.fullmatch(value):
            raise BadForm(f"{name} is not in Twilio's shape")


def _media(form: Mapping[str, str]) -> None:
    """MediaUrlN and MediaContentTypeN for exactly N < NumMedia (at most 10)."""
    count = int(form["NumMedia"])
    if count > MAX_MEDIA:
        raise BadForm(f"NumMedia over {MAX_MEDIA}")
    expected = {f"{kind}{n}" for kind in ("MediaUrl", "MediaContentType") for n in range(count)}
    given = {k for k in form if _INDEXED.fullmatch(k)}
    if given != expected:
        raise BadForm("media parameters do not match NumMedia")
    for n in range(count):
        if not URL.fullmatch(form[f"MediaUrl{n}"]):
            raise BadForm(f"MediaUrl{n} is not an http(s) URL")
        if not MEDIA_TYPE.fullmatch(form[f"MediaContentType{n}"]):
            raise BadForm(f"MediaContentType{n} is not a media type")
