"""The NLU's app tests run on SQLite only: what is tested is words, not SQL."""

from __future__ import annotations

import pytest

from models.db import engine as current_engine
from tests.conftest import _make_app


@pytest.fixture
def app(request, tmp_path):
    app = _make_app("sqlite", request, tmp_path)
    with app.app_context():
        yield app
        current_engine().dispose()
