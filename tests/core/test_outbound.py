"""Proactive messages: the outbox, WhatsApp's 24-hour rule, and Twilio's REST API."""

from __future__ import annotations

import json
from base64 import b64encode
from urllib.parse import parse_qs

import pytest
from sqlalchemy import select

from bot.config import ConfigError
from bot.notices import outbound
from models.db import unit_of_work
from models.messaging.outbox import OutboxMessage, OutboxStatus
from models.partners.partner import Partner
from tests.httpstub import Recorded, StubServer

PHONE = "+919812345678"
ACCOUNT = "AC" + "1" * 32


def _twilio_ok(request: Recorded):
    sid = "SM" + "a" * 32
    return 201, {"Content-Type": "application/json"}, json.dumps(
        {"sid": sid, "status": "queued", "account_sid": ACCOUNT}).encode()


@pytest.fixture
def partner(app):
    with unit_of_work() as session:
        session.add(Partner(phone=PHONE, name="Ravi"))


def _row() -> OutboxMessage:
    with unit_of_work() as session:
        return session.scalars(select(OutboxMessage)).one()


def test_free_text_outside_the_24_hour_window_is_refused(app, partner, twilio, clock):
    twilio.chat(PHONE, "hi")
    clock.advance(hours=25)
    with pytest.raises(outbound.OutsideSessionWindow), unit_of_work() as session:
        outbound.queue_message(session, phone=PHONE, text="Your tier changed", channel="whatsapp")


def test_outside_the_window_the_template_is_used(app, partner, twilio, clock):
    twilio.chat(PHONE, "hi")
    clock.advance(hours=25)
    with unit_of_work() as session:
        outbound.queue_message(session, phone=PHONE, text="Your tier changed", channel="whatsapp",
                               template="tier_change", template_vars={"1": "Gold"})
    row = _row()
    assert row.template == "tier_change" and row.status == OutboxStatus.SENT


def test_inside_the_window_free_text_is_sent(app, partner, twilio, clock):
    twilio.chat(PHONE, "hi")
    clock.advance(hours=23)
    with unit_of_work() as session:
        outbound.queue_message(session, phone=PHONE, text="Credits added", channel="whatsapp")
    assert _row().body == "Credits added"


def test_sms_has_no_session_window(app, partner, clock):
    with unit_of_work() as session:
        outbound.queue_message(session, phone=PHONE, text="Your OTP is 123456", channel="sms")
    assert _row().status == OutboxStatus.SENT


def test_same_key_queues_once(app, partner):
    for _ in range(2):
        with unit_of_work() as session:
            outbound.queue_message(session, phone=PHONE, text="Tier up", channel="sms",
                                   key="tier:1:gold")
    with unit_of_work() as session:
        assert len(session.scalars(select(OutboxMessage)).all()) == 1


def test_nothing_is_sent_when_the_transaction_rolls_back(app, partner):
    with pytest.raises(RuntimeError), unit_of_work() as session:
        outbound.queue_message(session, phone=PHONE, text="Credits added", channel="sms")
        raise RuntimeError("the operation failed after queueing")
    with unit_of_work() as session:
        assert session.scalar(select(OutboxMessage)) is None


def _twilio_app_config(app, url: str) -> None:
    app.config.update(TWILIO_ACCOUNT_SID=ACCOUNT, TWILIO_API_BASE=url,
                      TWILIO_SMS_FROM="+15005550006", TWILIO_WHATSAPP_FROM="+14155238886")


def test_twilio_rest_request_is_exactly_what_twilio_expects(app, partner):
    with StubServer(_twilio_ok) as server:
        _twilio_app_config(app, server.url)
        with unit_of_work() as session:
            outbound.queue_message(session, phone=PHONE, text="₹1,200 credited", channel="sms")
    assert len(server.requests) == 1
    request = server.requests[0]
    assert request.method == "POST"
    assert request.path == f"/2010-04-01/Accounts/{ACCOUNT}/Messages.json"
    token = app.config["TWILIO_AUTH_TOKEN"]
    assert request.headers["Authorization"] == \
        "Basic " + b64encode(f"{ACCOUNT}:{token}".encode()).decode()
    form = parse_qs(request.body.decode())
    # SMS: GSM-7 rather than UCS-2 for a rupee sign
    assert form == {"To": [PHONE], "From": ["+15005550006"], "Body": ["Rs 1,200 credited"],
                    "StatusCallback": ["https://saathi.test/webhooks/twilio/status"]}
    row = _row()
    assert row.status == OutboxStatus.SENT and row.provider_sid == "SM" + "a" * 32


