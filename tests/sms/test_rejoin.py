"""Joining again over SMS after saying no to the terms: the kept answers are not asked
again, and the consent question comes with its options on one SMS, as it did the first time
(QA: a Tamil re-join took three SMS, welcome / consent / options, for two SMS of text)."""

from __future__ import annotations

import pytest

from bot.channels.sms import MORE_HINT, segments
from bot.i18n import LANGUAGES, translate
from tests.i18n.walk import load_programs

PHONE = "+919812345601"


@pytest.fixture
def app(sqlite_app):
    """SQLite only: the pages do not depend on the database."""
    return sqlite_app


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_a_rejoin_asks_consent_with_its_options_in_as_few_sms_as_the_first_time(
        app, twilio, clock, lang):
    load_programs()

    def chat(body: str) -> str:
        (reply,) = twilio.chat(PHONE, body, channel="sms")
        assert segments(reply) <= 2
        return reply

    def until_options(first: str) -> list[str]:
        shown = [first]
        while translate(lang, MORE_HINT) in shown[-1] or \
                translate("en", MORE_HINT) in shown[-1]:
            shown.append(chat("MORE"))
        return shown

    until_options(chat("JOIN CEMPRO"))  # (the language list, paged)
    for body in (LANGUAGES[lang][1], "1", "Ramesh Kumar", "Kumar Hardware", "400001"):
        chat(body)
    first = until_options(chat("SKIP"))  # the consent question, the first time
    chat("2")  # no
    again = until_options(chat("JOIN CEMPRO"))
    assert len([p for p in again if "\n1. " in p]) == 1 == len(
        [p for p in first if "\n1. " in p])
    consent = next(p for p in first if "\n1. " in p)
    assert any(consent in p for p in again), f"{lang}: consent and options apart: {again}"
    assert len(again) <= len(first) + 1  # the welcome, at most, before it
