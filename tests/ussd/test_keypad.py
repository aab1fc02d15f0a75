"""What a keypad can type: product codes with `*` between their groups, and lessons moved on
by number."""

from __future__ import annotations

from sqlalchemy import func, select

from models.codes import tables as qr
from models.db import unit_of_work
from tests.redeem.conftest import RETAILER
from tests.ussd.test_screens import _codes


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
