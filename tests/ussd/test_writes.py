"""A USSD step writes the conversation once, after its flow: a query mid-flow does not flush a
move half made (an UPDATE of the conversation each time the flow reads something)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import event

from models.db import engine
from tests.redeem.conftest import RETAILER


@pytest.fixture
def conversation_writes(app) -> Iterator[list[str]]:
    """The UPDATEs of conversations sent from now on."""
    writes: list[str] = []

    def _sent(_conn, _cursor, statement, *_args) -> None:
        if statement.startswith("UPDATE conversations"):
            writes.append(statement)

    event.listen(engine(), "before_cursor_execute", _sent)
    yield writes
    event.remove(engine(), "before_cursor_execute", _sent)


def test_the_balance_screen_writes_the_conversation_once(gateway, retailer,
                                                         conversation_writes):
    call = gateway.dial(RETAILER)
    conversation_writes.clear()
    assert "credits: 2,000" in call.press("1")  # the wallet flow, its program, its balance
    assert len(conversation_writes) == 1
    conversation_writes.clear()
    assert "What would you like to do?" in call.press("00")
    assert len(conversation_writes) == 1
