"""Twilio's parameters only in their documented names and shapes: a signed request whose
text was moved between a parameter's name and value (the signature survives that) is
refused, and so is a NUL byte in an id, a URL or a content type: 400, logged, nothing
stored, never a database error."""

from __future__ import annotations

import logging
import uuid

import pytest
from sqlalchemy import func, select

from models.db import unit_of_work
from models.messaging.inbox import InboxMessage
from tests.conftest import BASE_URL, TwilioClient, message_sid, sign

PHONE = "+919812345678"
ACCOUNT = "AC" + "0" * 32
URL = BASE_URL + "/webhooks/twilio"


def _stored() -> int:
    with unit_of_work() as session:
        return session.scalar(select(func.count(InboxMessage.id)))


def _message(**extra: str) -> dict[str, str]:
    return {"From": f"whatsapp:{PHONE}", "To": "whatsapp:+14155238886", "Body": "MENU",
            "MessageSid": message_sid(), "NumMedia": "0", "AccountSid": ACCOUNT, **extra}


def test_a_real_whatsapp_request_with_every_documented_field_is_answered(twilio):
    sid = message_sid()
    response = twilio.post({
        "SmsMessageSid": sid, "NumMedia": "1", "ProfileName": "Ravi", "MessageType": "image",
        "SmsSid": sid, "WaId": "919812345678", "SmsStatus": "received", "Body": "",
        "To": "whatsapp:+14155238886", "NumSegments": "1", "ReferralNumMedia": "0",
        "MessageSid": sid, "AccountSid": ACCOUNT, "From": f"whatsapp:{PHONE}",
        "ApiVersion": "2010-04-01", "MediaContentType0": "image/jpeg",
        "MediaUrl0": f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT}/Messages/{sid}"
                     f"/Media/ME{uuid.uuid4().hex}",
        "ChannelMetadata": '{"type":"whatsapp"}', "Forwarded": "true"})
    assert response.status_code == 200
    assert _stored() == 1


def test_a_signed_request_re_split_into_a_new_sid_is_refused(app, twilio, caplog):
    """The attack from the probe: drop NumMedia and append "NumMedia0" to MessageSid. The
    signature (sorted names and values, concatenated) still matches; the sid's shape does
    not, so the replay is not taken for a new message."""
    original = _message()
    signature = sign(URL, original)
    headers = {"X-Twilio-Signature": signature}
    client = app.test_client()
    assert client.post("/webhooks/twilio", data=original, headers=headers).status_code == 200
    forged = {k: v for k, v in original.items() if k != "NumMedia"}
    forged["MessageSid"] = original["MessageSid"] + "NumMedia0"
    assert sign(URL, forged) == signature  # the signature alone cannot tell
    for _ in range(5):
        response = client.post("/webhooks/twilio", data=forged, headers=headers)
        assert response.status_code == 400
    assert _stored() == 1
    assert "twilio request refused" in caplog.text


def test_a_signed_request_with_text_moved_into_a_parameter_name_is_refused(app, twilio):
    original = _message(Body="REDEEM 500")
    headers = {"X-Twilio-Signature": sign(URL, original)}
    forged = {k: v for k, v in original.items() if k != "Body"} | {"BodyREDEEM 5": "00"}
    assert sign(URL, forged) == headers["X-Twilio-Signature"]
    response = app.test_client().post("/webhooks/twilio", data=forged, headers=headers)
    assert response.status_code == 400
    assert _stored() == 0


def test_an_unknown_parameter_is_refused_and_logged_until_configured(app, twilio, caplog):
    caplog.set_level(logging.WARNING)
    assert twilio.post(_message(SomeFutureParam="x")).status_code == 400
    [refused] = [r for r in caplog.records if r.getMessage() == "twilio request refused"]
    assert refused.levelno == logging.ERROR and "SomeFutureParam" in refused.reason
    app.config["TWILIO_EXTRA_PARAMETERS"] = ["SomeFutureParam"]
    assert twilio.post(_message(SomeFutureParam="x")).status_code == 200


