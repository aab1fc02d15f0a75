"""The engine's table of states and answers to numbered options (the global words LANG, HELP
and MENU in chats: tests/transcripts/global/)."""

from __future__ import annotations

from enum import StrEnum

import pytest

from bot.messages import Option
from flows.answers import number, pick
from flows.engine import Flow, State
from tests.core.testflows import _count

PHONE = "+919812345678"


def test_a_flow_missing_a_state_handler_is_refused_at_startup():
    class Two(StrEnum):
        A = "a"
        B = "b"

    with pytest.raises(ValueError, match="b"):
        Flow(name="broken", states_enum=Two, states={Two.A: State(_count)}, start=Two.A)


OPTIONS = (Option("opc", "OPC 53 grade"), Option("ppc", "PPC"), Option("psc", "Slag cement"))


@pytest.mark.parametrize(("answer", "key"), [
    ("1", "opc"), (" 2 ", "ppc"), ("c", "psc"), ("B)", "ppc"), ("opc 53 grde", "opc"),
    ("slag cemnt", "psc"), ("PPC", "ppc"), ("4", None), ("", None), ("banana", None),
])
def test_numbered_answers_accept_number_letter_or_text_with_typos(answer, key):
    assert pick(answer, OPTIONS) == key


@pytest.mark.parametrize(("answer", "key"), [
    ("३", "psc"), ("௨", "ppc"), ("১", "opc"), ("੩", "psc"), ("૨", "ppc"), ("౧", "opc"),
    ("೨", "ppc"), ("୩", "psc"), ("൧", "opc"), ("٢", "ppc"), ("３", "psc"), (" ३. ", "psc"),
    ("፩", None), ("𐩀", None), ("²", None), ("½", None), ("Ⅲ", None), ("03", None),
    ("000003", None), ("०३", None), ("0", None), ("9" * 5000, None),
])
def test_digits_of_every_script_choose_and_other_numerals_or_leading_zeros_do_not(answer,
                                                                                     key):
    assert pick(answer, OPTIONS) == key


@pytest.mark.parametrize(("text", "value"), [
    ("500", 500), ("1,500", 1500), ("1 500", 1500), ("१५००", 1500), ("१,५००", 1500),
    ("௧௫௦௦", 1500), ("১৫০০", 1500), ("੧੫੦੦", 1500), ("૧૫૦૦", 1500), ("౧౫౦౦", 1500),
    ("೧೫೦೦", 1500), ("୧୫୦୦", 1500), ("൧൫൦൦", 1500), ("007", 7), (" 42 ", 42),
    ("፩", None), ("𐩀", None), ("²", None), ("1²", None), ("12abc", None), ("", None),
    ("-5", None), ("1.5", None), (",", None), ("1,,5", None), ("9" * 5000, None),
])
def test_numbers_are_read_from_any_scripts_decimal_digits(text, value):
    assert number(text) == value
