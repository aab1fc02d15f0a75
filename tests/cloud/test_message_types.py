"""Every message type Meta delivers becomes the InboundMessage a flow reads; taps arrive as
the option's key; media by id is fetched with two bearer requests from Meta's hosts only."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot import media
from bot.channels import cloud
from bot.messages import Location, Media
from models.db import unit_of_work
from models.messaging.inbox import InboxMessage
from models.partners.partner import Partner
from tests.cloud.graphstub import NUMBER_ID, TOKEN, delivery, message

PHONE = "+919812345678"
BASE = "https://graph.example/v21.0"


def _parsed(kind: str, body: dict | None) -> cloud.InboundMessage:
    found = cloud.parse(delivery([message(PHONE, kind, body, kind)]), [NUMBER_ID], BASE)
    (only,) = found.messages
    assert (only.channel, only.sender, only.via, only.profile_name) == (
        "whatsapp", PHONE, NUMBER_ID, "Ravi")
    return only


@pytest.mark.parametrize("kind, body, text, choice", [
    ("text", {"body": " BALANCE\u202e "}, "BALANCE", None),
    ("interactive", {"type": "button_reply", "button_reply": {"id": "wallet",
                                                              "title": "Wallet"}},
     "Wallet", "wallet"),
    ("interactive", {"type": "list_reply", "list_reply": {
        "id": "hi", "title": "हिन्दी", "description": "Hindi"}}, "हिन्दी", "hi"),
    ("button", {"text": "Yes", "payload": "yes"}, "Yes", "yes"),
    ("button", {"text": "Stop promotions"}, "Stop promotions", None),
    ("reaction", {"message_id": "wamid.HBgMAAAAAAAA", "emoji": "👍"}, "", None),
    ("unsupported", None, "", None),
    ("contacts", {"contacts": []}, "", None),
])
def test_text_taps_and_other_types(kind, body, text, choice):
    found = _parsed(kind, body)
    assert (found.text, found.choice, found.media, found.location) == (text, choice, (), None)


@pytest.mark.parametrize("kind, body, content_type, caption", [
    ("image", {"id": "1479537139650973", "mime_type": "image/jpeg", "sha256": "x",
               "caption": "bill"}, "image/jpeg", "bill"),
    ("document", {"id": "1479537139650974", "mime_type": "application/pdf",
                  "filename": "bill.pdf"}, "application/pdf", ""),
    ("audio", {"id": "1479537139650975", "mime_type": "audio/ogg; codecs=opus"},
     "audio/ogg; codecs=opus", ""),
])
def test_media_arrive_by_id_as_a_graph_url(kind, body, content_type, caption):
    found = _parsed(kind, body)
    assert found.media == (Media(f"{BASE}/{body['id']}", content_type),)
    assert found.text == caption


def test_a_location():
    found = _parsed("location", {"latitude": 19.076, "longitude": 72.8777, "name": "Shop"})
    assert found.location == Location(19.076, 72.8777)


@pytest.mark.parametrize("kind, body", [
    ("location", {"latitude": 91, "longitude": 0}),
    ("location", {"latitude": "19", "longitude": 72}),
    ("image", {"id": "../../etc/passwd", "mime_type": "image/jpeg"}),
    ("image", {"id": "1479537139650973", "mime_type": "image/jpeg\r\nX: y"}),
    ("interactive", {"type": "button_reply", "button_reply": {"id": "", "title": "x"}}),
    ("interactive", {"type": "list_reply", "list_reply": {"id": "x" * 257, "title": "x"}}),
])
def test_a_field_out_of_its_shape_refuses_the_delivery(kind, body):
    with pytest.raises(cloud.BadDelivery):
        _parsed(kind, body)


def test_a_tapped_button_chooses_by_key_and_the_flow_accepts_it(app, graph, cloud):
    cloud.send(PHONE, "Hi", "hi")
    buttons = graph.sent[-1][1]["interactive"]["action"]["buttons"]
    assert [b["reply"]["id"] for b in buttons] == ["enroll", "language"]
    cloud.tap(PHONE, "language", "Change language", "tap")
    rows = graph.sent[-1][1]["interactive"]["action"]["sections"][0]["rows"]
    assert rows[1] == {"id": "hi", "title": "हिन्दी (Hindi)"}
    cloud.tap(PHONE, "ta", "a title that is no option", "tap-ta", kind="list_reply")
    with unit_of_work() as session:
        assert session.scalar(select(Partner)) is None
    assert "இன்னும்" in str(graph.sent[-1][1])  # Tamil from here on


def test_a_tap_on_an_older_questions_option_is_read_as_its_title(app, graph, cloud):
    cloud.send(PHONE, "Hi", "hi")
    cloud.tap(PHONE, "no-such-key", "Change language", "old")
    assert graph.sent[-1][1]["interactive"]["type"] == "list"  # the language list


def test_an_unknown_type_is_answered_politely(app, graph, cloud):
    cloud.post(delivery([message(PHONE, "sticker", {"id": "1479537139650979",
                                                    "mime_type": "image/webp"}, "st"),
                         message(PHONE, "unsupported", None, "un")]))
    assert len(graph.sent) >= 2
    assert all(p["to"] == PHONE[1:] for _n, p in graph.sent)
    assert "went wrong" not in str(graph.sent)  # answered as the flows answer, no apology
    with unit_of_work() as session:
        assert [m.error for m in session.scalars(select(InboxMessage))] == [None, None]


def test_media_by_id_take_two_bearer_requests_to_metas_hosts_only(app, graph):
    graph.files["1479537139650973"] = (b"\xff\xd8 a bill", "image/jpeg")
    assert media.fetch(f"{graph.base}/1479537139650973") == b"\xff\xd8 a bill"
    first, second = graph.stub.requests[-2:]
    assert (first.method, first.path) == ("GET", "/v21.0/1479537139650973")
    assert second.path == "/files/1479537139650973"
    assert first.headers["Authorization"] == second.headers["Authorization"] == \
        f"Bearer {TOKEN}"


def test_a_media_url_off_metas_hosts_is_refused_and_the_token_not_sent(app, graph):
    graph.files["1479537139650973"] = (b"x", "image/jpeg")
    app.config["WHATSAPP_MEDIA_HOSTS"] = ["lookaside.fbsbx.com"]
    before = len(graph.stub.requests)
    with pytest.raises(media.MediaError, match="refused"):
        media.fetch(f"{graph.base}/1479537139650973")
    assert len(graph.stub.requests) == before + 1  # the id's JSON, not the file


def test_media_over_the_limit_are_refused_before_the_download(app, graph):
    graph.files["1479537139650973"] = (b"x" * 2048, "image/jpeg")
    with pytest.raises(media.MediaError, match="10 MB"):
        media.fetch(f"{graph.base}/1479537139650973", limit=1024)
    assert graph.stub.requests[-1].path == "/v21.0/1479537139650973"
