"""The Alembic migrations build exactly the schema the models describe, on both databases."""

from __future__ import annotations

import uuid

import psycopg
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

import models
from bot.cli import alembic_config
from tests.conftest import PG_ADMIN


def _assert_migrations_match_models(url: str) -> None:
    command.upgrade(alembic_config(url), "head")
    engine = create_engine(url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}),
                                models.metadata)
    engine.dispose()
    summary = [(d[0], getattr(d[1], "name", d[1])) if isinstance(d, tuple) else d for d in diff]
    assert diff == [], f"models and migrations differ (run scripts/new-migration.sh): {summary}"


def test_migrations_match_models_on_sqlite(tmp_path):
    _assert_migrations_match_models(f"sqlite:///{tmp_path / 'migrated.db'}")


def test_migrations_match_models_on_postgres(pg_url):
    name = f"saathi_mig_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        _assert_migrations_match_models(
            PG_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
            + f"/{name}")
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
