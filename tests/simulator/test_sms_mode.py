"""The simulator's SMS mode in Chromium: every SMS shows its segments and encoding, as a
carrier counts them (the screenshot is tests/output/simulator/test_sms_mode_*.png)."""

from __future__ import annotations

from playwright.sync_api import expect

from bot.notices import outbound
from models.db import unit_of_work
from tests.redeem.conftest import add_partner
from tests.simulator.test_browser import cempro, send, use_phone  # noqa: F401 - a fixture

PHONE = "+919811100002"


def test_sms_mode_shows_each_messages_segments_and_encoding(page, cempro):  # noqa: F811
    add_partner(cempro, PHONE, 0)
    page.select_option("#channel", "sms")
    use_phone(page, PHONE)
    send(page, "bal")
    english = page.locator(".msg.bot").last
    expect(english).to_contain_text("Rs 0")  # ₹ in GSM-7
    expect(english).to_have_attribute("data-sms", "1 SMS · GSM-7")
    send(page, "भाषा हिन्दी")
    send(page, "मदद")
    hindi = page.locator(".msg.bot").last
    expect(hindi).to_contain_text("BAL")
    expect(hindi).to_have_attribute("data-sms", "2 SMS · UCS-2")
    with unit_of_work() as session:
        outbound.queue_message(session, phone=PHONE, text="100 credits added", channel="sms")
    expect(page.locator(".msg.proactive").last).to_have_attribute("data-sms", "1 SMS · GSM-7")
    costs = page.locator(".msg.bot").evaluate_all(
        "els => els.map(e => getComputedStyle(e, '::after').content)")
    assert all(c.strip('"').endswith(("GSM-7", "UCS-2")) for c in costs), costs
    assert page.locator(".msg.over").count() == 0
