"""A UPI redemption through the signed Twilio webhook, with the sandbox provider, and what the
logs keep of it (the rest of the REDEEM dialogue: tests/transcripts/redeem/)."""

from __future__ import annotations

import logging

from bot.logs import JsonFormatter
from models.redemptions.redemption import Status

from .conftest import (
    RETAILER,
    VPA,
    available,
    last_otp,
    redemptions,
    sent_to,
)


def test_upi_redemption_from_menu_to_paid_message(twilio, retailer, cempro, clock, caplog):
    caplog.set_level(logging.DEBUG)
    menu = twilio.chat(RETAILER, "REDEEM")
    assert "You have 2,000 credits" in menu[0]
    assert "UPI cashback: 100–2,500 credits" in menu[0]
    assert "Shop signage" not in menu[0]  # for Specialist and Master only
    assert "How many credits? From 100 to 2,000, in steps of 50." in twilio.chat(RETAILER, "1")[0]
    assert "UPI id" in twilio.chat(RETAILER, "500")[0]
    summary = twilio.chat(RETAILER, VPA)[0]
    assert "500 credits = ₹1,000 to ra****@okhdfc. Confirm?" in summary
    asked = twilio.chat(RETAILER, "1")[0]
    assert "ending 0001" in asked
    sms = sent_to(RETAILER, "sms")
    assert len(sms) == 1 and "valid for 5 minutes" in sms[0].body
    assert available(retailer, cempro) == 2000  # nothing held before the OTP

    code = last_otp(RETAILER)
    done = twilio.chat(RETAILER, code)[0]
    assert "Processing ₹1,000" in done
    [redemption] = redemptions()
    assert redemption.status == Status.COMPLETED and redemption.payout_status == "processed"
    assert available(retailer, cempro) == 1500
    result = sent_to(RETAILER, "whatsapp")[-1].body
    assert "₹1,000 sent to ra****@okhdfc. 500 credits redeemed." in result
    everything = " ".join([summary, asked, done, result])
    assert "rajesh.kumar" not in everything
    logged = "\n".join(JsonFormatter().format(r) for r in caplog.records)
    assert "ra****@okhdfc" in logged
    assert "rajesh.kumar" not in logged and code not in logged
