"""What is checked and what is stored agree: for every String(n) column that text from
outside reaches (marked `info=INPUT` in models/), the code that takes that text refuses, or
cuts to n, a value of n + 1 characters. The limits come from the models, so a column made
shorter fails here before PostgreSQL refuses a partner's answer with "Sorry"."""

from __future__ import annotations

from collections.abc import Callable

import pytest

import models
from bot.channels import twilio_form
from bot.channels.ussd import africastalking
from bot.i18n import language_code
from flows.enroll import clean_name, clean_shop
from flows.language import parse_language
from models import review
from models.admin import audit, users
from models.codes import tables as qr
from models.enrollment.join import clean_pincode
from models.invoices.rules import stored_number
from models.partners.gstin import is_valid_gstin
from models.partners.partner import InvalidPhone, normalize_phone
from models.programs import versions
from models.redemptions import stock
from models.redemptions.payouts import valid_payout_id
from models.redemptions.redemption import stored_error, valid_vpa
from models.support.tickets import clean_words

GSTIN = "27AAACS1234P1Z7"
PHONE = "+919812345678"


def _phone(n: int) -> str | None:
    try:
        return normalize_phone("+91" + "9" * (n - 2))
    except InvalidPhone:
        return None


def _vpa(n: int) -> str | None:
    """The longest name (50) and handle (30) the UPI pattern allows, to n characters."""
    name = "r" * min(50, n - 3)
    return valid_vpa(name + "@o" + "k" * (n - len(name) - 2))


def _language(n: int) -> str | None:
    return parse_language("h" * n) or language_code("h" * n)


def _sid(n: int) -> str | None:
    params = {"From": f"whatsapp:{PHONE}", "AccountSid": "AC" + "0" * 32, "NumMedia": "0",
              "MessageSid": "SM" + "0" * (n - 2)}
    try:
        return twilio_form.check_message(params)
    except twilio_form.BadForm:
        return None


def _actor(n: int) -> str | None:
    return "a" * n if review.valid_actor("a" * n) else None


def _batch(label: str) -> Callable[[int], str | None]:
    def check(n: int) -> str | None:
        value = "B" * n
        try:
            qr.check_labels(value if label == "name" else "JAN", value if label == "region"
                            else None)
        except qr.BatchError:
            return None
        return value
    return check


def _stock_code(n: int) -> str | None:
    try:
        return stock.clean_codes(["C" * n]).pop()
    except stock.BadCodes:
        return None


def _ussd(field: str) -> Callable[[int], str | None]:
    """What an Africa's Talking request (or end-of-session notice) with `field` n long
    leaves to store."""
    def check(n: int) -> str | None:
        value = ("*123456" * 20)[:n - 1] + "#" if field == "serviceCode" else "1" * n
        form = {"sessionId": "ATUid_1", "serviceCode": "*123#", "phoneNumber": PHONE,
                "networkCode": "40445", "text": "", field: value}
        try:
            request = africastalking.parse(form)
        except africastalking.BadRequest:
            return None
        return {"sessionId": request.session_id, "serviceCode": request.service_code,
                "networkCode": request.network_code}[field]
    return check


def _ended(n: int) -> str | None:
    try:
        return africastalking.check_end({"sessionId": "ATUid_1", "status": "S" * n})[1]
    except africastalking.BadRequest:
        return None


# table.column -> the ways outside text reaches it: n -> what would be stored, or None.
STORES: dict[str, list[Callable[[int], str | None]]] = {
    "partners.phone": [_phone], "conversations.phone": [_phone],
    "inbox_messages.phone": [_phone], "outbox_messages.phone": [_phone],
    "partners.name": [lambda n: clean_name("N" * n)],
    "partners.shop": [lambda n: clean_shop("S" * n)],
    "partners.pincode": [lambda n: clean_pincode("4" * n)],
    "partners.gstin": [lambda n: (GSTIN + "X" * (n - 15)) if is_valid_gstin(
        GSTIN + "X" * (n - 15)) else None],
    "partners.language": [_language], "conversations.language": [_language],
    "inbox_messages.provider_id": [_sid],
    "invoices.number": [lambda n: stored_number("7" * n)],
    "review_items.decided_by": [_actor], "journal_entries.actor": [_actor],
    "qr_batches.name": [_batch("name")], "qr_batches.region": [_batch("region")],
    "voucher_stock_codes.code": [_stock_code],
    "support_tickets.first_words": [lambda n: clean_words("w" * n)],
    "redemptions.payout_id": [lambda n: "p" * n if valid_payout_id("p" * n) else None],
    "redemptions.error": [lambda n: stored_error("e" * n)],
    "ussd_sessions.session_id": [_ussd("sessionId")], "ussd_sessions.phone": [_phone],
    "ussd_sessions.service_code": [_ussd("serviceCode")],
    "ussd_sessions.network_code": [_ussd("networkCode")], "ussd_sessions.ended_reason": [_ended],
    "admin_users.email": [lambda n: _email(n)],
    "program_versions.loaded_by": [lambda n: versions.fit("a" * n, versions.ProgramVersion
                                                          .loaded_by)],
    "program_versions.source": [lambda n: versions.fit("s" * n, versions.ProgramVersion.source)],
    "admin_audit.actor": [lambda n: audit.cut("a" * n, audit.AuditEntry.actor)],
    "admin_audit.reason": [lambda n: audit.cut("r" * n, audit.AuditEntry.reason)],
}


def _email(n: int) -> str | None:
    try:
        return users.normalize_email("e" * (n - 7) + "@x.test")
    except users.AccountError:
        return None


def _input_columns() -> dict[str, int]:
    return {f"{table.name}.{column.name}": column.type.length
            for table in models.metadata.sorted_tables for column in table.columns
            if column.info.get("input")}


def test_every_column_outside_text_reaches_has_its_check_listed_here():
    assert sorted(_input_columns()) == sorted(STORES)


@pytest.mark.parametrize("column", sorted(STORES))
def test_a_value_one_longer_than_the_column_is_refused_or_cut(column):
    limit = _input_columns()[column]
    for store in STORES[column]:
        for length in (limit + 1, limit * 3):
            stored = store(length)
            assert stored is None or len(stored) <= limit, (column, length, stored)


def test_an_81_character_upi_id_is_refused_and_the_80_character_one_taken():
    assert _vpa(81) is None
    assert len(_vpa(80)) == 80


@pytest.mark.parametrize("body", [
    {"approve": True, "actor": "a" * 81}, {"approve": True, "actor": "x\x00"},
    {"approve": True, "note": {"nested": 1}}, [1, 2], "approve",
])
def test_the_admin_api_answers_a_body_its_columns_cannot_hold_with_400(app, body):
    app.config["ADMIN_TOKEN"] = "admin-secret"
    response = app.test_client().post("/admin/review/1", json=body,
                                      headers={"Authorization": "Bearer admin-secret"})
    assert response.status_code == 400


def test_a_review_command_refuses_an_actor_too_long_for_its_column(app):
    result = app.test_cli_runner().invoke(args=["review", "approve", "1", "--actor", "a" * 81])
    assert result.exit_code == 2 and "80 printable characters" in result.output
