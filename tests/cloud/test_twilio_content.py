"""Options on Twilio's WhatsApp through the Content API (behind TWILIO_CONTENT_OPTIONS):
quick replies and list pickers created once (by the hash of their JSON) and sent by REST;
a tap arrives as the option's id; SMS stays numbered text."""

from __future__ import annotations

import json
from urllib.parse import parse_qs

import pytest
from sqlalchemy import func, select

from models.db import unit_of_work
from models.messaging.contents import TwilioContent
from models.partners.partner import Partner
from tests.conftest import replies_of
from tests.httpstub import Recorded, StubServer

PHONE = "+919812345678"
ACCOUNT = "AC" + "1" * 32


class Twilio:
    """Twilio's REST API (messages) and Content API on one stand-in."""

    def __init__(self) -> None:
        self.contents: list[dict] = []
        self.messages: list[dict] = []
        self.stub = StubServer(self._answer)

    def _answer(self, request: Recorded):
        if request.path == "/v1/Content":
            self.contents.append(json.loads(request.body))
            sid = f"HX{len(self.contents):032x}"
            return 201, {"Content-Type": "application/json"}, json.dumps({"sid": sid}).encode()
        self.messages.append({k: v[0] for k, v in parse_qs(request.body.decode()).items()})
        return 201, {"Content-Type": "application/json"}, json.dumps(
            {"sid": f"SM{len(self.messages):032x}", "status": "queued"}).encode()


@pytest.fixture
def rest(app):
    stand_in = Twilio()
    with stand_in.stub:
        app.config.update(TWILIO_ACCOUNT_SID=ACCOUNT, TWILIO_API_BASE=stand_in.stub.url,
                          TWILIO_CONTENT_BASE=stand_in.stub.url, TWILIO_CONTENT_OPTIONS=True,
                          TWILIO_SMS_FROM="+15005550006", TWILIO_WHATSAPP_FROM="+14155238886")
        yield stand_in


def test_options_become_a_quick_reply_created_once(app, rest, twilio, clock):
    for _ in range(2):
        assert replies_of(twilio.send(PHONE, "Hi")) == []  # the reply leaves by REST
    assert rest.contents == [{
        "friendly_name": rest.contents[0]["friendly_name"], "language": "en",
        "types": {"twilio/quick-reply": {
            "body": rest.contents[0]["types"]["twilio/quick-reply"]["body"],
            "actions": [{"title": "Join a program", "id": "enroll"},
                        {"title": "Change language", "id": "language"}]}}}]
    assert [m["ContentSid"] for m in rest.messages] == [f"HX{1:032x}"] * 2
    assert rest.messages[0]["To"] == f"whatsapp:{PHONE}" and "Body" not in rest.messages[0]
    with unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(TwilioContent)) == 1


def test_a_list_picker_and_a_tapped_row_by_its_id(app, rest, twilio, clock):
    twilio.send(PHONE, "Hi")
    twilio.send(PHONE, "Change language", ButtonPayload="language", ButtonText="Change language")
    picker = rest.contents[-1]["types"]["twilio/list-picker"]
    assert picker["button"] == "Choose" and len(picker["items"]) == 10  # 9 languages, More
    assert picker["items"][1] == {"item": "हिन्दी (Hindi)", "id": "hi"}
    twilio.send(PHONE, "whatever the title", ListId="ta", ListTitle="x")
    with unit_of_work() as session:
        assert session.scalar(select(Partner)) is None
    assert "இன்னும்" in str(rest.contents[-1])  # the next menu is in Tamil


def test_sms_stays_numbered_text(app, rest, twilio, clock):
    replies = twilio.chat(PHONE, "Hi", channel="sms")
    assert "1. Join a program\n2. Change language" in replies[0]
    assert rest.contents == [] and rest.messages == []
