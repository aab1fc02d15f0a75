"""UPI payouts through the RazorpayX-style HTTP provider (a local stand-in checking every
request), status webhooks signed over the raw body, a real RQ worker and the polling sweep."""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest
from rq import SimpleWorker

from bot import jobs
from models import ledger
from models.db import unit_of_work
from models.ledger.verify import verify
from models.redemptions.redemption import Status
from workers.redemptions import sweep

from .conftest import RETAILER, available, balance, last_otp, redemptions, sent_to, start_upi
from .razorpayx import (
    ACCOUNT,
    HEADER,
    WEBHOOK_SECRET,
    FakeRazorpayX,
    event,
    provider_config,
)


@pytest.fixture
def razorpayx(app):
    with FakeRazorpayX() as fake:
        app.config.update(provider_config(fake.url))
        yield fake


def _redeem(twilio, credits: int = 500) -> None:
    start_upi(twilio, credits=credits)
    assert "Processing" in twilio.chat(RETAILER, last_otp(RETAILER))[0]


def _work() -> None:
    SimpleWorker([jobs.queue()], connection=jobs.redis_connection()).work(burst=True)


def test_full_redemption_through_rq_worker_and_signed_webhook(app, twilio, retailer, cempro,
                                                              razorpayx, redis_url, clock):
    app.config["REDIS_URL"] = redis_url
    try:
        _redeem(twilio)
        assert razorpayx.stub.requests == []  # nothing before the worker runs
        assert available(retailer, cempro) == 1500  # held
        _work()
    finally:
        jobs.queue().empty()
    [contact] = razorpayx.requests("/v1/contacts")
    [account] = razorpayx.requests("/v1/fund_accounts")
    [payout] = razorpayx.requests("/v1/payouts")
    assert json.loads(account.body)["vpa"] == {"address": "rajesh.kumar@okhdfc"}
    assert json.loads(payout.body) == {
        "account_number": ACCOUNT, "fund_account_id": "fa_2", "amount": 100000,
        "currency": "INR", "mode": "UPI", "purpose": "cashback", "queue_if_low_balance": True,
        "reference_id": "saathi-r1-a1", "narration": "Shakti Cement cashback"}
    assert payout.headers[HEADER] == "saathi-r1-a1"
    assert contact.headers[HEADER] and account.headers[HEADER]
    assert razorpayx.problems == []
    [redemption] = redemptions()
    assert redemption.status == Status.PROCESSING and redemption.payout_status == "processing"

    response = event(app.test_client(), razorpayx.payouts["pout_3"], "processed")
    assert response.status_code == 200
    [redemption] = redemptions()
    assert redemption.status == Status.COMPLETED
    assert available(retailer, cempro) == 1500
    assert "₹1,000 sent to ra****@okhdfc" in sent_to(RETAILER, "whatsapp")[-1].body


def test_provider_timeout_then_success_pays_exactly_once(app, twilio, retailer, cempro,
                                                         razorpayx):
    razorpayx.plan = ["timeout", "503"]
    _redeem(twilio)
    calls = razorpayx.requests("/v1/payouts")
    assert len(calls) == 3 and len(razorpayx.payouts) == 1
    assert {c.body for c in calls} == {calls[0].body}
    assert {c.headers[HEADER] for c in calls} == {"saathi-r1-a1"}
    assert razorpayx.problems == []
    event(app.test_client(), razorpayx.payouts["pout_3"], "processed")
    assert redemptions()[0].status == Status.COMPLETED
    assert available(retailer, cempro) == 1500


def test_provider_down_leaves_the_payout_to_the_sweep_with_the_same_key(
        app, twilio, retailer, cempro, razorpayx):
    app.config["JOB_RETRIES"] = 0
    razorpayx.plan = ["503", "503", "503"]
    _redeem(twilio)
    assert razorpayx.payouts == {}
    assert redemptions()[0].status == Status.PROCESSING
    razorpayx.initial_status = "processed"
    assert sweep() == 1
    assert len(razorpayx.payouts) == 1
    assert {c.headers[HEADER] for c in razorpayx.requests("/v1/payouts")} == {"saathi-r1-a1"}
    assert redemptions()[0].status == Status.COMPLETED


def test_failed_payout_gives_the_credits_back_and_tells_the_partner(app, twilio, retailer,
                                                                     cempro, razorpayx):
    _redeem(twilio)
    assert available(retailer, cempro) == 1500
    event(app.test_client(), razorpayx.payouts["pout_3"], "failed")
    [redemption] = redemptions()
    assert redemption.status == Status.FAILED
    assert available(retailer, cempro) == 2000
    assert "did not go through. Your 500 credits are back" in \
        sent_to(RETAILER, "whatsapp")[-1].body


def test_a_long_or_odd_failure_reason_and_payout_id_never_fail_the_webhook(
        app, twilio, retailer, cempro, razorpayx):
    _redeem(twilio)
    client, payout = app.test_client(), razorpayx.payouts["pout_3"]
    assert event(client, {**payout, "id": "p" * 65}, "failed").status_code == 200
    assert event(client, {**payout, "id": "pout\x00"}, "failed").status_code == 200
    assert redemptions()[0].status == Status.PROCESSING  # not the provider's payout ids
    assert event(client, payout, "failed", description="down\x00" + "x" * 500
                 ).status_code == 200
    [redemption] = redemptions()
    assert redemption.status == Status.FAILED and redemption.error.startswith("downxxx")
    assert len(redemption.error) <= 200 and available(retailer, cempro) == 2000


