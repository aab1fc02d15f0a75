"""What a keypad can type: product codes with `*` between their groups, and lessons moved on
by number."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import func, select

from bot.channels.ussd.screens import Screen, body, paginate
from bot.i18n import LANGUAGES, translate
from bot.messages import Reply
from flows.learn import part_reply
from models import yamltext
from models.codes import tables as qr
from models.db import unit_of_work
from models.programs.schema import parse
from models.programs.tracks import LearningContent
from tests.redeem.conftest import RETAILER
from tests.ussd.test_screens import _codes

PROGRAMS = Path(__file__).resolve().parents[2] / "programs"


def _credited() -> int:
    with unit_of_work() as session:
        return session.scalar(select(func.count()).select_from(qr.QrRedemption))


def test_a_code_typed_with_stars_between_its_groups_is_credited(gateway, retailer):
    plain, starred, two_a, two_b = (c.replace("-", "*") for c in _codes(4))
    call = gateway.dial(RETAILER)
    call.press("CODE")
    screen = call.press(plain)
    assert "not a code" not in screen and _credited() == 1, screen
    call.press("CODE " + starred)
    assert _credited() == 2, call.last
    call.press("CODE " + two_a + "*" + two_b)  # two codes in one input
    assert _credited() == 4, call.last


SCREEN = Screen(160, "utf16")  # the defaults (USSD_SCREEN_CHARS, USSD_COUNT_RULE)
FOOTERS = re.compile(r"(\n98 [^\n]+)?(\n0 [^\n]+)?$")


def _lessons() -> list[tuple[str, str, str | None, Reply]]:
    """(program, language, content language, reply) for every part of every lesson."""
    found = []
    for path in sorted(PROGRAMS.glob("*.yaml")):
        spec = parse(yamltext.load_shared(path.read_text()))
        content = spec.tracks or LearningContent()
        for lang in LANGUAGES:
            shown = spec.content_language(lang)
            found += [(path.stem, lang, shown, part_reply(shown, track, module, part))
                      for track in content.tracks for module in content.modules_of(track)
                      for part in range(len(module.parts))]
    return found


def test_every_lesson_part_fits_ussd_screens_cut_between_words_and_ends_with_1_next():
    lessons = _lessons()
    assert {program for program, *_ in lessons} >= {"cempro", "elec"}
    for program, lang, shown, reply in lessons:
        text = body([reply])
        pages = paginate(text, SCREEN, lang)
        where = f"{program} {lang}: {reply.text[:40]!r}"
        assert all(SCREEN.fits(page) for page in pages), where
        assert ("\n" + FOOTERS.sub("", pages[-1])).endswith("\n1. " + translate(shown, "Next")), \
            where
        at = 0
        for page in pages[:-1]:
            held = FOOTERS.sub("", page)
            at = text.index(held, at) + len(held)
            assert text[at].isspace(), f"{where}: cut mid-word at {held[-20:]!r}"
            if not re.search(r"[.!?\u0964\u0965]$", held):  # mid-sentence: only where the
                ends = [m.end() for m in  # last sentence end would leave half a screen empty
                        re.finditer(r"\n|(?<!\d)[.!?\u0964\u0965]\s", held)]
                assert not ends or ends[-1] < SCREEN.limit // 2, f"{where}: {held!r}"


def test_a_lesson_moves_on_with_1_and_pages_with_98(gateway, retailer):
    call = gateway.dial(RETAILER)
    call.press("LEARN")
    first = call.press("1")
    assert first.startswith("CON Module 1/"), first
    while "\n98 More" in first:
        first = call.press("98")
    assert "\n1. Next" in first
    second = call.press("1")
    assert second.startswith("CON Module 1/") and "(part 2/" in second, second
    assert "Module 2/" in call.press("NEXT")  # typed, the word still works


def test_a_screen_that_ends_a_task_says_which_key_opens_the_menu(gateway, retailer):
    """A code credited left a CON screen with nothing to press: the partner stared at "Code
    ...: 5 credits added" not knowing a key. It now ends with "00 Main menu", which works; a
    question waiting for typed text gets no such line."""
    (code,) = _codes(1)
    call = gateway.dial(RETAILER)
    call.press("4")  # scan a product code: a question, typed text expected
    assert "00 Main menu" not in call.last, call.last
    screen = call.press(code.replace("-", "*"))
    assert _credited() == 1 and screen.startswith("CON ")
    assert screen.endswith("\n00 Main menu"), screen
    assert call.press("00").startswith("CON What would you like to do?")
