"""The Alembic migrations build exactly the schema the models describe, on both databases."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import JSON, MetaData, Table, create_engine, text

import models
from bot.cli.db import alembic_config


def _assert_migrations_match_models(url: str) -> None:
    command.upgrade(alembic_config(url), "head")
    engine = create_engine(url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}),
                                models.metadata)
        # storage parameters (Alembic does not compare them): a table's fillfactor
        options = {name: sorted(found) for name, found in conn.execute(text(
            "SELECT relname, reloptions FROM pg_class WHERE reloptions IS NOT NULL "
            "AND relkind = 'r'"))} if conn.dialect.name == "postgresql" else {}
    engine.dispose()
    if url.startswith("postgresql"):
        wanted = {table.name: sorted(f"{k}={v}" for k, v in given.items())
                  for table in models.metadata.tables.values()
                  if (given := table.dialect_options["postgresql"]["with"])}
        assert wanted and options == wanted, f"storage parameters differ: {options}, {wanted}"
    summary = [(d[0], getattr(d[1], "name", d[1])) if isinstance(d, tuple) else d for d in diff]
    assert diff == [], f"models and migrations differ (run scripts/new-migration.sh): {summary}"


def test_migrations_build_the_models_schema(empty_db_url):
    _assert_migrations_match_models(empty_db_url)


@pytest.mark.parametrize("empty_db_url", ["sqlite"], indirect=True)
def test_an_invoice_keeps_the_credit_notes_recorded_before_its_returns_were(empty_db_url):
    """invoices.returns is filled from the audit rows of the notes recorded before it (a
    note audited under two brands counts once), so their rupees still add up."""
    config = alembic_config(empty_db_url)
    command.upgrade(config, "7c8f64ed15a8")
    engine = create_engine(empty_db_url)
    invoices = Table("invoices", MetaData(), autoload_with=engine)
    audit = Table("admin_audit", MetaData(), autoload_with=engine)
    with engine.begin() as conn:
        for invoice_id in (7, 8):
            conn.execute(invoices.insert().values(_needed(invoices, id=invoice_id,
                                                          upload_key=str(invoice_id))))
        for brand, note, paise in (("a", "CN-1", 450_000), ("b", "CN-1", 450_000),
                                   ("a", "CN-2", 100_000)):
            conn.execute(audit.insert().values(_needed(
                audit, action="invoice.return", target="invoice:7", brand=brand,
                after={"note": note, "returned_paise": paise})))
    command.upgrade(config, "head")
    with engine.connect() as conn:
        found = dict(conn.execute(text("SELECT id, returns FROM invoices ORDER BY id")).all())
    engine.dispose()
    assert {k: json.loads(v) for k, v in found.items()} == {
        7: {"CN-1": 450_000, "CN-2": 100_000}, 8: {}}


def _needed(table: Table, **given) -> dict:
    """`given`, and a value for each other column of `table` that needs one (not null, no
    default)."""
    by_type = {int: 1, str: "x", datetime: datetime(2026, 3, 12, tzinfo=UTC)}
    return {**{c.name: {} if isinstance(c.type, JSON) else by_type[c.type.python_type]
               for c in table.columns if not c.nullable and c.server_default is None
               and not c.primary_key}, **given}
