"""SMS segment counting, and every enrollment prompt within two segments in every language."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from bot.channels.sms import segments
from bot.channels.text import render_text
from bot.i18n import LANGUAGES
from bot.messages import InboundMessage
from flows import bulk_enroll, enroll
from flows.engine import FLOWS, Context
from models.base import utcnow
from models.messaging.conversation import Conversation
from models.programs.program import Program
from models.programs.schema import read_file
from tests.redeem.conftest import PROGRAMS


@pytest.mark.parametrize(("text", "expected"), [
    ("", 0),
    ("a" * 160, 1),
    ("a" * 161, 2),
    ("a" * 306, 2),
    ("a" * 307, 3),
    ("€" * 80, 1),  # extension characters take two septets
    ("€" * 81, 2),
    ("a" * 152 + "€" + "a" * 152, 3),  # 306 septets, but the escape pair is never split
    ("ह" * 70, 1),
    ("ह" * 71, 2),
    ("ह" * 134, 2),
    ("ह" * 135, 3),
    ("a" * 69 + "`", 1),  # a backtick is not GSM-7: the whole text goes UCS-2
    ("😀" * 35, 1),  # a surrogate pair counts two UCS-2 units
    ("😀" * 36, 2),
])
def test_segments_follow_the_gsm7_and_ucs2_rules(text, expected):
    assert segments(text) == expected


def _context(lang: str, text: str = "") -> Context:
    """An SMS conversation joining CEMPRO (the consent question carries its notice)."""
    conv = Conversation(channel="sms", phone="+919876500001", flow="enroll", state="language",
                        data={}, language=lang)
    message = InboundMessage(channel="sms", sender=conv.phone, text=text, provider_id="X")
    program = Program(id=1, code="CEMPRO", name="Shakti Cement Pro Retailer", loaded_at=utcnow(),
                      definition=read_file(PROGRAMS / "cempro.yaml").model_dump(mode="json"))
    session = SimpleNamespace(get=lambda _cls, _id: program)
    return Context(session=session, conversation=conv, partner=None, message=message,
                   now=utcnow(), data={"program": "Shakti Cement Pro Retailer", "program_id": 1})


def _prompts(lang: str) -> dict[str, str]:
    """Every question of both enrollment flows, and every reason a wrong answer gets."""
    ctx, texts = _context(lang), {}
    for name in ("enroll", "bulk_enroll"):
        for state, spec in FLOWS[name].states.items():
            for reply in spec.prompt(ctx):
                texts[f"{name}.{state}"] = render_text(reply)
    for state, spec in FLOWS["enroll"].states.items():
        for wrong in ("?", "27AAACS1234P1Z8"):  # no answer fits "?"; a GSTIN with a bad check
            ctx = _context(lang, wrong)
            for n, reply in enumerate(spec.text(ctx, ctx.message).replies):
                texts[f"enroll.{state}.wrong.{wrong}.{n}"] = render_text(reply)
    return texts


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_each_enrollment_prompt_fits_two_sms_segments(lang):
    """Reads the compiled catalogs: whatever is translated is measured in its own script."""
    assert enroll.S and bulk_enroll.S
    too_long = {key: (segments(text), text) for key, text in _prompts(lang).items()
                if segments(text) > 2}
    assert not too_long