@pytest.mark.parametrize("field, value", [
    ("MessageSid", "SM1"), ("MessageSid", "SMsec1"), ("MessageSid", "SM" + "g" * 32),
    ("MessageSid", "XX" + "0" * 32), ("MessageSid", "SM" + "0" * 33),
    ("MessageSid", "SM" + "0" * 31 + "\x00"), ("MessageSid", "SM" + "0" * 32 + "\n"),
    ("AccountSid", "AC123"), ("AccountSid", ACCOUNT + "\x00"),
    ("MessagingServiceSid", "MGx"), ("SmsSid", "SM" + "1" * 32), ("NumMedia", "-1"),
    ("NumMedia", "1"), ("NumMedia", "11"), ("NumMedia", "٣"), ("NumMedia", ""),
    ("ApiVersion", "2010-04-01\x00"), ("MediaUrl0", "https://api.twilio.com/x"),
    ("Latitude", "19.07"),
])
def test_ids_counts_and_versions_must_have_their_documented_shape(twilio, field, value):
    response = twilio.post(_message(**{field: value}))
    assert response.status_code == 400
    assert response.data.startswith(b"<?xml")
    assert _stored() == 0


@pytest.mark.parametrize("media", [
    {"NumMedia": "1", "MediaUrl0": "https://api.twilio.com/m/ME1\x00",
     "MediaContentType0": "image/jpeg"},
    {"NumMedia": "1", "MediaUrl0": "https://api.twilio.com/m/ME1",
     "MediaContentType0": "image/jpeg\x00"},
    {"NumMedia": "1", "MediaUrl0": "/media/inbound/test/x.jpg",
     "MediaContentType0": "image/jpeg"},
    {"NumMedia": "1", "MediaUrl0": "https://api.twilio.com/m/ME 1",
     "MediaContentType0": "image/jpeg"},
    {"NumMedia": "1", "MediaUrl0": "https://api.twilio.com/m/ME1",
     "MediaContentType0": "image/jpeg\r\nX: y"},
    {"NumMedia": "1", "MediaUrl0": "https://api.twilio.com/m/ME1"},
    {"NumMedia": "1", "MediaUrl1": "https://api.twilio.com/m/ME1",
     "MediaContentType1": "image/jpeg"},
    {"NumMedia": "1", "MediaUrl0": "https://api.twilio.com/m/ME1",
     "MediaContentType0": "image/jpeg", "MediaUrl1": "https://api.twilio.com/m/ME2"},
    {"NumMedia": "1", "MediaUrl00": "https://api.twilio.com/m/ME1",
     "MediaContentType00": "image/jpeg"},
])
def test_media_must_match_num_media_in_their_documented_shape(twilio, media):
    response = twilio.post(_message(**media))
    assert response.status_code == 400
    assert _stored() == 0


def test_a_parameter_given_twice_is_refused(app, twilio):
    params = _message()
    headers = {"X-Twilio-Signature": sign(URL, params)}
    body = "&".join(f"{k}={v}" for k, v in params.items()).replace("+", "%2B")
    body += "&Body=REDEEM"
    response = app.test_client().post("/webhooks/twilio", data=body, headers=headers,
                                      content_type="application/x-www-form-urlencoded")
    assert response.status_code in (400, 403)
    assert _stored() == 0


def test_nul_bytes_never_reach_the_database_and_nothing_is_logged_as_an_error(
        twilio, caplog):
    for field in ("MessageSid", "MediaUrl0", "MediaContentType0", "From", "To",
                  "ProfileName"):
        media = {"NumMedia": "1", "MediaUrl0": "https://api.twilio.com/m/ME1",
                 "MediaContentType0": "image/jpeg"}
        params = _message(**media)
        params[field] = params.get(field, "Ravi") + "\x00"
        assert twilio.post(params).status_code in (200, 400), field
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize("params", [
    {"MessageSid": "SMx", "MessageStatus": "delivered"},
    {"MessageSid": "SM" + "0" * 31 + "\x00", "MessageStatus": "delivered"},
    {"MessageSid": "SM" + "0" * 32, "MessageStatus": "delivered\x00"},
    {"MessageSid": "SM" + "0" * 32, "MessageStatus": "delivered", "ErrorCode": "3000\x00"},
    {"MessageSid": "SM" + "0" * 32, "MessageStatus": "delivered", "AccountSid": "ACx"},
])
def test_status_callbacks_need_documented_ids_too(twilio, params):
    response = twilio.post(params, path="/webhooks/twilio/status")
    assert response.status_code == 400


def test_a_status_callback_with_a_good_sid_is_recorded(twilio: TwilioClient):
    params = {"MessageSid": "MM" + "a" * 32, "MessageStatus": "delivered",
              "AccountSid": ACCOUNT, "ChannelPrefix": "whatsapp", "EventType": "DELIVERED"}
    assert twilio.post(params, path="/webhooks/twilio/status").status_code == 204
