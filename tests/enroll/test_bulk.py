"""Bulk enrollment by distributor reps, through the signed webhook; the report arrives by outbox."""

from __future__ import annotations

from models.db import unit_of_work
from models.partner import Partner

from .conftest import OTHER_REP, REP, memberships, outbox, partner

BATCH = """ENROLL TILEPRO
Ramesh Kumar, 98765 43210, Ramesh Hardware, 411001
Sita Devi, +919876543211, Sita Tiles, 411002, hindi
Bad Phone, 12345, Nowhere Store, 411003
Bad Pin, 9876543212, Zero Pin Shop, 011003
Ramesh Again, 9876543210, Ramesh Hardware, 411001
Only Name, 9876543213
"""


def _report() -> str:
    return [m for m in outbox() if m.phone == REP][-1].body


def test_rep_batch_reports_every_row_and_invites_only_new_shops(twilio, programs, clock):
    with unit_of_work() as session:
        session.add(Partner(phone="+919876543214", name="Old Member", shop="Old Shop",
                            pincode="411004"))
    twilio.chat("+919876543214", "JOIN TILEPRO")
    twilio.chat("+919876543214", "1")
    replies = twilio.chat(REP, BATCH + "Old Member, 9876543214, Old Shop, 411004\n")
    assert "Checking your list for Tile Pro" in replies[0]
    report = _report()
    assert report.splitlines()[0] == "Tile Pro: 7 rows checked."
    assert "created: 2" in report and "invalid phone: 1" in report
    assert "Row 3 (Bad Phone): invalid phone" in report
    assert "Row 4 (Bad Pin): invalid PIN code" in report
    assert "Row 5 (Ramesh Again): duplicate in this batch" in report
    assert "Row 6 (Only Name): missing name or shop" in report
    assert "Row 7 (Old Member): already enrolled" in report
    assert "Ramesh Kumar" not in report
    sita = partner("+919876543211")
    assert (sita.status, sita.language, sita.shop) == ("invited", "hi", "Sita Tiles")
    assert memberships("+919876543211") == {"TILEPRO": "invited"}
    invites = [m for m in outbox() if m.phone in ("+919876543210", "+919876543211")]
    assert [m.channel for m in invites] == ["sms", "sms"]
    assert "Reply JOIN TILEPRO" in invites[0].body

    twilio.chat(REP, BATCH)  # the same batch again: nothing new, nobody re-invited
    assert "created" not in _report().splitlines()[1]
    assert "Row 1 (Ramesh Kumar): already invited" in _report()
    assert len([m for m in outbox() if m.phone == "+919876543210"]) == 1


def test_a_non_rep_cannot_enroll_shops(twilio, programs, clock):
    twilio.chat("+919876500009", "JOIN TILEPRO")
    with unit_of_work() as session:
        session.add(Partner(phone="+919876500010", name="Shop", shop="S", pincode="411001"))
    reply = twilio.chat("+919876500010", BATCH)
    assert "Only distributor reps can enroll shops" in reply[0]
    assert partner("+919876543210") is None


def test_a_rep_cannot_enroll_into_a_program_their_distributor_does_not_run(twilio, programs,
                                                                           clock):
    reply = twilio.chat(OTHER_REP, BATCH)
    assert "Send ENROLL and one of your programs: PAINTX" in reply[0]
    assert partner("+919876543210") is None
