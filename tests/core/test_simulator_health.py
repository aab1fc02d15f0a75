"""The web simulator and /healthz."""

from __future__ import annotations

import io

from sqlalchemy import select

from app import create_app
from bot.notices import outbound
from models.db import unit_of_work
from models.messaging.inbox import InboxMessage
from models.partners.partner import Partner
from tests.conftest import app_config, status_lines

PHONE = "+919812345678"


def test_simulator_page_loads(app):
    response = app.test_client().get("/simulator")
    assert response.status_code == 200 and b"Saathi simulator" in response.data


def test_simulator_is_off_by_default_once_a_twilio_token_is_set(tmp_path):
    def status(**config) -> int:
        app = create_app({**app_config(tmp_path, **config), "DATABASE_URL": "sqlite://"})
        return app.test_client().get("/simulator").status_code

    assert status(SIMULATOR_ENABLED=None, TWILIO_AUTH_TOKEN="") == 200  # make run, no Twilio
    assert status(SIMULATOR_ENABLED=None, TWILIO_AUTH_TOKEN="real-token") == 404
    assert status(SIMULATOR_ENABLED=True, TWILIO_AUTH_TOKEN="real-token") == 200
    assert status(SIMULATOR_ENABLED=False, TWILIO_AUTH_TOKEN="") == 404


def test_simulator_chats_through_the_router(app):
    response = app.test_client().post("/simulator/send", data={
        "phone": "98123 45678", "channel": "sms", "text": "LANG"})
    body = response.get_json()
    assert body["phone"] == PHONE
    assert "Choose your language" in body["replies"][0]["text"]
    assert "1. English" in body["replies"][0]["text"]


def test_simulator_attachment_and_location_reach_the_flow(app):
    client = app.test_client()
    client.post("/simulator/send", data={"phone": PHONE, "text": "", "lat": "19.07",
                                         "lng": "72.87"})
    client.post("/simulator/send", data={"phone": PHONE, "text": "",
                                         "file": (io.BytesIO(b"%PDF-1.4"), "inv.pdf")},
                content_type="multipart/form-data")
    with unit_of_work() as session:
        payloads = [m.payload for m in session.scalars(select(InboxMessage)
                                                       .order_by(InboxMessage.id))]
    assert payloads[0]["location"] == {"latitude": 19.07, "longitude": 72.87}
    assert payloads[1]["media"][0]["url"].startswith("/media/inbound/sim/")


def test_simulator_refuses_a_bad_phone(app):
    response = app.test_client().post("/simulator/send", data={"phone": "12", "text": "hi"})
    assert response.status_code == 400


def test_simulator_shows_proactive_messages(app):
    with unit_of_work() as session:
        session.add(Partner(phone=PHONE, name="Ravi"))
        outbound.queue_message(session, phone=PHONE, text="100 credits added", channel="sms")
    messages = app.test_client().get(f"/simulator/outbox?phone={PHONE}").get_json()["messages"]
    assert [m["text"] for m in messages] == ["100 credits added"]


def test_healthz_reports_database_and_redis(app, redis_url):
    body = app.test_client().get("/healthz").get_json()
    assert body == {"status": "ok", "database": "ok", "redis": "disabled"}
    app.config["REDIS_URL"] = redis_url
    assert app.test_client().get("/healthz").get_json()["redis"] == "ok"


def test_healthz_reports_an_unreachable_redis(app):
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"
    response = app.test_client().get("/healthz")
    assert response.status_code == 503 and response.get_json()["redis"].startswith("error")


def test_status_says_so_when_redis_does_not_answer(app):
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"
    result = app.test_cli_runner().invoke(args=["status"])
    assert result.exit_code == 1
    assert status_lines(result.output)["jobs (Redis does not answer)"] == ("STUCK", 0)
    assert status_lines(result.output)["messages not answered"] == ("ok", 0)
    assert "check REDIS_URL and the Redis server (ConnectionError)" in result.output


