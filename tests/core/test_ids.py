"""Ids from outside (URLs, webhook references, command arguments) are read with bounds: a
30-digit number is "not found", never a database error and a 500."""

from __future__ import annotations

import pytest

from models.base import MAX_ID, parse_id
from tests.redeem.razorpayx import WEBHOOK_SECRET, event

HUGE = "9" * 30
ADMIN = {"Authorization": "Bearer admin-secret"}


@pytest.mark.parametrize("text, expected", [
    ("1", 1), ("42", 42), (str(MAX_ID), MAX_ID), (str(MAX_ID + 1), None), (HUGE, None),
    ("0", None), ("-3", None), ("", None), ("१२", None), ("1_000", None), (" 7", None),
    ("7\x00", None), ("+7", None),
])
def test_ids_are_ascii_digits_within_a_bigint(text, expected):
    assert parse_id(text) == expected


@pytest.mark.parametrize("item", [HUGE, str(MAX_ID + 1), "0"])
def test_a_review_decision_for_an_impossible_id_is_not_found(app, item):
    app.config["ADMIN_TOKEN"] = "admin-secret"
    response = app.test_client().post(f"/admin/review/{item}", json={"approve": True},
                                      headers=ADMIN)
    assert response.status_code == 404


def test_a_signed_payout_event_with_a_huge_reference_changes_nothing(app):
    app.config["PAYOUT_WEBHOOK_SECRET"] = WEBHOOK_SECRET
    payout = {"id": "pout_huge", "reference_id": f"saathi-r{HUGE}-a1", "amount": 100}
    assert event(app.test_client(), payout, "processed").status_code == 200
    payout["reference_id"] = f"saathi-r1-a{HUGE}"
    assert event(app.test_client(), payout, "processed").status_code == 200


def test_the_simulator_outbox_after_a_huge_id_is_empty(app):
    response = app.test_client().get(f"/simulator/outbox?phone=%2B919812345678&after={HUGE}")
    assert response.status_code == 200 and response.json == {"messages": []}


@pytest.mark.parametrize("args", [
    ["review", "approve", HUGE], ["review", "reject", HUGE],
    ["redemptions", "retry", HUGE, "--reason", "r"],
    ["redemptions", "cancel", HUGE, "--reason", "r"],
])
def test_commands_refuse_an_impossible_id_with_a_usage_error(app, args):
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 2, result.output  # click's usage error, not a traceback
    assert "is not in the range" in result.output


@pytest.mark.parametrize("kind", ["\x00", "invoice\x00' OR 1=1", "x" * 500, "no-such-kind"])
def test_the_review_list_refuses_a_kind_that_does_not_exist(app, kind):
    app.config["ADMIN_TOKEN"] = "admin-secret"
    response = app.test_client().get("/admin/review", query_string={"kind": kind},
                                     headers=ADMIN)
    assert response.status_code == 400
    assert "invoice" in response.get_json()["error"]  # names the kinds there are


@pytest.mark.parametrize("args", [["redemptions", "retry", "1"], ["redemptions", "cancel", "1"],
                                  ["codes", "void", "JAN-26"]])
def test_operator_commands_need_a_reason_for_the_audit_log(app, args):
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 2 and "--reason" in result.output
