"""What a developer sees in the simulator, in Chromium: phone photos, errors, multi-line
messages, reloading, and text in every script."""

from __future__ import annotations

import io
import random
import re

import numpy as np
import pytest
from flask import current_app
from PIL import Image
from playwright.sync_api import expect
from sqlalchemy import select

from bot.notices import outbound
from models.db import unit_of_work
from models.messaging.inbox import InboxMessage
from models.programs.program import load_file
from tests.invoice import make
from tests.redeem.conftest import PROGRAMS, REP, add_partner

PHONE = "+919811100001"
NOTO = ["Noto Sans Devanagari", "Noto Sans Gujarati", "Noto Sans Tamil", "Noto Sans Telugu",
        "Noto Sans Kannada", "Noto Sans Bengali"]


@pytest.fixture
def cempro(site) -> int:
    with unit_of_work() as session:
        return load_file(session, PROGRAMS / "cempro.yaml").id


def use_phone(page, phone: str) -> None:
    page.fill("#phone", phone)
    page.locator("#phone").blur()  # "change": the page loads this phone's conversation
    expect(page.locator("#text")).to_be_enabled()


def send(page, text: str) -> None:
    """Type `text` (lines joined by Shift+Enter) and press Enter; wait for the answer."""
    answers = page.locator(".msg.bot, .msg.error")
    before = answers.count()
    box = page.locator("#text")
    expect(box).to_be_enabled()  # keys typed into the disabled box are lost
    for n, line in enumerate(text.split("\n")):
        if n:
            box.press("Shift+Enter")
        box.type(line)
    box.press("Enter")
    expect(answers).not_to_have_count(before)


def phone_photo() -> tuple[bytes, make.Truth]:
    """A 12-megapixel JPEG of an invoice, over 2 MB, as a phone camera makes it."""
    rng = random.Random(7)
    truth = make.truth(rng, seller="27AAACS1234P1Z7")
    page = make.render(truth, rng).resize((3000, 4000), Image.Resampling.BICUBIC)
    grain = np.random.default_rng(7).normal(0, 6, (4000, 3000, 3))
    photo = Image.fromarray(np.clip(np.asarray(page) * 0.93 + 10 + grain, 0, 255)
                            .astype(np.uint8))
    buffer = io.BytesIO()
    photo.save(buffer, "JPEG", quality=92)
    assert buffer.tell() > 2 * 1024 * 1024
    return buffer.getvalue(), truth


def test_a_2_mb_phone_photo_is_scaled_down_and_read(page, cempro):
    add_partner(cempro, PHONE, 0)
    use_phone(page, PHONE)
    data, truth = phone_photo()
    page.set_input_files("#file", files=[{"name": "IMG_2041.jpg", "mimeType": "image/jpeg",
                                          "buffer": data}])
    page.locator("#text").press("Enter")
    expect(page.locator(".msg.bot").last).to_have_text("Received, reading it now…")
    result = page.locator(".msg.proactive").last
    expect(result).to_contain_text(truth.number, timeout=60_000)
    assert page.locator(".msg.error").count() == 0
    with unit_of_work() as session:
        [sent] = session.scalars(select(InboxMessage).where(InboxMessage.phone == PHONE))
    url = sent.payload["media"][0]["url"]
    stored = Image.open(f"{current_app.config['MEDIA_DIR']}/{url.removeprefix('/media/')}")
    assert stored.format == "JPEG" and max(stored.size) == 1600  # as WhatsApp sends it


def test_server_errors_show_as_chat_bubbles(page):
    use_phone(page, "12")  # its history cannot be loaded: said once
    expect(page.locator(".msg")).to_have_text(["That is not a valid phone number."])
    page.locator("#text").fill("hello")
    page.locator("#text").press("Enter")
    expect(page.locator(".msg")).to_have_text(["That is not a valid phone number.", "hello",
                                               "That is not a valid phone number."])
    use_phone(page, PHONE)
    too_big = b"%PDF-1.4\n" + bytes(11 * 1024 * 1024)
    page.set_input_files("#file", files=[{"name": "scan.pdf", "mimeType": "application/pdf",
                                          "buffer": too_big}])
    page.locator("#text").press("Enter")
    expect(page.locator(".msg.error")).to_have_text(
        ["That file is too large: the limit is 10 MB."])


def test_a_rep_types_a_multi_line_enroll_list(page, cempro):
    use_phone(page, REP)
    send(page, "ENROLL CEMPRO\nRamesh Kumar, 98765 43210, Ramesh Hardware, 411001\n"
               "Sita Devi, 9876543211, Sita Tiles, 411002")
    expect(page.locator(".msg.me").last).to_have_text(
        "ENROLL CEMPRO\nRamesh Kumar, 98765 43210, Ramesh Hardware, 411001\n"
        "Sita Devi, 9876543211, Sita Tiles, 411002")
    expect(page.locator(".msg.bot").last).to_contain_text("Checking your list for")
    expect(page.locator(".msg.proactive").last).to_contain_text("2 rows checked",
                                                               timeout=30_000)


def test_reloading_shows_the_conversation_once_in_order(page, site, cempro):
    add_partner(cempro, PHONE, 0)
    use_phone(page, PHONE)
    send(page, "MENU")
    with unit_of_work() as session:
        outbound.queue_message(session, phone=PHONE, text="100 credits added", channel="sms")
    expect(page.locator(".msg.proactive")).to_have_text(["100 credits added"])
    send(page, "HELP")
    shown = page.locator(".msg").all_inner_texts()

    page.reload()  # the same phone, its conversation once
    expect(page.locator("#phone")).to_have_value(PHONE)
    expect(page.locator(".msg")).to_have_text(shown, use_inner_text=True)  # as shown
    expect(page.locator("#text")).to_be_enabled()
    send(page, "LANG")
    page.wait_for_timeout(2500)  # a poll goes by: nothing is shown twice
    after = page.locator(".msg").all_inner_texts()
    assert after[:len(shown)] == shown and after[len(shown)] == "LANG"
    assert len(after) == len(shown) + 2 and after[-1].startswith("Choose your language")


def _luminance(css: str) -> float:
    channels = [int(v) / 255 for v in re.findall(r"\d+", css)[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_the_hint_is_readable_on_the_header(page):
    hint = page.locator("header .hint")
    expect(hint).to_contain_text("JOIN CEMPRO")
    fore = hint.evaluate("e => getComputedStyle(e).color")
    back = page.locator("header").evaluate("e => getComputedStyle(e).backgroundColor")
    light, dark = sorted([_luminance(fore), _luminance(back)], reverse=True)
    assert (light + 0.05) / (dark + 0.05) >= 4.5  # WCAG AA for normal text


def test_every_script_renders_in_its_noto_font(page):
    send(page, "LANG")
    languages = page.locator(".msg.bot").last
    languages.locator("button.list-open").click()  # WhatsApp's list of languages
    expect(languages.locator("button.row", has_text="தமிழ்")).to_be_visible()
    assert all(name in languages.locator("button.row").first.evaluate(
        "e => getComputedStyle(e).fontFamily") for name in ["Noto Sans", *NOTO])
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
    rows = cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": ".msg.bot .row"})
    used = {f["familyName"] for node in rows["nodeIds"] for f in cdp.send(
        "CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]}
    assert set(NOTO) | {"Noto Sans"} <= used, used
