"""The admin in a real browser (Debian's Chromium driven by Playwright): each role logs in
through the form; a distributor admin approves an invoice and the partner is credited and
told; an agent answers a ticket and the answer is in the outbox; a CSV downloads. Each test
saves screenshots under tests/output/admin/ for a person to look at."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select
from werkzeug.serving import make_server

from models import ledger
from models.db import engine, unit_of_work
from models.messaging.outbox import OutboxMessage
from tests.admin.conftest import PASSWORD, ROLES, build_world
from tests.admin.test_review import unsure_invoice
from tests.conftest import TwilioClient, _make_app
from tests.httpstub import serve_in_background

SHOTS = Path(__file__).resolve().parents[1] / "output" / "admin"


@pytest.fixture
def site(request, tmp_path, clock) -> Iterator[tuple[str, object]]:
    """The app (SQLite) with the admin world, served over HTTP in a thread."""
    app = _make_app("sqlite", request, tmp_path)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = serve_in_background(server)
    with app.app_context():
        world = build_world()
        yield f"http://127.0.0.1:{server.server_port}", world, TwilioClient(app.test_client())
        server.shutdown()
        thread.join(10)
        engine().dispose()


@pytest.fixture
def tab(browser, site, request):
    """A phone-sized page (400x800): the admin must be usable on a phone."""
    context = browser.new_context(viewport={"width": 400, "height": 800}, base_url=site[0],
                                  accept_downloads=True)
    context.set_default_timeout(30_000)
    page = context.new_page()
    yield page
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{request.node.name}.png"), full_page=True)
    context.close()


def log_in(page, email: str) -> None:
    page.goto("/admin/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button")
    page.wait_for_url("**/admin/")


def test_each_role_logs_in_and_sees_its_menu(browser, site):
    _url, world, _twilio = site
    menus = {"brand-admin": "Audit log", "distributor-admin": "Review", "support":
             "Support inbox", "analyst": "Partners"}
    for role in ROLES:
        context = browser.new_context(viewport={"width": 400, "height": 800},
                                      base_url=site[0])
        page = context.new_page()
        log_in(page, world.emails[role])
        assert page.locator("header").get_by_text(menus[role]).count() == 1
        assert (page.locator("header").get_by_text("Audit log").count() == 1) == \
            (role == "brand-admin")
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"overview-{role}.png"), full_page=True)
        context.close()


def test_a_distributor_admin_approves_an_invoice_and_the_partner_is_credited_and_told(
        tab, site):
    _url, world, twilio = site
    item = unsure_invoice(world, twilio)
    log_in(tab, world.emails["distributor-admin"])
    tab.click("text=Review")
    tab.click(f"a[href='/admin/queue/{item.id}']")
    expect(tab.locator("text=total_typed")).to_have_count(1)
    tab.fill("input[name=note]", "checked with the distributor")
    tab.click("button[value=approve]")
    tab.wait_for_url("**/admin/queue/")
    with unit_of_work() as db:
        assert ledger.wallet_balance(db, world.own_shop, world.cempro).balance > 0
        told = db.scalars(select(OutboxMessage.body).order_by(OutboxMessage.id.desc())).first()
    assert "ST/2026/00417" in told


def test_an_agent_answers_a_ticket_and_a_brand_admin_downloads_a_csv(browser, tab, site):
    _url, world, twilio = site
    twilio.chat("+919811100001", "HELP ME")
    log_in(tab, world.emails["support"])
    tab.click("text=Support inbox")
    tab.click("td a")
    tab.fill("textarea[name=text]", "Your credits are on the way.")
    tab.click("text=Send")
    tab.wait_for_selector("text=Sent.")
    with unit_of_work() as db:
        assert db.scalar(select(OutboxMessage).where(
            OutboxMessage.body == "Your credits are on the way.")) is not None
    context = browser.new_context(base_url=site[0], accept_downloads=True)
    page = context.new_page()
    log_in(page, world.emails["brand-admin"])
    page.goto("/admin/partners")
    with page.expect_download() as download:
        page.click("text=Download CSV")
    text = Path(download.value.path()).read_text()
    assert text.startswith("id,phone,name,shop") and "Ramesh Hardware" in text
    page.screenshot(path=str(SHOTS / "partners-brand-admin.png"), full_page=True)
    context.close()


def test_a_distributor_admin_opens_their_shops_and_no_one_elses(tab, site):
    _url, world, _twilio = site
    from tests.admin.test_distributors import _batch, _distributors

    _batch(world)
    with unit_of_work() as db:
        ledger.earn(db, partner_id=world.own_shop, program_id=world.cempro, credits=40,
                    cause="invoice", cause_ref="inv-b", key="b1", apply_tier_multiplier=False)
    mine, other = _distributors(world)
    log_in(tab, world.emails["distributor-admin"])
    tab.click("text=My shops")
    tab.wait_for_url(f"**/admin/distributors/{mine}")
    tab.click("summary")  # the batch's rows, one line each
    expect(tab.locator("text=invalid phone")).to_have_count(1)
    assert tab.locator("td", has_text="Ramesh Hardware").count() >= 1
    tab.screenshot(path=str(SHOTS / "distributor-view.png"), full_page=True)
    assert tab.goto(f"/admin/distributors/{other}").status == 404


def test_a_brand_admin_uploads_a_program_version_after_its_diff(tab, site, tmp_path):
    _url, world, _twilio = site
    new = tmp_path / "cempro.yaml"
    text = (Path(__file__).resolve().parents[2] / "programs" / "cempro.yaml").read_text()
    new.write_text(text.replace("name: ", "name: Shakti Pro ", 1), encoding="utf-8")
    log_in(tab, world.emails["brand-admin"])
    tab.click("text=Programs")
    tab.click("text=(CEMPRO)")
    tab.set_input_files("input[name=file]", str(new))
    tab.click("text=Check")
    expect(tab.locator("text=The file is valid.")).to_have_count(1)
    expect(tab.locator("pre", has_text="+name: Shakti Pro")).to_have_count(1)
    tab.screenshot(path=str(SHOTS / "program-upload-report.png"), full_page=True)
    tab.click("text=Apply this version")
    tab.wait_for_selector("text=The new version is live.")
    expect(tab.locator("td", has_text="admin upload")).to_have_count(1)
