"""The sandbox provider told to fail, time out or answer late, and the operators' commands."""

from __future__ import annotations

import time

from models.redemptions.redemption import Status
from workers.redemptions import sweep

from .conftest import RETAILER, available, last_otp, redemptions, sent_to, start_upi


def _redeem(twilio, vpa: str, credits: int = 500) -> str:
    start_upi(twilio, credits=credits, vpa=vpa)
    return twilio.chat(RETAILER, last_otp(RETAILER))[0]


def test_sandbox_failure_gives_the_credits_back(twilio, retailer, cempro):
    assert "Processing" in _redeem(twilio, "fail@sandbox")
    [redemption] = redemptions()
    assert redemption.status == Status.FAILED
    assert available(retailer, cempro) == 2000
    assert "fa****@sandbox did not go through" in sent_to(RETAILER, "whatsapp")[-1].body


def test_a_late_sandbox_payout_reaches_the_chat_within_seconds(app, twilio, retailer, cempro):
    app.config.update(PAYOUT_SANDBOX_LATE_SECONDS=0.5, PAYOUT_WAIT_SECONDS=10)
    began = time.monotonic()
    _redeem(twilio, "late@sandbox")
    assert time.monotonic() - began < 8
    assert redemptions()[0].status == Status.COMPLETED
    assert "sent to la****@sandbox" in sent_to(RETAILER, "whatsapp")[-1].body


def test_the_sweep_cancels_redemptions_whose_otp_never_came(twilio, retailer, cempro, clock):
    start_upi(twilio)
    clock.advance(minutes=5)
    sweep()
    assert redemptions()[0].status == Status.AWAITING_OTP
    clock.advance(minutes=6)
    sweep()
    assert redemptions()[0].status == Status.CANCELLED
    assert available(retailer, cempro) == 2000


def test_operator_lists_cancels_and_retries(app, twilio, retailer, cempro):
    runner = app.test_cli_runner()
    app.config["JOB_RETRIES"] = 0
    _redeem(twilio, "timeout@sandbox")  # stuck in flight: the provider never answered
    start_upi(twilio, credits=100)  # waiting for its OTP
    listed = runner.invoke(args=["redemptions", "list", "--status", "processing"]).output
    assert "processing" in listed and "ti****@sandbox" in listed and "awaiting" not in listed
    too_late = runner.invoke(args=["redemptions", "cancel", "1", "--reason", "partner asked"])
    assert too_late.exit_code != 0 and "cannot do that" in too_late.output
    cancelled = runner.invoke(args=["redemptions", "cancel", "2", "--reason", "partner asked"])
    assert cancelled.output.strip() == "2 cancelled"

    app.config["PAYOUT_SANDBOX_MODE"] = "fail"
    twilio.chat(RETAILER, "REDEEM")
    twilio.chat(RETAILER, "1")
    assert "ti****@sandbox" in twilio.chat(RETAILER, "300")[0]
    twilio.chat(RETAILER, "2")  # change the UPI id
    assert "ra****@okhdfc" in twilio.chat(RETAILER, "rajesh@okhdfc")[0]
    twilio.chat(RETAILER, "1")
    twilio.chat(RETAILER, last_otp(RETAILER))
    assert redemptions()[2].status == Status.FAILED and available(retailer, cempro) == 1500
    app.config["PAYOUT_SANDBOX_MODE"] = "ok"
    retried = runner.invoke(args=["redemptions", "retry", "3", "--reason", "provider back"])
    assert "processing attempt 2" in retried.output
    third = redemptions()[2]
    assert third.status == Status.COMPLETED and third.reference == "saathi-r3-a2"
    assert available(retailer, cempro) == 1200
    again = runner.invoke(args=["redemptions", "retry", "3", "--reason", "partner asked"])
    assert again.exit_code != 0 and "is completed" in again.output
