"""The simulator's feature phone in Chromium: dial *123#, read small screens with their
character count, press keys, page with 98, and see END close the session."""

from __future__ import annotations

from playwright.sync_api import expect

from models.db import unit_of_work
from models.programs.program import load_file
from tests.redeem.conftest import PROGRAMS, add_partner
from tests.simulator.conftest import SHOTS

PHONE = "+919811100001"


def press(page, keys: str) -> None:
    for key in keys:
        page.click(f"[data-key='{key}']")
    page.click("#call")


def test_a_feature_phone_dials_pages_and_ends(browser, site):
    with unit_of_work() as session:
        program = load_file(session, PROGRAMS / "cempro.yaml").id
    add_partner(program, PHONE, 2000, language="hi")
    context = browser.new_context(viewport={"width": 900, "height": 700}, base_url=site)
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.goto("/simulator/ussd")
    page.fill("#phone", PHONE)
    screen, count = page.locator("#screen"), page.locator("#count")
    page.click("#call")  # *123# is already typed
    expect(screen).to_contain_text("1. मेरे क्रेडिट")
    expect(screen).to_contain_text("98 आगे")
    shown, limit = count.inner_text().split("/")
    assert limit == "160" and 0 < int(shown) <= 160
    press(page, "98")
    expect(screen).to_contain_text("0 पीछे")
    press(page, "0")
    expect(screen).to_contain_text("1. मेरे क्रेडिट")
    press(page, "1")
    expect(screen).to_contain_text("2,000")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "ussd_feature_phone.png"), full_page=True)
    page.fill("#typed", "STOP")
    page.click("#call")
    expect(screen).to_contain_text("START")
    press(page, "1")  # opted out: nothing more to say, the session closes
    expect(screen).to_have_class("ended")
    expect(page.locator("#typed")).to_have_value("*123#")
    context.close()
