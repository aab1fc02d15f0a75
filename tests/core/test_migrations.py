"""The Alembic migrations build exactly the schema the models describe, on both databases."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, text

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
