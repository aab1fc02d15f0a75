"""Rows written and looked up in bulk (models/db.py: `insert_rows`, `among`), as the sales
import and the bulk earn use them: every row written with its own values whichever of them
repeat, and every value found again however it is spelt (quotes, backslashes, commas)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.exc import DataError, IntegrityError

from models import db as db_module
from models.admin.audit import AuditEntry
from models.db import among, insert_rows, unit_of_work
from models.partners.partner import Partner

AWKWARD = ['Shah "& Sons"', "C:\\shop\\", "a,b}", "NULL", "", " two  spaces ", "ஸ்ரீ"]


def test_rows_are_written_with_their_own_values_and_found_again_by_any_name(app):
    at = datetime(2026, 11, 20, 10, 30, tzinfo=UTC)
    rows = [{"phone": f"+9170000000{n:02d}", "role": "retailer", "status": "active",
             "language": "ta", "name": name, "created_at": at}
            for n, name in enumerate(AWKWARD)]
    twins = [{"phone": f"+9171000000{n}", "role": "retailer", "status": "active",
              "language": "hi", "name": "Twin", "created_at": at} for n in range(2)]
    with unit_of_work() as db:
        ids = insert_rows(db, Partner.__table__, rows, returning=("id", "name"))
        assert [name for _id, name in ids] == AWKWARD
        insert_rows(db, Partner.__table__, twins)
    with unit_of_work() as db:
        found = db.execute(select(Partner.name, Partner.language, Partner.created_at)
                           .where(among(db, Partner.name, [*AWKWARD, "Twin", "nobody"]))
                           .order_by(Partner.id)).all()
        assert [(n, lang) for n, lang, _at in found] == \
            [(n, "ta") for n in AWKWARD] + [("Twin", "hi"), ("Twin", "hi")]
        assert {a.replace(tzinfo=UTC) if a.tzinfo is None else a for *_n, a in found} == {at}
        by_id = db.scalars(select(Partner.name).where(among(db, Partner.id, [i for i, _ in ids])))
        assert sorted(by_id) == sorted(AWKWARD)
        assert db.scalars(select(Partner.id).where(among(db, Partner.id, []))).all() == []


def test_many_rows_go_in_with_their_own_values_text_json_times_and_nulls(app, monkeypatch):
    """From COPY_FROM rows PostgreSQL is sent them by COPY (models/db.py `_copy_rows`): each
    value comes back as given, whatever its text holds (tabs, line ends, backslashes, `\\N`,
    the word NULL), its JSON (nested, quoted, non-ASCII) and its time; None stays NULL."""
    monkeypatch.setattr(db_module, "COPY_FROM", 2)
    at = datetime(2026, 11, 20, 10, 30, 15, 123456, tzinfo=UTC)
    awkward = [*AWKWARD, "tab\there", "line\nend\r\n", "\\N", "back\\slash\\"]
    rows = [{"actor": name, "action": "bulk.test", "target": f"t{n}", "reason": name,
             "before": {"name": name, "n": n, "list": [1, None, {"k": name}]},
             "after": {} if n % 2 else {"ஸ்ரீ": [name]}, "ip": None if n % 3 else name[:45],
             "at": at} for n, name in enumerate(awkward)]
    with unit_of_work() as db:
        assert insert_rows(db, AuditEntry.__table__, rows) == []
    with unit_of_work() as db:
        found = db.execute(select(AuditEntry.actor, AuditEntry.target, AuditEntry.reason,
                                  AuditEntry.before, AuditEntry.after, AuditEntry.ip,
                                  AuditEntry.at).order_by(AuditEntry.id)).all()
    assert [(r.actor, r.target, r.reason, r.before, r.after, r.ip) for r in found] == \
        [(r["actor"], r["target"], r["reason"], r["before"], r["after"], r["ip"]) for r in rows]
    assert {r.at for r in found} == {at}


def test_many_rows_with_a_key_taken_raise_integrity_error_and_write_nothing(app, monkeypatch):
    """A unique key taken fails many rows (COPY on PostgreSQL) as it fails an INSERT: with
    IntegrityError, which the sales import catches to retry its chunk carefully; the
    transaction's rows are undone."""
    monkeypatch.setattr(db_module, "COPY_FROM", 2)
    rows = [{"phone": f"+9172000000{n:02d}", "role": "retailer", "status": "active",
             "language": "ta", "name": f"Shop {n}", "created_at": datetime.now(UTC)}
            for n in range(3)]
    with unit_of_work() as db:
        insert_rows(db, Partner.__table__, rows[1:2])
    with pytest.raises(IntegrityError), unit_of_work() as db:
        insert_rows(db, Partner.__table__, rows)
    with unit_of_work() as db:
        assert db.scalars(select(Partner.phone).where(Partner.phone.like("+9172%"))).all() == \
            [rows[1]["phone"]]


def test_many_rows_the_database_refuses_raise_its_error_as_sqlalchemy_does(pg_app,
                                                                          monkeypatch):
    """Any refusal of many rows by COPY comes as SQLAlchemy's exception, as an INSERT's
    would, so callers that catch SQLAlchemyError (the sales job's failure report) still catch
    it: here a text holding a NUL, which PostgreSQL cannot store (SQLite can)."""
    monkeypatch.setattr(db_module, "COPY_FROM", 2)
    rows = [{"phone": f"+9172000001{n:02d}", "role": "retailer", "status": "active",
             "language": "ta", "name": "Shop\x00" if n == 2 else f"Shop {n}",
             "created_at": datetime.now(UTC)} for n in range(3)]
    with pytest.raises(DataError), unit_of_work() as db:
        insert_rows(db, Partner.__table__, rows)
