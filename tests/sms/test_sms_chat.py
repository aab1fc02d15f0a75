"""Keywords over SMS through the signed webhook: one-shot answers in the partner's language,
several codes in one SMS, HELP within two segments in every language, and MORE after a
restart."""

from __future__ import annotations

import pytest

from app import create_app
from bot.channels.sms import segments
from bot.i18n import LANGUAGES, translate
from bot.notices import outbound
from flows.sms import HELP
from models import ledger
from models.db import unit_of_work
from models.partners.partner import Partner
from models.programs.program import Program
from tests.conftest import TwilioClient


def sms(twilio, phone: str, text: str) -> str:
    """Send one SMS; return the one SMS that answers it."""
    replies = twilio.chat(phone, text, channel="sms")
    assert len(replies) == 1 and segments(replies[0]) <= 2, replies
    return replies[0]


def test_balance_in_roman_hindi_with_a_typo_answers_at_once(twilio, member):
    phone, codes = member
    sms(twilio, phone, f"CODE {codes[0]}")
    assert sms(twilio, phone, "balance kitna").startswith(
        "QRA test - Shakti credits: 10 (worth Rs 20)")  # GSM-7: no "·", no "₹"
    assert sms(twilio, phone, "blance").startswith("QRA test")
    assert "for product code" in sms(twilio, phone, "histry")


def test_several_codes_in_one_sms_are_all_credited(twilio, member):
    phone, codes = member
    answer = sms(twilio, phone, f"kod {codes[0]} {codes[1]} {codes[2]}")
    assert all(code in answer for code in codes[:3]), answer
    assert "30" in sms(twilio, phone, "BAL")


def test_language_by_keyword_then_keywords_in_that_language(twilio, member):
    phone, _ = member
    assert sms(twilio, phone, "भाषा हिन्दी") == translate("hi", "Language changed to {language}.",
                                                       language="हिन्दी")
    assert sms(twilio, phone, "मदद") == translate("hi", HELP)


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_help_lists_the_keywords_in_two_segments_in_every_language(twilio, member, lang):
    phone, _ = member
    sms(twilio, phone, f"LANG {LANGUAGES[lang][0]}")
    answer = sms(twilio, phone, "HELP")
    assert answer == translate(lang, HELP) and segments(answer) <= 2
    assert all(word in answer for word in ("BAL", "HIST", "CODE", "REDEEM", "STOP"))


def test_stop_and_start_in_hindi(twilio, member):
    phone, _ = member
    assert sms(twilio, phone, "बंद")  # opted out, told so
    assert twilio.chat(phone, "BAL", channel="sms") == []  # nothing until START
    assert sms(twilio, phone, "शुरू")


def test_a_long_sms_is_paged_and_more_works_after_a_restart(app, twilio, member):
    phone, _ = member
    text = " ".join(f"Line {n} of a long notice about your credits." for n in range(30))
    with unit_of_work() as session:
        first = outbound.queue_message(session, phone=phone, text=text, channel="sms").body
    assert segments(first) == 2 and first.endswith("Reply MORE for the rest.")

    restarted = TwilioClient(create_app(dict(app.config)).test_client())  # a new process
    pages = [first]
    while pages[-1].endswith("Reply MORE for the rest."):
        pages.append(sms(restarted, phone, "more"))
    assert len(pages) >= 3
    said = " ".join(p.removesuffix("Reply MORE for the rest.").strip() for p in pages)
    assert said.split() == text.split()
    assert sms(restarted, phone, "MORE").startswith("There is nothing more to show.")


def test_words_that_are_answers_are_not_taken_for_keywords(twilio, member):
    phone, _ = member
    sms(twilio, phone, "LANG")
    assert sms(twilio, phone, "3").startswith(translate("mr", "Language changed to {language}.",
                                                        language="मराठी"))


@pytest.fixture
def rich(db, member):
    """The member with 1,000 credits in QRA."""
    phone, _ = member
    partner = db.query(Partner).filter_by(phone=phone).one()
    program = db.query(Program).filter_by(code="QRA").one()
    ledger.adjust(db, partner_id=partner.id, program_id=program.id, credits=1000,
                  key="sms-grant", reason="test", actor="admin")
    db.commit()
    return phone


def test_redeem_with_an_amount_skips_the_amount_question(twilio, rich):
    assert "1. UPI cashback" in sms(twilio, rich, "reedem 300")
    assert sms(twilio, rich, "1") == "Send your UPI id, like name@okhdfc."


def test_redeem_with_a_wrong_amount_asks_for_it_again(twilio, rich):
    sms(twilio, rich, "REDEEM 7")
    assert sms(twilio, rich, "1") == ("That amount is outside the allowed range.\n\n"
                                      "How many credits? From 100 to 1,000, in steps of 50.")
