"""Numbers typed in any script: Indian digits are understood, other numerals ("፩", "𐩀",
"²") get the question again instead of "Sorry, something went wrong"; a menu choice has no
leading zeros; a code of the wrong length is a typing slip, not a wrong guess."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.router import SORRY
from models.db import unit_of_work
from models.redemptions.otp import OtpChallenge
from models.redemptions.redemption import Status

from .conftest import RETAILER, available, last_otp, redemptions, start_upi

DEVANAGARI = str.maketrans("0123456789", "०१२३४५६७८९")
TAMIL = str.maketrans("0123456789", "௦௧௨௩௪௫௬௭௮௯")


@pytest.mark.parametrize("text", ["፩", "𐩀", "²", "1²", "٣٣", "000003", "03", "Ⅲ"])
def test_other_numerals_at_the_menu_are_not_a_choice_and_never_crash(twilio, retailer, text):
    menu = twilio.chat(RETAILER, "MENU")
    assert twilio.chat(RETAILER, text) == ["Please reply with a number from the list.",
                                           *menu]


def test_indian_digits_at_the_menu_choose_like_ascii_ones(twilio, retailer):
    for digit in "123":
        twilio.chat(RETAILER, "MENU")
        expected = twilio.chat(RETAILER, digit)
        for script in (DEVANAGARI, TAMIL):
            twilio.chat(RETAILER, "MENU")
            assert twilio.chat(RETAILER, digit.translate(script)) == expected


def _at_amount(twilio) -> None:
    twilio.chat(RETAILER, "REDEEM")
    assert "How many credits?" in twilio.chat(RETAILER, "1")[0]


@pytest.mark.parametrize("text", ["፩", "𐩀", "²", "५००²", "5OO"])
def test_an_amount_in_other_numerals_is_asked_again(twilio, retailer, text):
    _at_amount(twilio)
    reply = twilio.chat(RETAILER, text)
    assert reply[0] == "Please send the number of credits, like 500."
    assert SORRY not in reply


@pytest.mark.parametrize("typed", ["५००", "௫௦௦", "৫০০", " ५०० "])
def test_an_amount_in_indian_digits_is_understood(twilio, retailer, cempro, typed):
    _at_amount(twilio)
    assert "UPI id" in twilio.chat(RETAILER, typed)[-1]
    twilio.chat(RETAILER, "rajesh@okhdfc")
    twilio.chat(RETAILER, "1")
    assert "Processing" in twilio.chat(RETAILER, last_otp(RETAILER).translate(DEVANAGARI))[0]
    assert available(retailer, cempro) == 1500


def _attempts() -> int:
    with unit_of_work() as session:
        return session.scalar(select(OtpChallenge.attempts).order_by(OtpChallenge.id.desc()))


@pytest.mark.parametrize("typed", ["12345", "1234567", "१२३४५", "12 34", "abc", "፩፪፫፬፭፮"])
def test_a_code_of_the_wrong_shape_costs_no_attempt(twilio, retailer, cempro, typed):
    start_upi(twilio)
    for _ in range(4):  # more than the three tries a code has
        assert twilio.chat(RETAILER, typed)[0] == \
            "The code has 6 digits. Please type the code from the SMS."
    assert _attempts() == 0
    assert "Processing" in twilio.chat(RETAILER, " ".join(last_otp(RETAILER)))[0]
    assert [r.status for r in redemptions()] == [Status.COMPLETED]
