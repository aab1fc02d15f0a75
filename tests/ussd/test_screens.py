"""Every USSD screen of every flow a feature phone reaches, in all 12 languages, fits the
gateway's screen (USSD_SCREEN_CHARS, counted by USSD_COUNT_RULE) and holds no English or
other script; long replies are paged and every page is read.

The walk dials as an enrolled retailer and goes through the menu, balance, last entries and
expiring credits, the invoice entry (which points to WhatsApp), typing product codes, a lesson
and its quiz by number, a UPI redemption with its SMS OTP, the leaderboard (areas, periods,
name hidden and shown), the language, a call back, HELP,
STOP / START, and a redial that resumes.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from bot.channels.ussd import screens as screens_module
from bot.channels.ussd.screens import MORE_LABEL, Screen
from bot.i18n import LANGUAGES, translate
from models.codes import tables as qr
from models.codes.format import group
from models.db import unit_of_work
from models.learning.progress import QuizAttempt
from models.messaging.conversation import Conversation
from models.messaging.outbox import OutboxMessage
from models.programs.program import by_code
from models.redemptions.redemption import Redemption
from models.support.tickets import Ticket
from tests.i18n import pages
from tests.i18n.leaks import leaks
from tests.i18n.walk import menu_number
from tests.privacy.helpers import raise_notice
from tests.redeem.conftest import RETAILER, add_partner

NAMES = ("Rajesh", "Rajesh Hardware")
# A page's text may not end on "Rs." / "No." (no sentence ends there) nor on a currency
# whose amount went to the next page.
_CUT_SHORT = re.compile(r"(\b(Rs|No|INR)\.?|\u20b9)$")


def _state() -> tuple[str, str]:
    with unit_of_work() as session:
        conv = session.scalar(select(Conversation).where(Conversation.phone == RETAILER,
                                                         Conversation.channel == "ussd"))
        return conv.flow, conv.state


def _codes(count: int) -> list[str]:
    with unit_of_work() as session:
        batch = qr.create_batch(session, program=by_code(session, "CEMPRO"), name="USSD",
                                count=count, credits=5)
        return [group(code) for _serial, code in qr.batch_codes(batch)]


def _otp() -> str:
    with unit_of_work() as session:
        body = session.scalars(select(OutboxMessage.body).where(
            OutboxMessage.phone == RETAILER, OutboxMessage.channel == "sms")
            .order_by(OutboxMessage.id.desc())).first()
    return re.search(r"\b(\d{6})\b", body).group(1)


class UssdWalk:
    def __init__(self, gateway, clock, lang: str) -> None:
        self.gateway, self.clock, self.lang = gateway, clock, lang
        self.more = f"\n98 {translate(lang, MORE_LABEL)}"
        self.call = gateway.dial(RETAILER)
        self.read()

    def read(self) -> None:
        """Press 98 while the screen has more pages, so that every page is shown."""
        for _ in range(30):
            if not self.call.last.endswith(self.more):
                return
            self.call.press("98")

    def press(self, *keys: str) -> None:
        for key in keys:
            self.call.press(key)
            self.read()
            if self.call.closed:
                self.redial()

    def redial(self) -> None:
        self.call = self.gateway.dial(RETAILER)
        self.read()

    def menu_key(self, label: str) -> str:
        start = len(self.call.screens)
        self.press("00")
        return menu_number([s[4:] for s in self.call.screens[start:]],
                           translate(self.lang, label))

    def run(self) -> None:
        self.press("1", "1", "2", "3")  # balance, last entries, expiring, back to the menu
        self.press(self.menu_key("Upload invoice"), "1")
        codes = _codes(2)
        self.press(self.menu_key("Scan product code"), codes[0], "12*34", "CODE " + codes[1])
        self.press(self.menu_key("Learn and get certified"), "1")
        for _ in range(40):
            if _state() != ("learn", "module"):
                break
            self.press("1")  # "1. Next" under each part
        self.clock.advance(minutes=3)
        self.press("00", "LEARN", "1")
        for _ in range(20):
            if _state() != ("learn", "quiz"):
                break
            self.press("1")
        self.press("00", "REDEEM", "1", "1", "100", "2", "ramesh.kumar@okhdfc", "1")
        if _state() == ("redeem", "otp"):
            self.press(_otp())
        self.press("00", "TOP", "1", "3", "4", "4", "5")  # the leaderboard: areas, periods, hide
        index = list(LANGUAGES).index(self.lang)  # 9 a page, then "10" for More
        self.press("LANG", *((str(index + 1),) if index < 9 else ("10", str(index - 8))))
        self.press(self.menu_key("Talk to a person"), "1")
        self.press("HELP", "0", "5", "1")  # into a flow, then a redial resumes it
        self.redial()
        self.press("00", "MYDATA")  # privacy: a copy of the data, erasure declined, a new
        self.press(_otp(), "00", "DELETE", "2")  # notice asked at the next dial
        raise_notice(2)
        self.redial()
        self.press("1")
        self.press("STOP", "1")
        self.press("START")


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_every_ussd_screen_fits_in_every_language(gateway, cempro, clock, app, lang,
                                                  request, monkeypatch):
    if "postgres" in request.node.callspec.id:
        pytest.skip("rendering does not depend on the database: SQLite walks it")
    add_partner(cempro, RETAILER, 3000, language=lang, pincode="400001")
    paged = pages.record(monkeypatch, screens_module, "paginate")
    walk = UssdWalk(gateway, clock, lang)
    walk.run()
    screen = Screen(app.config["USSD_SCREEN_CHARS"], app.config["USSD_COUNT_RULE"])
    screens = [s for dial in (walk.call,) for s in dial.screens]
    seen = gateway.seen
    too_long = [(screen.count(s[4:]), s) for s in seen if not screen.fits(s[4:])]
    assert not too_long, f"{lang}: {len(too_long)} screens over {screen.limit}:\n" + \
        "\n---\n".join(f"{n}: {s}" for n, s in too_long[:10])
    found = [f"{problem} in {s!r}" for s in seen for problem in leaks(s[4:], lang, NAMES)]
    assert not found, f"{lang}: {len(found)} leaks:\n" + "\n".join(found[:20])
    assert len(seen) > 60 and screens
    footer = re.compile(r"\n(98|0) [^\n]+$")
    alone = [o for made in paged for o in pages.orphaned(
        made, lambda page: footer.sub("", footer.sub("", page)))]
    assert sum(len(made) > 1 for made in paged) >= 3, "the walk paged (nearly) nothing"
    assert not alone, f"{lang}: a heading without its options:\n" + "\n".join(alone[:5])
    cut = [page for made in paged for page in made[:-1] if _CUT_SHORT.search(
        footer.sub("", footer.sub("", page)).rstrip())]
    assert not cut, f"{lang}: a page ends on an abbreviation or before its amount:\n" + \
        "\n".join(cut[:5])
    with unit_of_work() as session:  # the walk did what a partner does, not only read
        assert session.scalar(select(func.count()).select_from(Ticket)) == 1
        assert session.scalar(select(func.count()).select_from(Redemption)) == 1
        assert session.scalar(select(func.count()).select_from(QuizAttempt)) >= 1
        assert session.scalar(select(func.count()).select_from(qr.QrRedemption)) == 2
