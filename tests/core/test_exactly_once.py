"""Every inbound message is stored first and handled exactly once, even under concurrency."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

import tests.core.testflows  # noqa: F401 - registers the PING counter flow
from models.db import unit_of_work
from models.messaging.conversation import Conversation
from models.messaging.inbox import InboxMessage, InboxStatus
from tests.conftest import TwilioClient, message_sid, replies_of

PHONE = "+919812345678"


def _count_state(app) -> int:
    with unit_of_work() as session:
        conv = session.scalar(select(Conversation).where(Conversation.phone == PHONE))
        return conv.data.get("count", 0)


def test_retried_message_sid_gets_the_same_reply_and_changes_nothing(app, twilio):
    first = twilio.chat(PHONE, "PING", sid=message_sid("retry-1"))
    second = twilio.chat(PHONE, "PING", sid=message_sid("retry-1"))
    assert first == second == ["count 1"]
    assert _count_state(app) == 1
    with unit_of_work() as session:
        assert session.scalar(select(func.count(InboxMessage.id))) == 1


def test_same_sid_delivered_concurrently_is_processed_once(app):
    def deliver(_):
        client = TwilioClient(app.test_client())
        return replies_of(client.send(PHONE, "PING", sid=message_sid("race")))

    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(deliver, range(6)))
    assert all(r == ["count 1"] for r in results)
    assert _count_state(app) == 1


def test_messages_arriving_together_are_handled_one_after_the_other(app):
    """No lost update: ten different messages at once each see the previous one's state."""
    TwilioClient(app.test_client()).send(PHONE, "PING", sid=message_sid("start"))

    def deliver(n):
        client = TwilioClient(app.test_client())
        return replies_of(client.send(PHONE, "+", sid=message_sid(f"n{n}")))

    with ThreadPoolExecutor(max_workers=5) as pool:
        results = list(pool.map(deliver, range(10)))
    assert sorted(r[0] for r in results) == sorted(f"count {n}" for n in range(2, 12))
    assert _count_state(app) == 11


def test_message_is_stored_even_when_the_flow_fails(app, twilio):
    twilio.chat(PHONE, "hello")
    replies = twilio.chat(PHONE, "EXPLODE", sid=message_sid("boom"))
    assert replies == ["Sorry, something went wrong on our side. Please try again in a minute."]
    with unit_of_work() as session:
        row = session.scalar(select(InboxMessage)
                             .where(InboxMessage.provider_id == message_sid("boom")))
        assert row.status == InboxStatus.FAILED and row.body == "EXPLODE"
        conv = session.scalar(select(Conversation).where(Conversation.phone == PHONE))
        assert conv.language is None, "the failed flow's change must be rolled back"
        assert (conv.flow, conv.state) == ("menu", "idle")
    # a retry of the failed message is answered the same way, not re-run
    assert twilio.chat(PHONE, "EXPLODE", sid=message_sid("boom")) == replies


def test_failure_is_logged_with_the_message_id(app, twilio, caplog):
    twilio.chat(PHONE, "EXPLODE", sid=message_sid("logged"))
    failures = [r for r in caplog.records if r.getMessage() == "flow failed"]
    assert failures and failures[0].message_id == message_sid("logged")
