"""The simulator in a real browser: Debian's Chromium driven by Playwright, against the app
served on a random local port. In CI (CI=true) a missing browser fails the run."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from models.db import engine
from tests.conftest import _make_app
from tests.httpstub import serve_in_background

SHOTS = Path(__file__).resolve().parents[1] / "output" / "simulator"


@pytest.fixture
def site(request, tmp_path) -> Iterator[str]:
    """The app (SQLite) served over HTTP in a thread; yields its base URL."""
    app = _make_app("sqlite", request, tmp_path)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = serve_in_background(server)
    with app.app_context():
        yield f"http://127.0.0.1:{server.server_port}"
        server.shutdown()
        thread.join(10)
        engine().dispose()


@pytest.fixture
def page(browser, site, request):
    """A fresh page on the simulator, 1000x800; a screenshot is saved at the end of the test
    under tests/output/simulator/ (look at it)."""
    context = browser.new_context(viewport={"width": 1000, "height": 800}, base_url=site)
    context.set_default_timeout(30_000)  # a loaded 2-core CI machine answers slowly
    tab = context.new_page()
    tab.goto("/simulator")
    # Until the phone's history has loaded the message box is disabled, and keys typed into
    # it are lost (Playwright's typing does not wait for it): a slow machine took seconds.
    expect(tab.locator("#text")).to_be_enabled()
    yield tab
    SHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SHOTS / f"{request.node.name}.png"), full_page=True)
    context.close()
