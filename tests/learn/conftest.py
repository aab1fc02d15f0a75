"""Learning fixtures: CEMPRO as shipped, a tiny one-question-per-track program (MINI), partners
made directly (Partner + Membership + wallet), and a learner that reads and answers like a
partner by looking the right option up in the program content."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from xml.etree import ElementTree

import pytest
from sqlalchemy import select

from models import ledger, yamltext
from models.db import unit_of_work
from models.learning.certificates import Certificate
from models.learning.progress import content_of
from models.partners.partner import Partner
from models.programs.program import Membership, Program, by_code, load_spec
from models.programs.schema import parse
from models.programs.tracks import local
from tests.conftest import built_once

ROOT = Path(__file__).resolve().parents[2]
PHONE = "+919812300001"
MINI_TRACKS = {
    "rules": {"cooldown_minutes": 60, "max_attempts_per_day": 2, "min_minutes_after_module": 2,
              "velocity_max_certifications": 2},
    "modules": [
        {"id": f"m{n}", "title": {"en": f"Topic {n}"},
         "parts": [{"en": f"Topic {n} in short.", "hi": f"विषय {n} संक्षेप में।"}],
         "questions": [{"ask": {"en": f"Which number is topic {n}?"},
                        "options": [{"en": f"Number {n}"}, {"en": "Something else"},
                                    {"en": "Nothing at all"}],
                        "answer": 1, "why": {"en": f"Topic {n} is number {n}."}}]}
        for n in range(1, 5)
    ],
    "tracks": [{"code": f"t{n}", "name": {"en": f"Track {n}"}, "modules": [f"m{n}"],
                "credits": 100, "field_audit": n == 4} for n in range(1, 5)],
}


def program_doc(code: str) -> dict:
    return yamltext.load_shared((ROOT / "programs" / f"{code.lower()}.yaml").read_text())


def load_program(doc: dict) -> None:
    with unit_of_work() as session:
        load_spec(session, parse(doc))


def mini_doc(**rules) -> dict:
    doc = program_doc("CEMPRO")
    doc.update(code="MINI", name="Mini Learning", distributors=[])
    doc["sponsor"] = {"manufacturer": "Shakti Cement Ltd"}
    doc["tracks"] = copy.deepcopy(MINI_TRACKS)
    doc["tracks"]["rules"].update(rules)
    doc.pop("languages", None)  # English modules: it offers no language list to complete
    return doc


def add_partner(program_code: str, phone: str = PHONE, tier: str | None = None) -> int:
    """Create an active partner in the program with a wallet (no enrollment flow)."""
    with unit_of_work() as session:
        partner = session.scalar(select(Partner).where(Partner.phone == phone))
        if partner is None:
            partner = Partner(phone=phone, name="Ramesh Patil", shop="Patil Hardware")
            session.add(partner)
            session.flush()
        program = by_code(session, program_code)
        session.add(Membership(partner_id=partner.id, program_id=program.id))
        session.flush()
        ledger.ensure_wallet(session, partner.id, program.id)
        if tier:
            from models.ledger.tables import Wallet

            wallet = session.scalar(select(Wallet).where(Wallet.partner_id == partner.id,
                                                         Wallet.program_id == program.id))
            wallet.tier = tier
        return partner.id


def learner_in(code: str) -> int:
    """The program as `program_doc` or `mini_doc()` gives it, and a partner in it."""
    load_program(mini_doc() if code == "MINI" else program_doc(code))
    return add_partner(code)


@pytest.fixture
def cempro(app, clock) -> int:
    """CEMPRO and a partner in it, built once per process and copied (built_once)."""
    return built_once(lambda: learner_in("CEMPRO"), "CEMPRO")


@pytest.fixture
def mini(app, clock) -> int:
    """MINI and a partner in it, built once per process and copied (built_once)."""
    return built_once(lambda: learner_in("MINI"), "MINI")


def balance(program_code: str, phone: str = PHONE) -> int:
    with unit_of_work() as session:
        partner = session.scalar(select(Partner).where(Partner.phone == phone))
        return ledger.wallet_balance(session, partner.id, by_code(session, program_code).id
                                     ).balance


def certificates(phone: str = PHONE) -> list[Certificate]:
    with unit_of_work() as session:
        partner = session.scalar(select(Partner).where(Partner.phone == phone))
        return list(session.scalars(select(Certificate).where(
            Certificate.partner_id == partner.id).order_by(Certificate.id)))


def media_of(response) -> list[str]:
    return [m.text for m in ElementTree.fromstring(response.data).iter("Media")]


class Learner:
    """Drive the LEARN flow over the signed webhook like a partner would."""

    def __init__(self, twilio, clock, program_code: str, phone: str = PHONE,
                 channel: str = "whatsapp") -> None:
        self.twilio, self.clock, self.code = twilio, clock, program_code
        self.phone, self.channel = phone, channel

    def say(self, text: str, **kwargs) -> list[str]:
        return self.twilio.chat(self.phone, text, channel=self.channel, **kwargs)

    def read_track(self, option: str) -> list[str]:
        """Open the track and read every part; return the replies after the last NEXT."""
        self.say("LEARN")
        replies = self.say(option)
        while any(r.endswith("\n1. Next") for r in replies):
            replies = self.say("NEXT")
        return replies

    def start_quiz(self, option: str) -> list[str]:
        self.say("LEARN")
        return self.say(option)

    def take_track(self, option: str, right: bool = True) -> list[str]:
        """Read the track, wait for the quiz to open, answer everything; return the last replies."""
        self.read_track(option)
        self.clock.advance(minutes=3)
        return self.answer_all(self.start_quiz(option), right)[0]

    def choice(self, question_text: str, right: bool = True) -> str:
        """The number of the right (or a wrong) option in a rendered question."""
        with unit_of_work() as session:
            content = content_of(by_code(session, self.code))
        question_text = question_text[question_text.rindex("\nQ") + 1:] \
            if "\nQ" in question_text else question_text  # on SMS, after what came before
        first, *lines = question_text.split("\n")
        ask = first.split(": ", 1)[1]
        question = next(q for m in content.modules for q in m.questions
                        if ask in (local(q.ask, "en"), local(q.ask, "hi")))
        correct = {local(question.options[question.answer - 1], lang) for lang in ("en", "hi")}
        for line in lines:
            number, label = re.match(r"(\d+)\. (.*)", line).groups()
            if (label in correct) == right:
                return number
        raise AssertionError(f"no option for {question_text!r}")

    def answer_all(self, first_replies: list[str], right: bool | list[bool] = True
                   ) -> tuple[list[str], object]:
        """Answer every question; return the last replies and the last raw response."""
        replies, response, n = first_replies, None, 0
        while replies and re.search(r"^Q\d+/\d+: ", replies[-1], re.MULTILINE):
            ok = right[n] if isinstance(right, list) else right
            response = self.twilio.send(self.phone, self.choice(replies[-1], ok),
                                        channel=self.channel)
            replies = replies_of(response)
            n += 1
        return replies, response


def replies_of(response) -> list[str]:
    from tests.conftest import replies_of as parse_replies

    return parse_replies(response)


def program_id(code: str) -> int:
    with unit_of_work() as session:
        return session.scalar(select(Program.id).where(Program.code == code))
