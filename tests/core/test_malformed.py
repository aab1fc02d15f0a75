"""Malformed requests get a clean answer: never a 500, never a stored half-message."""

from __future__ import annotations

import logging
import socket
import time

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from app import create_app
from bot.logs import JsonFormatter
from bot.router import SORRY
from models.db import unit_of_work
from models.messaging.inbox import InboxMessage
from tests.conftest import BASE_URL, TwilioClient, app_config, message_sid, replies_of, sign

PHONE = "+919812345678"


def _stored() -> int:
    with unit_of_work() as session:
        return session.scalar(select(func.count(InboxMessage.id)))


ACCOUNT = {"AccountSid": "AC" + "0" * 32, "NumMedia": "0"}


@pytest.mark.parametrize("params", [
    {"Body": "hi", "MessageSid": message_sid()},  # no From
    {"From": "whatsapp:+919812345678", "Body": "hi"},  # no MessageSid
    {"From": "whatsapp:not-a-number", "Body": "hi", "MessageSid": message_sid()},
    {"From": "+919812345678", "Body": "hi", "MessageSid": message_sid(), "NumMedia": "many"},
    {"From": "+919812345678", "Body": "", "MessageSid": message_sid(), "Latitude": "north",
     "Longitude": "72.8"},
    {"From": "+919812345678", "Body": "", "MessageSid": message_sid(), "Latitude": "95",
     "Longitude": "72.8"},
])
def test_requests_missing_or_garbling_fields_get_400_with_empty_twiml(twilio, params):
    response = twilio.post({**ACCOUNT, **params})
    assert response.status_code == 400
    assert response.data.startswith(b"<?xml")
    assert _stored() == 0


def test_a_huge_body_is_refused_with_413(app):
    params = {"From": f"whatsapp:{PHONE}", "MessageSid": "SMbig", "Body": "x" * 400_000}
    headers = {"X-Twilio-Signature": sign(BASE_URL + "/webhooks/twilio", params)}
    response = app.test_client().post("/webhooks/twilio", data=params, headers=headers)
    assert response.status_code == 413
    assert _stored() == 0


def test_binary_junk_is_refused_without_a_500(app):
    junk = bytes(range(256)) * 20
    response = app.test_client().post(
        "/webhooks/twilio", data=junk, content_type="application/x-www-form-urlencoded",
        headers={"X-Twilio-Signature": "junk"})
    assert response.status_code in (400, 403)


def test_binary_junk_in_a_signed_body_field_is_answered(twilio):
    replies = twilio.chat(PHONE, "\x00\x01\ufffd\u202e garbage \x7f")
    assert replies and "JOIN" in replies[0]


def test_unknown_media_type_gets_a_clear_reply(twilio):
    replies = twilio.chat(PHONE, "", NumMedia="1", MediaUrl0="https://api.twilio.com/m/ME1",
                          MediaContentType0="application/x-msdownload")
    assert replies and replies[0]
    assert _stored() == 1


def _media(count: int) -> dict[str, str]:
    extra = {f"MediaUrl{n}": f"https://api.twilio.com/m/ME{n}" for n in range(count)}
    return extra | {f"MediaContentType{n}": "image/jpeg" for n in range(count)}


def test_ten_media_are_taken_and_more_are_not_twilios(twilio):
    assert twilio.send(PHONE, "", NumMedia="12", **_media(12)).status_code == 400
    assert twilio.send(PHONE, "", NumMedia="10", **_media(10)).status_code == 200
    with unit_of_work() as session:
        assert len(session.scalar(select(InboxMessage.payload))["media"]) == 10


def test_with_the_database_down_the_partner_is_asked_to_try_again(tmp_path, caplog):
    """Nothing can be stored: a polite TwiML answer (not a 500) and an error log line."""
    app = create_app(app_config(tmp_path, DATABASE_URL="postgresql+psycopg://127.0.0.1:1/none"))
    response = TwilioClient(app.test_client()).send(PHONE, "MENU", sid=message_sid("down"))
    assert response.status_code == 200
    assert replies_of(response) == [SORRY]
    assert "message not stored: database unavailable" in caplog.text


def test_a_database_that_never_answers_still_gets_the_partner_a_reply_in_time(tmp_path):
    """A server that accepts the connection and says nothing: the answer comes well inside
    Twilio's 15 seconds (the connect timeout), not never."""
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)  # never accepted: the handshake completes, no byte ever comes back
    url = f"postgresql+psycopg://127.0.0.1:{silent.getsockname()[1]}/none"
    app = create_app(app_config(tmp_path, DATABASE_URL=url))
    started = time.monotonic()
    response = TwilioClient(app.test_client()).send(PHONE, "MENU", sid=message_sid("silent"))
    assert replies_of(response) == [SORRY]
    assert time.monotonic() - started < 12
    silent.close()


def test_a_database_error_about_a_message_keeps_its_secrets_out_of_the_logs(app, caplog):
    """A partner's message body can be an OTP or a UPI id; a database error quoting it (SQL
    parameters, PostgreSQL's "Failing row contains ...") must not carry them into the logs."""
    with pytest.raises(DBAPIError) as caught, unit_of_work() as session:
        session.execute(text(
            "INSERT INTO inbox_messages (channel, provider_id, phone, body, payload, status, "
            "received_at) VALUES (NULL, 'SMx', :phone, :body, '{}', 'received', :at)"),
            {"phone": PHONE, "body": "482913 ravi.kumar@okaxis", "at": "2026-03-12 10:00:00"})
    logging.getLogger("saathi.test").error("statement failed", exc_info=caught.value)
    [logged] = [JsonFormatter().format(r) for r in caplog.records if r.name == "saathi.test"]
    assert "statement failed" in logged and "inbox_messages" in logged
    assert "482913" not in logged and "ravi.kumar" not in logged
