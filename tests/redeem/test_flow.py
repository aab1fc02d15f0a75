"""The REDEEM dialogue through the signed Twilio webhook, with the sandbox provider."""

from __future__ import annotations

import logging

from bot.logs import JsonFormatter
from models.db import unit_of_work
from models.partners.partner import Partner, PartnerStatus
from models.redemptions.redemption import Status

from .conftest import (
    RETAILER,
    VPA,
    add_partner,
    available,
    conversation_at,
    last_otp,
    redemptions,
    sent_to,
    start_upi,
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


def test_amount_beyond_the_balance_is_refused_before_the_otp(twilio, retailer, cempro):
    twilio.chat(RETAILER, "REDEEM")
    twilio.chat(RETAILER, "1")
    assert "outside the allowed range" in twilio.chat(RETAILER, "3000")[0]
    assert "not one of the allowed steps" in twilio.chat(RETAILER, "525")[0]
    assert "The most you can redeem now is 2,000 credits." in twilio.chat(RETAILER, "2050")[0]
    assert sent_to(RETAILER, "sms") == []
    assert redemptions() == []


def test_upi_id_must_have_the_name_at_handle_shape(twilio, retailer):
    twilio.chat(RETAILER, "REDEEM")
    twilio.chat(RETAILER, "1")
    twilio.chat(RETAILER, "500")
    assert "does not look like a UPI id" in twilio.chat(RETAILER, "rajesh okhdfc")[0]
    assert "does not look like a UPI id" in twilio.chat(RETAILER, "r" * 60 + "@okhdfc")[0]
    longest = "r" * 50 + "@o" + "k" * 29  # the pattern's longest name and handle: 82
    assert "does not look like a UPI id" in twilio.chat(RETAILER, longest[:81])[0]
    assert "ra****@okicici" in twilio.chat(RETAILER, "rajesh@okicici")[0]


def test_suspended_partner_cannot_redeem(twilio, retailer):
    with unit_of_work() as session:
        session.get(Partner, retailer).status = PartnerStatus.SUSPENDED
    twilio.chat(RETAILER, "REDEEM")
    assert "suspended" in twilio.chat(RETAILER, "1")[0]  # before it asks for an amount
    assert redemptions() == []


def test_three_wrong_codes_lock_redeeming_for_30_minutes(twilio, retailer, cempro, clock):
    start_upi(twilio)
    code = last_otp(RETAILER)
    wrong = "000000" if code != "000000" else "111111"
    assert "Wrong code. 2 tries left." in twilio.chat(RETAILER, wrong)[0]
    assert "Wrong code. 1 try left." in twilio.chat(RETAILER, wrong)[0]
    assert "Too many wrong codes" in twilio.chat(RETAILER, wrong)[0]
    assert [r.status for r in redemptions()] == [Status.CANCELLED]
    assert available(retailer, cempro) == 2000

    assert "Too many wrong codes" in start_upi(twilio)[0]  # still locked: no new code sent
    assert len(sent_to(RETAILER, "sms")) == 1
    clock.advance(minutes=31)
    assert "6-digit code" in start_upi(twilio)[0]
    assert "Processing" in twilio.chat(RETAILER, last_otp(RETAILER))[0]
    assert available(retailer, cempro) == 1500


def test_new_codes_do_not_buy_more_guesses_five_wrong_in_30_minutes_lock(
        twilio, retailer, cempro, clock):
    def wrong() -> str:
        return "000000" if last_otp(RETAILER) != "000000" else "111111"

    start_upi(twilio)
    assert "2 tries left" in twilio.chat(RETAILER, wrong())[0]
    assert "1 try left" in twilio.chat(RETAILER, wrong())[0]
    start_upi(twilio)  # a new redemption, a new code
    assert "2 tries left" in twilio.chat(RETAILER, wrong())[0]
    assert "1 try left" in twilio.chat(RETAILER, wrong())[0]  # 4 wrong in the window
    start_upi(twilio)
    assert "Too many wrong codes" in twilio.chat(RETAILER, wrong())[0]
    assert "Too many wrong codes" in start_upi(twilio)[0]
    assert available(retailer, cempro) == 2000
    clock.advance(minutes=31)
    assert "6-digit code" in start_upi(twilio)[0]
    assert "Processing" in twilio.chat(RETAILER, last_otp(RETAILER))[0]


def test_a_code_older_than_5_minutes_is_refused(twilio, retailer, cempro, clock):
    start_upi(twilio)
    clock.advance(minutes=5, seconds=1)
    assert "expired" in twilio.chat(RETAILER, last_otp(RETAILER))[0]
    assert [r.status for r in redemptions()] == [Status.CANCELLED]
    assert available(retailer, cempro) == 2000


def test_daily_cap_counts_todays_redemptions(twilio, cempro, clock):
    rich = add_partner(cempro, RETAILER, 9000)
    for _ in range(2):
        start_upi(twilio, credits=2500)
        twilio.chat(RETAILER, last_otp(RETAILER))
    twilio.chat(RETAILER, "REDEEM")
    assert "today's redemption limit" in twilio.chat(RETAILER, "1")[0]  # not asked an amount
    clock.advance(hours=15)  # past midnight IST
    assert "6-digit code" in start_upi(twilio, credits=100)[0]
    assert available(rich, cempro) == 4000


def test_over_balance_amount_asks_again_with_the_maximum(twilio, cempro, clock):
    add_partner(cempro, RETAILER, 615)
    twilio.chat(RETAILER, "REDEEM")
    assert "From 100 to 600, in steps of 50." in twilio.chat(RETAILER, "1")[0]
    again = twilio.chat(RETAILER, "2,500")
    assert again == ["That is more than you can redeem now. The most you can redeem now is "
                     "600 credits.", "How many credits? From 100 to 600, in steps of 50."]
    assert "Send your UPI id" in twilio.chat(RETAILER, "600")[0]  # still the amount, not the menu
    assert conversation_at(RETAILER) == ("redeem", "vpa")


def test_over_the_daily_cap_asks_again_with_what_today_leaves(twilio, cempro, clock):
    add_partner(cempro, RETAILER, 9000)
    for _ in range(2):
        start_upi(twilio, credits=2000)
        twilio.chat(RETAILER, last_otp(RETAILER))
    twilio.chat(RETAILER, "REDEEM")
    assert "From 100 to 1,000, in steps of 50." in twilio.chat(RETAILER, "1")[0]
    assert "The most you can redeem now is 1,000 credits." in twilio.chat(RETAILER, "1500")[0]
    assert conversation_at(RETAILER) == ("redeem", "amount")


def test_back_at_the_first_redeem_step_returns_to_the_menu(twilio, retailer):
    assert "What would you like?" in twilio.chat(RETAILER, "REDEEM")[0]
    assert "What would you like to do?" in twilio.chat(RETAILER, "BACK")[0]
    assert conversation_at(RETAILER) == ("menu", "idle")


def test_back_at_the_amount_returns_to_the_choice_of_reward(twilio, retailer):
    twilio.chat(RETAILER, "REDEEM")
    twilio.chat(RETAILER, "1")
    assert "What would you like?" in twilio.chat(RETAILER, "BACK")[0]
    assert "What would you like to do?" in twilio.chat(RETAILER, "BACK")[0]
