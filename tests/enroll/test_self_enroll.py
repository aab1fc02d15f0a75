"""Self-enrollment conversations through the signed Twilio webhook."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.i18n import translate
from models.db import unit_of_work
from models.ledger.operations import wallet_balance
from models.partners.partner import Partner
from models.programs.program import Membership, by_code

from .conftest import memberships, partner

PHONE = "+919876500001"
STEPS = ["JOIN TILEPRO REF TILEDIST", "2", "1", "Ramesh Kumar", "Ramesh Hardware", "411 001",
         "SKIP", "1"]
STEPS_EN = ["JOIN TILEPRO", "1", *STEPS[2:]]  # English: replies can be compared as text


def _balance(phone: str, code: str) -> int:
    with unit_of_work() as session:
        return wallet_balance(session, partner(phone).id, by_code(session, code).id).balance


@pytest.mark.parametrize("channel", ["whatsapp", "sms"])
def test_join_makes_a_member_with_wallet_referrer_welcome_and_menu(twilio, programs, clock,
                                                                    channel):
    replies = [twilio.chat(PHONE, text, channel=channel) for text in STEPS]
    first = replies[0] if channel == "whatsapp" else replies[0][0].split("\n\n")  # one SMS
    assert first[0] == "Welcome to Tile Pro!"
    assert "1. English\n2. हिन्दी" in first[1]
    if channel == "whatsapp":
        assert len(replies[-1]) == 2  # welcome, then the menu
    else:  # one SMS: the welcome, the menu's question, the rest after MORE
        assert len(replies[-1]) == 1 and "Ramesh Kumar" in replies[-1][0]
        assert replies[-1][0].endswith("बाकी के लिए MORE भेजें।")
    member = partner(PHONE)
    assert (member.name, member.shop, member.pincode, member.language, member.status,
            member.role, member.gstin) == ("Ramesh Kumar", "Ramesh Hardware", "411001", "hi",
                                           "active", "retailer", None)
    assert memberships(PHONE) == {"TILEPRO": "active"}
    distributor = partner("+919820000001")
    assert member.parent_id == distributor.id
    with unit_of_work() as session:
        row = session.scalar(select(Membership).where(Membership.partner_id == member.id))
        assert row.referred_by_id == distributor.id
    assert _balance(PHONE, "TILEPRO") == 0


def test_each_wrong_answer_gets_its_reason_and_the_same_question(twilio, programs, clock):
    chat = twilio.chat
    chat(PHONE, "JOIN TILEPRO")
    assert chat(PHONE, "Klingon") == ["Please reply with the number of your language.",
                                      chat(PHONE, "Klingon")[1]]
    assert chat(PHONE, "9")[1].startswith("Choose your language:")
    chat(PHONE, "english")
    assert chat(PHONE, "astronaut") == ["Please reply with a number from the list.",
                                        "What is your work?\n1. Retailer (shop)\n2. Dealer\n"
                                        "3. Technician or mason"]
    chat(PHONE, "Dealer")
    assert chat(PHONE, "42") == ["Please send your name in letters (2 to 80 characters).",
                                 "What is your full name?"]
    chat(PHONE, "Sunita Rao")
    assert chat(PHONE, "!")[0] == "Please send the shop name (2 to 120 characters)."
    chat(PHONE, "Rao Tiles")
    wrong_pin = chat(PHONE, "011001")
    assert wrong_pin == ["A PIN code has 6 digits and does not start with 0, like 400001.",
                         "What is your shop's 6-digit PIN code?"]
    assert chat(PHONE, "41100") == wrong_pin
    chat(PHONE, "560001")
    assert chat(PHONE, "27AAACS1234")[0] == \
        "A GSTIN has 15 letters and digits, like 27AAACS1234P1Z7."
    assert chat(PHONE, "27AAACS1234P1Z8")[0].startswith("That GSTIN has a mistake")
    chat(PHONE, "27aaacs1234p1z7")
    assert chat(PHONE, "maybe")[0] == "Please reply 1 for yes or 2 for no."
    assert chat(PHONE, "yes")[0] == "Welcome to Tile Pro, Sunita Rao! You are now a member."
    member = partner(PHONE)
    assert (member.role, member.pincode, member.gstin) == ("dealer", "560001", "27AAACS1234P1Z7")


def test_back_returns_one_step_and_keeps_going(twilio, programs, clock):
    for text in STEPS_EN[:5]:
        twilio.chat(PHONE, text)
    assert twilio.chat(PHONE, "BACK") == ["What is the name of your shop or business?"]
    assert twilio.chat(PHONE, "BACK") == ["What is your full name?"]
    assert twilio.chat(PHONE, "Ramesh K") == ["What is the name of your shop or business?"]
    for text in ("Ramesh Tiles", "411001", "SKIP"):
        twilio.chat(PHONE, text)
    assert twilio.chat(PHONE, "BACK") == ["Send your GSTIN, or SKIP if you have none."]
    twilio.chat(PHONE, "SKIP")
    twilio.chat(PHONE, "1")
    member = partner(PHONE)
    assert (member.name, member.shop) == ("Ramesh K", "Ramesh Tiles")


def test_unknown_program_code_gets_a_clear_reply(twilio, programs, clock):
    assert twilio.chat(PHONE, "JOIN NOPE") == [
        "There is no program with the code NOPE. Please check your invite.",
        "Send the program code from your invite, for example CEMPRO."]
    assert partner(PHONE) is None
    assert twilio.chat(PHONE, "JOIN TILEPRO")[0] == "Welcome to Tile Pro!"


def test_join_without_a_code_and_from_the_menu_asks_for_it(twilio, programs, clock):
    assert twilio.chat(PHONE, "JOIN") == \
        ["Send the program code from your invite, for example CEMPRO."]
    assert twilio.chat(PHONE, "WRONG")[0].startswith("There is no program with the code WRONG")
    assert twilio.chat(PHONE, "tilepro")[0] == "Welcome to Tile Pro!"
    twilio.chat(PHONE, "MENU")
    menu = twilio.chat(PHONE, "hello")
    assert "Join a program" in menu[0]
    assert twilio.chat(PHONE, "Join a program") == \
        ["Send the program code from your invite, for example CEMPRO."]


def test_a_member_joins_a_second_program_with_consent_only(twilio, programs, clock):
    for text in STEPS_EN:
        twilio.chat(PHONE, text)
    assert twilio.chat(PHONE, "JOIN TILEPRO")[0] == "You are already a member of Tile Pro."
    assert twilio.chat(PHONE, "JOIN PAINTX") == [
        "Welcome to Paint X Club!",
        "Do you accept the Paint X Club terms?\n1. Yes, I agree\n2. No"]
    assert twilio.chat(PHONE, "1")[0] == \
        "Welcome to Paint X Club, Ramesh Kumar! You are now a member."
    assert memberships(PHONE) == {"TILEPRO": "active", "PAINTX": "active"}
    assert _balance(PHONE, "PAINTX") == 0


def test_saying_no_to_the_terms_enrolls_nobody(twilio, programs, clock):
    for text in STEPS_EN[:-1]:
        twilio.chat(PHONE, text)
    assert twilio.chat(PHONE, "2")[0] == \
        "You have not been enrolled. Send JOIN TILEPRO whenever you are ready."
    assert partner(PHONE) is None


def test_a_partner_who_declined_and_rejoins_is_asked_only_for_consent(twilio, programs, clock):
    for text in STEPS[:-1]:  # Hindi, referred by TILEDIST, every answer given
        twilio.chat(PHONE, text)
    twilio.chat(PHONE, "2")  # no
    clock.advance(days=3)
    assert twilio.chat(PHONE, "JOIN TILEPRO") == [
        translate("hi", "Welcome to {program}!", program="Tile Pro"),
        translate("hi", "Do you accept the {program} terms?", program="Tile Pro") + "\n1. "
        + translate("hi", "Yes, I agree") + "\n2. " + translate("hi", "No")]
    twilio.chat(PHONE, "1")
    member = partner(PHONE)
    assert (member.name, member.shop, member.pincode, member.language, member.role,
            member.status) == ("Ramesh Kumar", "Ramesh Hardware", "411001", "hi", "retailer",
                               "active")
    assert member.parent_id == partner("+919820000001").id  # the first JOIN's referral
    assert memberships(PHONE) == {"TILEPRO": "active"}


def test_answers_of_a_declined_join_are_forgotten_after_30_days(twilio, programs, clock):
    for text in STEPS_EN[:-1]:
        twilio.chat(PHONE, text)
    twilio.chat(PHONE, "2")
    clock.advance(days=31)
    assert twilio.chat(PHONE, "JOIN TILEPRO")[1].startswith("Choose your language:")


def test_an_invited_shop_that_declined_and_rejoins_is_asked_only_for_consent(
        twilio, programs, clock):
    from .test_bulk import BATCH, REP

    twilio.chat(REP, BATCH)
    invited = "+919876543210"
    twilio.chat(invited, "hello")
    twilio.chat(invited, "English")
    twilio.chat(invited, "2")  # declines
    assert twilio.chat(invited, "JOIN TILEPRO") == [
        "Welcome to Tile Pro!", "Do you accept the Tile Pro terms?\n1. Yes, I agree\n2. No"]
    assert twilio.chat(invited, "1")[0] == \
        "Welcome to Tile Pro, Ramesh Kumar! You are now a member."


def test_a_suspended_partner_cannot_join_another_program(twilio, programs, clock):
    for text in STEPS_EN:
        twilio.chat(PHONE, text)
    with unit_of_work() as session:
        session.get(Partner, partner(PHONE).id).status = "suspended"
    assert twilio.chat(PHONE, "JOIN PAINTX")[0].startswith("Your account is on hold")
    assert memberships(PHONE) == {"TILEPRO": "active"}
    assert partner(PHONE).status == "suspended"


def test_lang_during_enrollment_switches_and_asks_the_same_question_again(twilio, programs,
                                                                          clock):
    for text in STEPS_EN[:4]:  # up to the name
        twilio.chat(PHONE, text)
    assert twilio.chat(PHONE, "LANG")[0].startswith("Choose your language:")
    assert twilio.chat(PHONE, "Tamil") == [
        translate("ta", "Language changed to {language}.", language="தமிழ்"),
        translate("ta", "What is the name of your shop or business?")]
    for text in STEPS_EN[4:]:
        twilio.chat(PHONE, text)
    member = partner(PHONE)
    assert (member.name, member.language, member.status) == ("Ramesh Kumar", "ta", "active")


def test_pin_code_and_gstin_typed_in_indian_digits_are_stored_in_ascii(twilio, programs, clock):
    for text in ["JOIN TILEPRO", "1", "1", "Ramesh Kumar", "Ramesh Hardware"]:
        twilio.chat(PHONE, text)
    assert twilio.chat(PHONE, "४११ ००१²")[0].startswith("A PIN code has 6 digits")
    twilio.chat(PHONE, "४११ ००१")
    assert twilio.chat(PHONE, "27AAACS१२३४P1Z7")[0].startswith("Do you accept")
    twilio.chat(PHONE, "1")
    member = partner(PHONE)
    assert (member.pincode, member.gstin) == ("411001", "27AAACS1234P1Z7")
