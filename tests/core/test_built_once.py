"""The suite's own shortcut (tests/conftest.py built_once): rows a builder made on an empty
SQLite database come back as a copy in a later test's empty database, with a copy of the
builder's result; on a database in any other state, or at another frozen time, it builds."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from models.db import engine, unit_of_work
from models.partners.partner import Partner
from tests.conftest import _make_app, built_once

builds: list[str] = []


def _shop() -> dict[str, int]:
    builds.append("shop")
    with unit_of_work() as session:
        partner = Partner(phone=f"+9198110{len(builds):05d}", name="Ramesh")
        session.add(partner)
        session.flush()
        return {"id": partner.id}


def _phones() -> list[str]:
    with unit_of_work() as session:
        return list(session.scalars(select(Partner.phone).order_by(Partner.id)))


def _in_a_fresh_app(request, tmp_path, then):
    """`then()` in a new test app on an empty database, as the `app` fixture gives one."""
    app = _make_app("sqlite", request, tmp_path)
    with app.app_context():
        try:
            return then()
        finally:
            engine().dispose()


def test_a_later_empty_database_gets_a_copy_of_the_rows_and_result(request, tmp_path, clock):
    builds.clear()
    first = _in_a_fresh_app(request, tmp_path, lambda: (built_once(_shop), _phones()))
    again = _in_a_fresh_app(request, tmp_path, lambda: (built_once(_shop), _phones()))
    assert builds == ["shop"]
    assert again == first == ({"id": 1}, ["+919811000001"])
    assert again[0] is not first[0]  # the test's own copy to change


def test_a_database_written_to_or_another_frozen_time_builds_again(request, tmp_path, clock):
    builds.clear()

    def written_first():
        with unit_of_work() as session:
            session.add(Partner(phone="+919800000000"))
        return built_once(_shop), _phones()

    assert _in_a_fresh_app(request, tmp_path, written_first) == (
        {"id": 2}, ["+919800000000", "+919811000001"])
    clock.set(datetime(2026, 3, 13, 9, 0, tzinfo=UTC))
    for _ in range(2):
        assert _in_a_fresh_app(request, tmp_path, lambda: built_once(_shop)) == {"id": 1}
    assert builds == ["shop", "shop"]
