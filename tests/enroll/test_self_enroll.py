"""Self-enrollment conversations through the signed Twilio webhook."""

from __future__ import annotations

from models.db import unit_of_work
from models.ledger import wallet_balance

from .conftest import memberships, partner

PHONE = "+919876500001"


def _enroll(twilio, phone: str, channel: str = "whatsapp") -> list[list[str]]:
    steps = ["JOIN TILEPRO REF TILEDIST", "2", "1", "Ramesh Kumar", "Ramesh Hardware",
             "411 001", "SKIP", "1"]
    return [twilio.chat(phone, text, channel=channel) for text in steps]


def test_join_on_whatsapp_makes_a_member_with_wallet_referrer_and_menu(twilio, programs, clock):
    replies = _enroll(twilio, PHONE)
    assert "Welcome to Tile Pro!" in replies[0][0]
    assert "2. हिन्दी" in replies[0][1]
    assert replies[-1][-1]  # the menu follows the welcome
    member = partner(PHONE)
    assert (member.name, member.shop, member.pincode, member.language, member.status) == \
        ("Ramesh Kumar", "Ramesh Hardware", "411001", "hi", "active")
    assert member.role == "retailer"
    assert memberships(PHONE) == {"TILEPRO": "active"}
    assert partner("+919820000001").id == member.parent_id
    with unit_of_work() as session:
        from models.program import by_code
        assert wallet_balance(session, member.id, by_code(session, "TILEPRO").id).balance == 0
