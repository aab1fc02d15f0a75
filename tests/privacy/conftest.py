"""Privacy fixtures: an app on SQLite only (the rules here are not about SQL concurrency)."""

from __future__ import annotations

import pytest

from models.db import engine as current_engine
from tests.conftest import _make_app


@pytest.fixture
def lite(request, tmp_path):
    """A fresh app on a fresh SQLite database."""
    app = _make_app("sqlite", request, tmp_path)
    with app.app_context():
        yield app
        current_engine().dispose()