def test_status_says_so_when_the_database_does_not_answer(tmp_path):
    app = create_app(app_config(tmp_path, DATABASE_URL="postgresql+psycopg://127.0.0.1:1/none"))
    result = app.test_cli_runner().invoke(args=["status"])
    assert result.exit_code == 1
    assert status_lines(result.output) == {
        "database (does not answer)": ("STUCK", 0)}
    assert "check DATABASE_URL and the database server (OperationalError)" in result.output


def test_simulator_takes_a_phone_photo_larger_than_a_webhook_and_answers_errors_as_json(app):
    client = app.test_client()
    photo = b"\xff\xd8\xff" + bytes(2 * 1024 * 1024)  # 2 MB: more than MAX_REQUEST_BYTES
    sent = client.post("/simulator/send", data={"phone": PHONE, "text": "",
                                                "file": (io.BytesIO(photo), "IMG_1.jpg")},
                       content_type="multipart/form-data")
    assert sent.status_code == 200 and sent.is_json
    huge = client.post("/simulator/send", data={"phone": PHONE, "text": "", "file": (
        io.BytesIO(bytes(11 * 1024 * 1024)), "scan.pdf")}, content_type="multipart/form-data")
    assert huge.status_code == 413
    assert huge.get_json() == {"error": "That file is too large: the limit is 10 MB."}
    assert client.post("/webhooks/twilio", data=photo).status_code == 413  # webhooks: as before


def test_simulator_history_is_the_conversation_once_in_order(app, clock):
    client = app.test_client()
    client.post("/simulator/send", data={"phone": PHONE, "channel": "sms", "text": "LANG"})
    clock.advance(seconds=5)
    with unit_of_work() as session:
        outbound.queue_message(session, phone=PHONE, text="100 credits added", channel="sms")
    clock.advance(seconds=5)
    client.post("/simulator/send", data={"phone": PHONE, "channel": "sms", "text": "HELP"})
    body = client.get(f"/simulator/history?phone={PHONE}").get_json()
    assert [(m["kind"], m["text"].split("\n")[0]) for m in body["messages"]] == [
        ("me", "LANG"), ("bot", "Choose your language:"), ("proactive", "100 credits added"),
        ("me", "HELP"), ("bot", "Send: BAL balance, HIST last entries, CODE <code>, LEARN or "
                                "QUIZ, REDEEM <amount>, TOP ranks, LANG <language>, JOIN "
                                "<program>, MORE, STOP, START")]  # SMS: its keywords, one SMS
    after = client.get(f"/simulator/outbox?phone={PHONE}&after={body['last_outbox']}")
    assert after.get_json()["messages"] == []


def test_a_voice_note_follow_up_shows_its_player_without_a_template_bubble(app, twilio):
    twilio.chat(PHONE, "hi")  # the WhatsApp window is open, as after a quiz
    with unit_of_work() as session:
        outbound.queue_message(session, phone=PHONE, channel="whatsapp",
                               media_urls=("/media/voice/hi/ab.ogg",), key="voice:1")
    client = app.test_client()
    for path in (f"/simulator/outbox?phone={PHONE}", f"/simulator/history?phone={PHONE}"):
        shown = client.get(path).get_json()["messages"][-1]
        assert (shown["text"], shown["media_url"]) == ("", "/media/voice/hi/ab.ogg"), path


def test_the_sms_channel_refuses_a_photo_as_sms_would(app):
    """SMS mode took an invoice photo and credited it, though no SMS can carry one: the
    simulator showed a feature-phone partner something they cannot do. It says so instead."""
    client = app.test_client()
    sent = client.post("/simulator/send", data={
        "phone": PHONE, "channel": "sms", "text": "",
        "file": (io.BytesIO(b"\xff\xd8\xff" + bytes(100)), "IMG_1.jpg")},
        content_type="multipart/form-data")
    assert sent.status_code == 400 and "WhatsApp" in sent.get_json()["error"]
    with unit_of_work() as session:
        assert session.scalars(select(InboxMessage)).first() is None  # nothing was received


def test_each_simulator_page_links_to_the_other(app):
    """The feature phone (USSD) page was reachable only by knowing its address."""
    client = app.test_client()
    assert b'href="/simulator/ussd"' in client.get("/simulator").data
    assert b'href="/simulator"' in client.get("/simulator/ussd").data