def test_whatsapp_template_goes_as_content_sid(app, partner):
    app.config["WHATSAPP_TEMPLATES"] = {"invite": "HX" + "b" * 32}
    with StubServer(_twilio_ok) as server:
        _twilio_app_config(app, server.url)
        with unit_of_work() as session:
            outbound.queue_message(session, phone=PHONE, channel="whatsapp", template="invite",
                                   template_vars={"1": "CEMPRO"})
    form = parse_qs(server.requests[0].body.decode())
    assert form["To"] == [f"whatsapp:{PHONE}"] and form["From"] == ["whatsapp:+14155238886"]
    assert form["ContentSid"] == ["HX" + "b" * 32]
    assert json.loads(form["ContentVariables"][0]) == {"1": "CEMPRO"}
    assert "Body" not in form


def test_an_unmapped_template_fails_once_and_the_text_goes_by_sms(app, partner, twilio, clock):
    twilio.chat(PHONE, "hi")
    clock.advance(hours=25)
    app.config["WHATSAPP_TEMPLATES"] = {"invite": "HX" + "b" * 32}  # tier_change not mapped
    with StubServer(_twilio_ok) as server:
        _twilio_app_config(app, server.url)
        with unit_of_work() as session:
            outbound.queue_message(session, phone=PHONE, text="Your tier is now Gold",
                                   channel="whatsapp", template="tier_change",
                                   template_vars={"1": "Gold"}, key="tier")
    with unit_of_work() as session:
        whatsapp, sms = session.scalars(select(OutboxMessage).where(
            OutboxMessage.channel != "simulator").order_by(OutboxMessage.id)).all()[-2:]
    assert (whatsapp.status, whatsapp.attempts) == (OutboxStatus.FAILED, 1)
    assert whatsapp.error == "no WhatsApp template 'tier_change' for language 'en'"
    assert [parse_qs(r.body.decode())["Body"] for r in server.requests] == \
        [["Your tier is now Gold"]]
    assert (sms.channel, sms.status) == ("sms", OutboxStatus.SENT)


def test_a_provider_outage_retries_then_ends_failed(app, partner):
    with StubServer(lambda r: (500, {}, b'{"message": "down"}')) as server:
        _twilio_app_config(app, server.url)
        with unit_of_work() as session:
            outbound.queue_message(session, phone=PHONE, text="hello", channel="sms")
    row = _row()
    assert len(server.requests) == app.config["JOB_RETRIES"] + 1
    assert row.status == OutboxStatus.FAILED and row.attempts == app.config["JOB_RETRIES"] + 1


def test_delivery_reports_move_status_forward_only(app, partner, twilio):
    with StubServer(_twilio_ok) as server:
        _twilio_app_config(app, server.url)
        with unit_of_work() as session:
            outbound.queue_message(session, phone=PHONE, text="hello", channel="sms")
    sid = _row().provider_sid
    for status in ("delivered", "sent"):  # "sent" arrives late
        twilio.post({"MessageSid": sid, "MessageStatus": status},
                    path="/webhooks/twilio/status")
    assert _row().status == OutboxStatus.DELIVERED


def test_sweep_resends_a_message_whose_job_was_lost(app, partner, clock, monkeypatch):
    from bot import jobs
    from workers.outbound import sweep

    monkeypatch.setattr(jobs, "after_commit", lambda *a, **kw: None)  # the enqueue never happens
    with unit_of_work() as session:
        outbound.queue_message(session, phone=PHONE, text="hello", channel="sms")
    assert _row().status == OutboxStatus.QUEUED
    assert sweep() == 0, "a fresh row is left to its own job"
    clock.advance(minutes=2)
    assert sweep() == 1
    assert _row().status == OutboxStatus.SENT


def _sms_with_link() -> list[str]:
    """Queue an SMS with a voucher image outside any request, as a job does; its bodies."""
    with unit_of_work() as session:
        outbound.queue_message(session, phone=PHONE, text="Your voucher", channel="sms",
                               media_urls=("/media/vouchers/V1.png",))
    with unit_of_work() as session:
        return list(session.scalars(select(OutboxMessage.body).order_by(OutboxMessage.id)))


def test_a_job_links_to_make_run_when_development_has_no_public_base_url(app, partner):
    app.config.update(PUBLIC_BASE_URL="", TWILIO_AUTH_TOKEN="")  # make run
    assert any("http://127.0.0.1:5000/media/vouchers/V1.png" in body
               for body in _sms_with_link())


def test_a_job_with_real_partners_and_no_public_base_url_sends_no_link(app, partner):
    """Start-up refuses this with an SMS sender (tests/core/test_config.py); with the Cloud
    API alone a job stops with the one line, and nothing is sent."""
    app.config.update(PUBLIC_BASE_URL="", TWILIO_AUTH_TOKEN="", WHATSAPP_APP_SECRET="secret")
    with pytest.raises(ConfigError, match=r"^PUBLIC_BASE_URL is unset: set it"):
        _sms_with_link()
    with unit_of_work() as session:
        assert session.scalars(select(OutboxMessage)).all() == []
