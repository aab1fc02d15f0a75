"""WhatsApp's buttons and lists in the simulator, in Chromium: a tap sends the option's id,
shown as its title; SMS keeps numbered text."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from models.db import unit_of_work
from models.messaging.inbox import InboxMessage

from .test_browser import send, use_phone

PHONE = "+919811100007"


def _choices() -> list[str | None]:
    with unit_of_work() as session:
        return [m.payload.get("choice") for m in session.scalars(
            select(InboxMessage).where(InboxMessage.phone == PHONE).order_by(InboxMessage.id))]


def test_buttons_and_a_list_are_tapped_and_send_their_ids(page):
    use_phone(page, PHONE)
    send(page, "Hi")
    buttons = page.locator(".msg.bot").last.locator("button.choice")
    expect(buttons).to_have_text(["Join a program", "Change language"])
    answers = page.locator(".msg.bot")
    before = answers.count()
    buttons.nth(1).click()
    expect(answers).not_to_have_count(before)
    expect(page.locator(".msg.me").last).to_have_text("Change language")
    listed = page.locator(".msg.bot").last
    expect(listed.locator("button.row")).to_have_count(10)  # nine languages and "More"
    expect(listed.locator("button.row").nth(2)).not_to_be_visible()  # behind the list button
    listed.locator("button.list-open").click()
    before = answers.count()
    listed.locator("button.row", has_text="தமிழ்").click()
    expect(answers).not_to_have_count(before)
    expect(page.locator(".msg.bot").last.locator("button.choice").first).to_contain_text(
        "சேர")  # the menu's buttons, now in Tamil
    assert _choices() == [None, "language", "ta"]


def test_sms_keeps_numbered_text(page):
    page.select_option("#channel", "sms")
    use_phone(page, PHONE)
    send(page, "Hi")
    last = page.locator(".msg.bot").last
    expect(last).to_contain_text("1. Join a program")
    expect(last.locator("button")).to_have_count(0)
