"""Meta's Cloud API webhook: the subscription check, signatures over the raw body only,
deliveries with several messages and statuses, retries of the same wamid, bad shapes."""

from __future__ import annotations

import json
import logging

import pytest
from sqlalchemy import func, select

from models.db import unit_of_work
from models.messaging.conversation import Conversation
from models.messaging.inbox import InboxMessage
from models.messaging.outbox import OutboxMessage
from tests.cloud.graphstub import (
    APP_SECRET,
    NUMBER_ID,
    OTHER_NUMBER_ID,
    VERIFY,
    delivery,
    message,
    sign,
    status,
    wamid,
)

PHONE, OTHER = "+919812345678", "+919812345679"


def _count(model) -> int:
    with unit_of_work() as session:
        return session.scalar(select(func.count()).select_from(model))


def _outbox() -> list[OutboxMessage]:
    with unit_of_work() as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


@pytest.mark.parametrize("args, status_code", [
    ({"hub.mode": "subscribe", "hub.verify_token": VERIFY, "hub.challenge": "1158201444"}, 200),
    ({"hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "1158201444"}, 403),
    ({"hub.mode": "unsubscribe", "hub.verify_token": VERIFY, "hub.challenge": "1"}, 403),
    ({"hub.mode": "subscribe", "hub.challenge": "1158201444"}, 403),
])
def test_the_subscription_check_answers_the_challenge_only_for_our_token(
        app, graph, args, status_code):
    response = app.test_client().get("/webhooks/whatsapp", query_string=args)
    assert response.status_code == status_code
    if status_code == 200:
        assert response.data == b"1158201444"


def test_the_channel_is_off_while_the_app_secret_is_unset(app, graph, cloud):
    app.config["WHATSAPP_APP_SECRET"] = ""
    assert cloud.send(PHONE, "Hi", "off").status_code == 404
    assert app.test_client().get("/webhooks/whatsapp", query_string={
        "hub.mode": "subscribe", "hub.verify_token": VERIFY, "hub.challenge": "1"}
    ).status_code == 404
    assert _count(InboxMessage) == 0


def test_a_signature_missing_wrong_or_over_a_reserialised_body_is_refused(
        app, graph, cloud, caplog):
    raw = json.dumps(delivery([message(PHONE, "text", {"body": "Hi"}, "s")]),
                     indent=1).encode()
    reserialised = json.dumps(json.loads(raw)).encode()  # the same JSON, other bytes
    with caplog.at_level(logging.WARNING, "saathi.cloud"):
        for body, signature in ((raw, ""), (raw, sign(raw, "another-secret")),
                                (raw, sign(raw).removeprefix("sha256=")),
                                (reserialised, sign(raw)), (raw, sign(reserialised))):
            assert cloud.post(body, signature=signature).status_code == 403
    assert caplog.text.count("cloud api signature refused") == 5
    assert _count(InboxMessage) == 0 and graph.sent == []
    assert cloud.post(raw, signature=sign(raw)).status_code == 200  # the raw bytes pass
    assert APP_SECRET not in caplog.text


def test_a_delivery_with_several_messages_and_statuses_handles_every_one(app, graph, cloud):
    cloud.send(PHONE, "Hi", "first")
    sent = _outbox()[0].provider_sid
    both = delivery([message(PHONE, "text", {"body": "MENU"}, "m1"),
                     message(OTHER, "text", {"body": "Hi"}, "m2")],
                    [status(sent, "delivered"), status(sent, "read")])
    both["entry"].append(delivery([message(OTHER, "text", {"body": "HELP"}, "m3")],
                                  number_id=OTHER_NUMBER_ID)["entry"][0])
    assert cloud.post(both).status_code == 200
    rows = _outbox()
    assert (rows[0].status, rows[1].phone, rows[2].phone) == ("read", PHONE, OTHER)
    assert {(r.phone, r.via) for r in rows[1:3]} == {(PHONE, NUMBER_ID), (OTHER, NUMBER_ID)}
    assert {(r.phone, r.via, r.status) for r in rows[3:]} == {(OTHER, OTHER_NUMBER_ID, "sent")}
    # each reply leaves from the number the partner wrote to
    assert [number for number, _payload in graph.sent] == [r.via for r in rows]
    assert _count(InboxMessage) == 4


def test_a_failed_status_keeps_metas_error_code_and_late_reports_never_move_back(
        app, graph, cloud):
    cloud.send(PHONE, "Hi", "first")
    sent = _outbox()[0].provider_sid
    cloud.post(delivery(statuses=[status(sent, "failed", 131026), status(sent, "sent")]))
    row = _outbox()[0]
    assert (row.status, row.error) == ("failed", "131026")


def test_a_retried_wamid_changes_nothing(app, graph, cloud):
    document = delivery([message(PHONE, "text", {"body": "Hi"}, "once")])
    for _ in range(3):
        assert cloud.post(document).status_code == 200
    assert _count(InboxMessage) == 1 and len(_outbox()) == 1 and len(graph.sent) == 1
    with unit_of_work() as session:
        stored = session.scalar(select(InboxMessage))
        assert stored.provider_id == wamid("once") and stored.payload["via"] == NUMBER_ID


@pytest.mark.parametrize("mangle", [
    lambda d: d.update(object="page"),
    lambda d: d["entry"][0]["changes"][0]["value"]["metadata"].update(phone_number_id="999999"),
    lambda d: d["entry"][0]["changes"][0]["value"]["messages"][0].update(id="SM123"),
    lambda d: d["entry"][0]["changes"][0]["value"]["messages"][0].update(id="wamid.a\x00b"),
    lambda d: d["entry"][0]["changes"][0]["value"]["messages"][0].update(**{"from": "+91 98"}),
    lambda d: d["entry"][0]["changes"][0]["value"]["messages"][0].update(text={"body": 7}),
    lambda d: d["entry"][0]["changes"][0]["value"].update(messages={"0": 1}),
    lambda d: d.update(entry="x"),
], ids=["object", "number", "wamid", "nul", "from", "body", "messages", "entry"])
def test_a_signed_delivery_not_in_metas_shape_is_refused_whole(app, graph, cloud, mangle):
    document = delivery([message(OTHER, "text", {"body": "Hi"}, "ok"),
                         message(PHONE, "text", {"body": "Hi"}, "bad")])
    mangle(document)
    assert cloud.post(document).status_code == 400
    assert _count(InboxMessage) == 0 and graph.sent == []


def test_a_body_that_is_not_json_is_refused(app, graph, cloud):
    assert cloud.post(b"{not json").status_code == 400
    assert cloud.post(b"\xff\xfe").status_code == 400


def test_the_conversation_remembers_the_number_it_came_to(app, graph, cloud):
    cloud.send(PHONE, "Hi", "a", number_id=OTHER_NUMBER_ID)
    with unit_of_work() as session:
        conv = session.scalar(select(Conversation))
        assert (conv.channel, conv.via) == ("whatsapp", OTHER_NUMBER_ID)
