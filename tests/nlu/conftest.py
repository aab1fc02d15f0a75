"""The NLU's app tests run on SQLite only: what is tested is words, not SQL."""

from __future__ import annotations

import pytest


@pytest.fixture
def app(sqlite_app):
    return sqlite_app
