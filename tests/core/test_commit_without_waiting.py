"""The transactions that store an inbound message commit without waiting for the disk, said by
the statement that stores it (or locks the USSD session row), not by a SET LOCAL of its own."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import event, text

from models.db import engine, unit_of_work
from models.messaging import inbox, ussd

PHONE = "+919812345678"


@pytest.fixture
def seen(pg_app) -> Iterator[list[str]]:
    """The statements sent from now on."""
    statements: list[str] = []

    def _sent(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    event.listen(engine(), "before_cursor_execute", _sent)
    yield statements
    event.remove(engine(), "before_cursor_execute", _sent)


def _synchronous_commit(session) -> str:
    return session.scalar(text("SELECT current_setting('synchronous_commit')"))


def _lock(session, session_id: str):
    return ussd.lock(session, session_id=session_id, phone=PHONE, service_code="*123#",
                     network_code="40445")


def test_a_new_message_is_stored_in_one_statement_that_turns_the_wait_off(seen):
    with unit_of_work() as session:
        assert inbox.store(session, channel="whatsapp", provider_id="SM1", phone=PHONE,
                           body="MENU", payload={}) is None
        assert len(seen) == 1 and seen[0].startswith("INSERT INTO inbox_messages")
        assert _synchronous_commit(session) == "off"
    with unit_of_work() as session:  # a redelivery writes nothing: the wait is not turned off
        assert inbox.store(session, channel="whatsapp", provider_id="SM1", phone=PHONE,
                           body="MENU", payload={}) is not None
        assert _synchronous_commit(session) == "on"


def test_a_ussd_step_locks_its_session_row_and_turns_the_wait_off_in_one_statement(seen):
    with unit_of_work() as session:  # the dial: no row yet, so the insert says it
        row, new = _lock(session, "ATUid_1")
        assert new and len(seen) == 2 and seen[1].startswith("INSERT INTO ussd_sessions")
        assert _synchronous_commit(session) == "off"
    seen.clear()
    with unit_of_work() as session:
        found, new = _lock(session, "ATUid_1")
        assert not new and found.id == row.id
        assert len(seen) == 1 and "FOR UPDATE" in seen[0]
        assert _synchronous_commit(session) == "off"
        inbox.store(session, channel="ussd", provider_id="ATUid_1:1", phone=PHONE, body="1",
                    payload={})
        assert len(seen) == 3  # the insert did not say it again
