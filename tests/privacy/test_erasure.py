"""Erasure: asked in a chat (after a warning and the right one-time code) or by an operator;
the ledger stays balanced and `ledger verify` green under a pseudonym, no phone, name, shop,
UPI id or photo is left in any table or in the media folder, and the phone can join again."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import String, Text, select, text

import models
from bot.channels import dlt
from bot.i18n import translate
from bot.notices.privacy import ERASED_BY_OPERATOR
from models.db import unit_of_work
from models.invoices.invoice import Invoice
from models.ledger.tables import JournalEntry
from models.partners.partner import Partner, PartnerStatus
from models.programs.program import by_code
from models.redemptions.redemption import Redemption
from tests.conftest import TwilioClient
from tests.privacy.helpers import (
    PHONE,
    VPA,
    add_invoice,
    add_partner,
    last_code,
    load_cempro,
    sealed_vpa,
    wrong,
)

TRACES = (PHONE, PHONE[3:], "Rajesh Kumar", "Rajesh Hardware", VPA)


@pytest.fixture
def twilio(lite) -> TwilioClient:
    load_cempro()
    return TwilioClient(lite.test_client())


def _left_behind(media: Path) -> list[str]:
    """Every text column of every table, and every file name, that still holds a trace."""
    found = []
    with unit_of_work() as session:
        for table in models.metadata.sorted_tables:
            columns = [c for c in table.c if isinstance(c.type, String | Text)] + \
                [c for c in table.c if c.type.__class__.__name__ == "JSON"]
            for column in columns:
                for (value,) in session.execute(select(column)):
                    if value is not None and any(t in str(value) for t in TRACES):
                        found.append(f"{table.name}.{column.name}")
    found += [str(p) for p in media.rglob("*") if p.is_file() and "invoices" in str(p)]
    return found


def _seeded(twilio: TwilioClient) -> int:
    partner_id = add_partner(credits=500)
    with unit_of_work() as session:
        session.get(Partner, partner_id).gstin = "27AAACS1234P1Z7"
    add_invoice(partner_id)
    sealed_vpa(partner_id)
    twilio.chat(PHONE, "BAL")
    twilio.chat(PHONE, "Rajesh Kumar here")
    return partner_id


def _verify(lite) -> str:
    result = lite.test_cli_runner().invoke(args=["ledger", "verify"])
    assert result.exit_code == 0, result.output
    return result.output


def test_a_partner_erases_their_data_and_the_ledger_stays_balanced(lite, twilio):
    partner_id = _seeded(twilio)
    with unit_of_work() as session:
        entries = session.scalar(select(text("count(*)")).select_from(JournalEntry))
    (warning,) = twilio.chat(PHONE, "DELETE")
    assert "for good" in warning
    twilio.chat(PHONE, "1")
    (erased,) = twilio.chat(PHONE, last_code())
    assert "Your personal data is erased" in erased
    assert _left_behind(Path(lite.config["MEDIA_DIR"])) == []
    with unit_of_work() as session:
        partner = session.get(Partner, partner_id)
        assert partner.status == PartnerStatus.ERASED and partner.phone.startswith("~")
        assert partner.gstin is None and session.scalar(select(Invoice.buyer_gstin)) is None
        assert session.scalar(select(text("count(*)")).select_from(JournalEntry)) == entries
    _verify(lite)
    (again, *_) = twilio.chat(PHONE, "JOIN CEMPRO")
    assert "Welcome to" in again
    with unit_of_work() as session:
        assert session.scalar(select(Partner.id).where(Partner.phone == PHONE)) is None or \
            session.scalar(select(Partner.id).where(Partner.phone == PHONE)) != partner_id


def test_the_erased_phone_joins_again_as_a_new_partner(lite, twilio):
    partner_id = _seeded(twilio)
    lite.test_cli_runner().invoke(args=["partners", "erase", PHONE, "--reason", "by email"])
    twilio.chat(PHONE, "JOIN CEMPRO")
    for answer in ("1", "1", "Suresh", "Suresh Stores", "400001", "SKIP", "1"):
        twilio.chat(PHONE, answer)
    with unit_of_work() as session:
        again = session.scalar(select(Partner).where(Partner.phone == PHONE))
        assert again.id != partner_id and again.name == "Suresh"


def test_an_operator_erases_and_the_partner_gets_a_last_message(lite, twilio):
    partner_id = _seeded(twilio)
    with unit_of_work() as session:  # a redemption waiting for its code is cancelled first
        session.add(Redemption(partner_id=partner_id, program_id=by_code(session, "CEMPRO").id,
                               item_key="upi", kind="upi", credits=100, value_paise=20_000,
                               vpa=VPA))
    result = lite.test_cli_runner().invoke(
        args=["partners", "erase", "+91 98111 00001", "--reason",
              "asked by letter from Rajesh Kumar"])
    assert result.exit_code == 0 and "erased" in result.output, result.output
    with unit_of_work() as session:
        last = session.execute(text("SELECT body, status FROM outbox_messages "
                                    "WHERE idempotency_key LIKE 'erased:%'")).one()
        action = session.execute(text("SELECT action, reason FROM admin_audit")).all()
    assert last.status == "sent" and last.body == ""  # sent, then scrubbed with the rest
    assert dlt.match(translate("en", ERASED_BY_OPERATOR)).name == "partner_erased"
    with unit_of_work() as session:
        paid = session.scalar(select(Redemption))
        assert (paid.status, paid.vpa_sealed) == ("cancelled", None)
    assert ("partner.erase", "asked by letter from [erased]") in [tuple(a) for a in action]
    assert _left_behind(Path(lite.config["MEDIA_DIR"])) == []
    _verify(lite)


def test_a_wrong_code_erases_nothing(twilio):
    partner_id = _seeded(twilio)
    twilio.chat(PHONE, "DELETE")
    twilio.chat(PHONE, "1")
    answer = twilio.chat(PHONE, wrong(last_code()))[0]
    assert "Wrong code" in answer
    with unit_of_work() as session:
        partner = session.get(Partner, partner_id)
        assert partner.phone == PHONE and partner.name == "Rajesh Kumar"
