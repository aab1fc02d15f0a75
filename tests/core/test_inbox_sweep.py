"""Messages stored but never answered (the web process died mid-request) are answered later,
through the outbox, exactly once."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import OperationalError

import tests.core.testflows  # noqa: F401 - registers the HANG flow
from bot import router
from bot.messages import InboundMessage
from models.db import unit_of_work
from models.messaging.inbox import InboxMessage, InboxStatus, store
from models.messaging.outbox import OutboxMessage
from tests.conftest import message_sid, replies_of
from workers import inbox as inbox_sweep

PHONE = "+919812345678"
ROOT = Path(__file__).resolve().parents[2]


def _stored_only(sid: str, text: str = "MENU") -> InboundMessage:
    """What a web process killed right after step 1 (store, commit) leaves behind."""
    message = InboundMessage(channel="whatsapp", sender=PHONE, text=text, provider_id=sid)
    with unit_of_work() as session:
        store(session, channel=message.channel, provider_id=sid, phone=PHONE, body=text,
              payload=message.to_dict())
    return message


def _outbox() -> list[OutboxMessage]:
    with unit_of_work() as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def _status(sid: str) -> tuple[str, str | None]:
    with unit_of_work() as session:
        row = session.scalar(select(InboxMessage).where(InboxMessage.provider_id == sid))
        return row.status, row.error


def test_an_unanswered_message_is_answered_through_the_outbox_once(twilio, clock):
    _stored_only(message_sid("dead1"))
    clock.advance(seconds=30)
    assert inbox_sweep.sweep() == 0  # too fresh: its request may still be running
    clock.advance(minutes=2)
    assert inbox_sweep.sweep() == 1
    [sent] = _outbox()
    assert sent.phone == PHONE and sent.channel == "whatsapp"
    assert sent.body.startswith("You are not enrolled yet.") and "\n1. Join a program" in sent.body
    assert _status(message_sid("dead1")) == (InboxStatus.PROCESSED, None)
    assert inbox_sweep.sweep() == 0 and len(_outbox()) == 1
    # Twilio retrying the dead request now gets the same answer, and nothing more is sent.
    response = twilio.send(PHONE, "MENU", sid=message_sid("dead1"))
    assert replies_of(response)[0].startswith("You are not enrolled yet.")
    assert len(_outbox()) == 1


def test_sweep_seconds_sets_how_long_a_message_waits_for_its_request(app, twilio, clock):
    app.config["SWEEP_SECONDS"] = 5  # the message waits twice that: 10 s
    _stored_only(message_sid("dead-soon"))
    clock.advance(seconds=9)
    assert inbox_sweep.sweep() == 0
    clock.advance(seconds=2)
    assert inbox_sweep.sweep() == 1 and len(_outbox()) == 1


def test_a_message_answered_meanwhile_is_not_answered_again(twilio, clock):
    message = _stored_only(message_sid("dead2"))
    # the redelivery answers
    assert replies_of(twilio.send(PHONE, "MENU", sid=message_sid("dead2")))
    router.recover(message)  # a sweep that picked it up just before
    assert _outbox() == []


def test_a_message_left_over_an_hour_is_closed_unanswered(app, clock):
    _stored_only(message_sid("dead3"))
    clock.advance(hours=2)
    assert inbox_sweep.sweep() == 1
    assert _status(message_sid("dead3")) == (InboxStatus.FAILED, "not answered within an hour")
    assert _outbox() == []


def test_a_process_killed_inside_the_flow_still_gets_the_partner_an_answer(pg_app, clock,
                                                                            tmp_path):
    """SIGKILL a real process while it holds the conversation lock inside a flow: its work is
    rolled back, the stored message is answered by the sweep, once."""
    signal_file = tmp_path / "in-flow"
    env = {**os.environ, "DATABASE_URL": pg_app.config["DATABASE_URL"],
           "HANG_SIGNAL": str(signal_file)}
    child = subprocess.Popen([sys.executable, "-m", "tests.core.hang_child", PHONE,
                              message_sid("killed")],
                             cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while not signal_file.exists():
            assert time.monotonic() < deadline and child.poll() is None, "never reached the flow"
            time.sleep(0.05)
    finally:
        child.kill()
        child.wait()
    assert _status(message_sid("killed")) == (InboxStatus.RECEIVED, None)
    clock.set(datetime.now(UTC) + timedelta(minutes=3))
    assert inbox_sweep.sweep() == 1
    [sent] = _outbox()
    assert sent.body == "answered after all" and sent.phone == PHONE
    assert _status(message_sid("killed")) == (InboxStatus.PROCESSED, None)
    assert inbox_sweep.sweep() == 0


GONE = "SM" + "6a" * 16


def test_a_database_lost_mid_message_gets_a_reply_and_the_sweep_answers_it_later(
        twilio, clock, monkeypatch):
    """PostgreSQL restarting between storing a message and handling it: the webhook answers
    "try again" (not a 500, which Twilio logs as an error), and the message, still stored and
    unanswered, is answered by the inbox sweep once the database is back."""
    handle = router._process

    def database_gone(message, *, late=False, finish=None):
        raise OperationalError("SELECT …", {}, Exception("server closed the connection"))

    monkeypatch.setattr(router, "_process", database_gone)
    response = twilio.send(PHONE, "MENU", sid=GONE)
    assert response.status_code == 200
    assert replies_of(response) == [
        "Sorry, something went wrong on our side. Please try again in a minute."]
    assert _status(GONE) == (InboxStatus.RECEIVED, None)

    monkeypatch.setattr(router, "_process", handle)  # the database is back
    clock.advance(minutes=3)
    assert inbox_sweep.sweep() == 1
    [sent] = _outbox()
    assert sent.body.startswith("You are not enrolled yet.")
    assert _status(GONE) == (InboxStatus.PROCESSED, None)
