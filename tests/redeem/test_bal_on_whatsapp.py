"""BAL, the balance word SMS HELP teaches, works on WhatsApp too."""

from __future__ import annotations

import pytest

from .conftest import RETAILER


@pytest.mark.parametrize("word", ["BAL", "bal", "Bal"])
def test_bal_at_the_menu_shows_the_balance_on_whatsapp(twilio, retailer, word):
    """On WhatsApp "BAL" at the menu got "Did you mean: My credits / Main menu" (the NLU was
    unsure of three letters) while the same partner's SMS HELP says "BAL balance"."""
    twilio.chat(RETAILER, "MENU")
    expected = twilio.chat(RETAILER, "BALANCE")
    twilio.chat(RETAILER, "MENU")
    assert twilio.chat(RETAILER, word) == expected
    assert "credits: 2,000" in expected[0]
