"""Self-enrollment conversations through the signed Twilio webhook (the ones that read as
chats are transcripts: tests/transcripts/enroll/)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from models.db import unit_of_work
from models.ledger.operations import wallet_balance
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


def test_an_invited_shop_that_declined_and_rejoins_is_asked_only_for_consent(
        twilio, programs, clock):
    from .test_bulk import BATCH, REP

    twilio.chat(REP, BATCH)
    invited = "+919876543210"
    twilio.chat(invited, "hello")
    twilio.chat(invited, "English")
    twilio.chat(invited, "2")  # declines
    assert twilio.chat(invited, "JOIN TILEPRO") == [
        "Welcome to Tile Pro!", "Do you accept the Tile Pro terms? How we use your data: "
        "https://saathi.test/privacy/TILEPRO/en\n1. Yes, I agree\n2. No"]
    assert twilio.chat(invited, "1")[0] == \
        "Welcome to Tile Pro, Ramesh Kumar! You are now a member."
