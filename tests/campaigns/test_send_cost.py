"""What a broadcast costs the database per message: the batch's outbox rows are read and
written together, its deliveries' outcomes in one UPDATE, and a chunk of rows is marked in
flight in one statement and its statuses written in another, so a message takes under one
statement, not a dozen (bench/broadcast.py measures the rate)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from models.db import engine
from tests.campaigns.conftest import BOTH, phone_of
from tests.campaigns.test_broadcast import make, send

PARTNERS = 40  # at first 14 (SQLite) and 13 (PostgreSQL) statements a message; then 2.0 and
# 0.9 (the batch's deliveries and the chunks' statuses through the ORM's flush); now 0.9, 0.75


@contextmanager
def counted() -> Iterator[list[str]]:
    statements: list[str] = []

    def count(conn, cursor, statement, *args) -> None:
        statements.append(statement)

    event.listen(engine(), "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine(), "before_cursor_execute", count)


@BOTH
def test_a_broadcast_takes_a_few_statements_a_message(app, program, member, twilio_api, clock):
    app.config["CAMPAIGN_THREADS"] = 1
    ids = [member("en", whatsapp=1, name=f"P{n}") if n % 2 else member("hi", whatsapp=None)
           for n in range(PARTNERS)]
    campaign_id = make(program)

    with counted() as statements:
        send(campaign_id)

    assert sorted(f["To"].removeprefix("whatsapp:") for f in twilio_api.forms) == \
        sorted(phone_of(i) for i in ids)  # each partner once
    per_message = len(statements) / PARTNERS
    assert per_message <= 1, f"{per_message:.2f} statements a message"