def test_webhooks_twice_and_out_of_order_change_nothing_after_a_final_state(
        app, twilio, retailer, cempro, razorpayx):
    _redeem(twilio)
    client, payout = app.test_client(), razorpayx.payouts["pout_3"]
    for status in ("processed", "processing", "processed", "failed", "cancelled", "queued"):
        assert event(client, payout, status).status_code == 200
    [redemption] = redemptions()
    assert redemption.status == Status.COMPLETED and redemption.payout_status == "processed"
    assert available(retailer, cempro) == 1500
    results = [m for m in sent_to(RETAILER, "whatsapp") if "sent to" in m.body]
    assert len(results) == 1


def test_a_paid_payout_the_bank_sends_back_refunds_the_credits_once(app, twilio, retailer,
                                                                     cempro, razorpayx):
    _redeem(twilio)
    client, payout = app.test_client(), razorpayx.payouts["pout_3"]
    event(client, payout, "processed")
    assert available(retailer, cempro) == 1500
    for status in ("reversed", "reversed", "processed", "failed"):
        assert event(client, payout, status).status_code == 200
    [redemption] = redemptions()
    assert redemption.status == Status.REVERSED and redemption.payout_status == "reversed"
    assert balance(retailer, cempro) == ledger.Balance(2000, 0, 2000, 0, 0)
    returned = [m.body for m in sent_to(RETAILER, "whatsapp") if "sent back" in m.body]
    assert returned == ["Your bank sent back the payout of ₹1,000 to ra****@okhdfc. Your 500 "
                        "credits are back in your wallet."]
    twilio.chat(RETAILER, "BALANCE")
    assert "+500 returned from request 1" in twilio.chat(RETAILER, "1")[0]
    with unit_of_work() as session:
        assert verify(session, chain=False) == []


def test_a_return_for_another_payout_id_changes_nothing(app, twilio, retailer, cempro,
                                                        razorpayx):
    _redeem(twilio)
    client, payout = app.test_client(), razorpayx.payouts["pout_3"]
    event(client, payout, "processed")
    event(client, {**payout, "id": "pout_other"}, "reversed")
    assert redemptions()[0].status == Status.COMPLETED
    assert available(retailer, cempro) == 1500


def test_after_a_return_the_operator_retries_and_the_credits_are_held_again(
        app, twilio, retailer, cempro, razorpayx):
    _redeem(twilio)
    client = app.test_client()
    event(client, razorpayx.payouts["pout_3"], "processed")
    event(client, razorpayx.payouts["pout_3"], "reversed")
    output = app.test_cli_runner().invoke(
        args=["redemptions", "retry", "1", "--reason", "provider back"]).output
    assert "processing attempt 2" in output
    assert available(retailer, cempro) == 1500
    [second] = [p for p in razorpayx.payouts.values() if p["id"] != "pout_3"]
    assert second["reference_id"] == "saathi-r1-a2"
    event(client, second, "processed")
    assert redemptions()[0].status == Status.COMPLETED
    assert available(retailer, cempro) == 1500
    with unit_of_work() as session:
        assert verify(session, chain=False) == []


def test_reversed_first_then_processed_keeps_the_credits_released(app, twilio, retailer,
                                                                   cempro, razorpayx):
    _redeem(twilio)
    client, payout = app.test_client(), razorpayx.payouts["pout_3"]
    event(client, payout, "reversed")
    event(client, payout, "processed")
    event(client, payout, "reversed")
    assert redemptions()[0].status == Status.REVERSED
    assert available(retailer, cempro) == 2000


def test_polling_finishes_a_payout_when_no_webhook_comes(app, twilio, retailer, cempro,
                                                         razorpayx):
    _redeem(twilio)
    razorpayx.payouts["pout_3"]["status"] = "processed"
    assert sweep() == 1
    assert razorpayx.requests("/v1/payouts/pout_3")[0].headers[HEADER]
    assert redemptions()[0].status == Status.COMPLETED


def test_webhook_with_a_bad_signature_is_refused(app, twilio, retailer, cempro, razorpayx):
    _redeem(twilio)
    response = event(app.test_client(), razorpayx.payouts["pout_3"], "failed", secret="wrong")
    assert response.status_code == 403
    assert redemptions()[0].status == Status.PROCESSING
    assert available(retailer, cempro) == 1500


def test_unreadable_or_unknown_payout_events_are_answered_without_changes(app, razorpayx):
    client = app.test_client()
    body = b'{"event": "payout.processed", "payload": {}}'
    signature = hmac.new(WEBHOOK_SECRET.encode(), body, hashlib.sha256).hexdigest()
    response = client.post("/webhooks/payouts", data=body,
                           headers={"X-Razorpay-Signature": signature})
    assert response.status_code == 400
    stranger = {"id": "pout_x", "reference_id": "someone-else", "amount": 100}
    assert event(client, stranger, "processed").status_code == 200
    assert redemptions() == []
