"""Questions about the rules are answered from the program's YAML, in the partner's
language, and follow a changed YAML; the program's own `faq:` answers its questions."""

from __future__ import annotations

from pathlib import Path

import pytest

from models import yamltext
from models.db import unit_of_work
from models.programs.program import load_spec
from models.programs.schema import parse
from tests.transcripts.given import build

PHONE = "+919811100001"
PROGRAM = Path(__file__).with_name("program.yaml")


@pytest.fixture
def partner(app):
    build({"programs": ["tests/nlu/program.yaml"],
           "partners": [{"phone": PHONE, "name": "Ravi", "credits": {"SHAKTI": 300}}]})


def test_earning_answer_follows_a_changed_program_file(partner, twilio):
    assert twilio.chat(PHONE, "OPC pe kitne credit milte hai?") == [
        "Shakti Cement Club - how to earn:\n"
        "Invoices (OPC): 2 credits for every ₹1,000\n"
        "Invoices (all products): 1 credit for every ₹2,000 (bills from ₹5,000)\n"
        "Product code (all products): 5 credits a scan"]
    changed = yamltext.load_shared(PROGRAM.read_text(encoding="utf-8"))
    changed["earning"]["invoice"][0]["credits"] = 3
    changed["earning"]["qr_code"][0]["credits"] = 8
    with unit_of_work() as session:
        load_spec(session, parse(changed))
    answer = twilio.chat(PHONE, "ek bori pe kitne point milenge")[0]
    assert "Invoices (OPC): 3 credits for every ₹1,000" in answer
    assert "Product code (all products): 8 credits a scan" in answer


def test_rules_in_the_partners_language(partner, twilio):
    twilio.chat(PHONE, "हिंदी में बात करो")
    assert twilio.chat(PHONE, "पॉइंट कब खत्म होंगे")[1] == \
        "Shakti Cement Club: क्रेडिट कमाने के 365 दिन बाद खत्म हो जाते हैं।"
    assert twilio.chat(PHONE, "अगला स्तर कैसे मिलेगा")[0].splitlines()[:3] == [
        "Shakti Cement Club के स्तर, 90 दिनों में कमाए क्रेडिट के अनुसार:",
        "सिल्वर: 0+", "गोल्ड: 5,000+ (x1.5)"]


def test_the_programs_own_questions_in_either_language(partner, twilio):
    assert twilio.chat(PHONE, "is gst number needed to join") == [
        "No. GSTIN is optional; without it invoices are checked by hand."]
    twilio.chat(PHONE, "hindi me bhejo")
    assert twilio.chat(PHONE, "क्या जुड़ने के लिए GST नंबर ज़रूरी है") == [
        "नहीं। GSTIN ज़रूरी नहीं है; उसके बिना बिल हाथ से जांचे जाते हैं।"]
