"""Africa's Talking's USSD protocol end to end: a session's steps, paging, duplicates, the
network ending a session, a redial resuming, and the gate in front of it all."""

from __future__ import annotations

from sqlalchemy import select

from bot.channels.senders import OutboxOnlySender
from models.db import unit_of_work
from models.messaging.conversation import Conversation
from models.messaging.ussd import UssdSession
from tests.redeem.conftest import RETAILER, add_partner, available, last_otp, redemptions
from tests.ussd.conftest import KEY, PATH


def _conversation(phone: str, channel: str = "ussd") -> tuple[str, str]:
    with unit_of_work() as session:
        conv = session.scalar(select(Conversation).where(Conversation.phone == phone,
                                                         Conversation.channel == channel))
        return conv.flow, conv.state


def test_a_dial_shows_the_menu_and_each_step_answers_the_newest_input(gateway, retailer):
    call = gateway.dial(RETAILER)
    assert call.last.startswith("CON What would you like to do?")
    assert "1. My credits" in call.last
    screen = call.press("1")
    assert screen.startswith("CON ") and "credits: 2,000" in screen
    assert _conversation(RETAILER)[0] == "wallet"


def test_every_screen_fits_and_a_long_reply_is_paged_with_more_and_back(gateway, retailer,
                                                                        app):
    app.config["USSD_SCREEN_CHARS"] = 60
    call = gateway.dial(RETAILER)
    first = call.last
    assert first.endswith("\n98 More") and len(first) - 4 <= 60
    second = call.press("98")
    assert "\n0 Back" in second and second != first
    assert call.press("0") == first  # back to the first page
    for screen in call.screens:
        assert len(screen) - 4 <= 60, screen


def test_an_input_holding_a_star_is_read_whole(gateway, retailer):
    call = gateway.dial(RETAILER)
    call.press("CODE")
    with unit_of_work() as session:
        row = session.scalar(select(UssdSession))
        consumed = row.consumed
    assert consumed == "CODE"
    call.press("12*34")
    with unit_of_work() as session:
        assert session.scalar(select(UssdSession)).consumed == "CODE*12*34"


def test_a_duplicate_delivery_gets_the_same_screen_and_changes_nothing(gateway, retailer):
    call = gateway.dial(RETAILER)
    shown = call.press("1")
    state = _conversation(RETAILER)
    assert call.again() == shown
    assert call.again() == shown
    assert _conversation(RETAILER) == state
    with unit_of_work() as session:
        assert session.scalar(select(UssdSession)).consumed == "1"


def test_a_redial_resumes_where_the_partner_was_and_says_so(gateway, cempro, clock):
    add_partner(cempro, RETAILER, 2000)
    call = gateway.dial(RETAILER)
    call.press("5")  # Redeem credits
    where = _conversation(RETAILER)
    assert where[0] == "redeem"
    gateway.post({"sessionId": call.session_id, "status": "Incomplete"},
                 path=f"{PATH}/end")  # the network dropped the session
    clock.advance(minutes=2)
    again = gateway.dial(RETAILER)
    assert again.last.startswith("CON Welcome back! We carry on where you stopped.")
    assert _conversation(RETAILER) == where
    with unit_of_work() as session:
        ended = session.scalar(select(UssdSession).where(
            UssdSession.session_id == call.session_id))
        assert ended.ended_reason == "Incomplete" and ended.ended_at is not None


def test_past_the_ussd_timeout_a_redial_starts_at_the_menu(gateway, cempro, clock):
    add_partner(cempro, RETAILER, 2000)
    gateway.dial(RETAILER).press("5")
    clock.advance(minutes=11)
    again = gateway.dial(RETAILER)
    assert again.last.startswith("CON Our last conversation timed out")
    assert "What would you like to do?" in again.last
    assert _conversation(RETAILER) == ("menu", "idle")


def test_an_opted_out_partner_can_dial_back_in_with_start(gateway, retailer):
    stopped = "CON You will not get any more messages from us. Send START to come back."
    call = gateway.dial(RETAILER)
    assert call.press("STOP") == stopped
    assert call.press("1").startswith("END ")  # nothing more is said until START
    again = gateway.dial(RETAILER)
    assert again.last == stopped
    assert again.press("START").startswith("CON Welcome back!")
    assert "1. My credits" in again.last


def test_a_wrong_or_missing_key_is_not_found(gateway, retailer, app):
    form = {"sessionId": "ATUid_1", "serviceCode": "*123#", "phoneNumber": RETAILER,
            "networkCode": "40445", "text": ""}
    assert gateway.post(form, path="/webhooks/ussd/africastalking/wrong").status_code == 404
    assert gateway.post(form, path="/webhooks/ussd/africastalking/").status_code == 404
    app.config["USSD_KEY"] = ""
    assert gateway.post(form, path="/webhooks/ussd/africastalking/").status_code == 404
    assert gateway.post(form, path=f"/webhooks/ussd/africastalking/{KEY}").status_code == 404


def test_only_allowed_networks_reach_the_endpoint(gateway, retailer, app):
    form = {"sessionId": "ATUid_2", "serviceCode": "*123#", "phoneNumber": RETAILER,
            "networkCode": "40445", "text": ""}
    app.config["USSD_ALLOWED_NETWORKS"] = ["10.20.0.0/16"]
    assert gateway.post(form).status_code == 404
    allowed = gateway.post(form, environ_base={"REMOTE_ADDR": "10.20.3.4"})
    assert allowed.status_code == 200 and allowed.get_data(as_text=True).startswith("CON ")


def test_malformed_fields_get_a_polite_end_in_the_partners_language(gateway, cempro):
    add_partner(cempro, RETAILER, 0, language="hi")
    good = {"sessionId": "ATUid_3", "serviceCode": "*123#", "phoneNumber": RETAILER,
            "networkCode": "40445", "text": ""}
    bad = [{"sessionId": "x" * 80}, {"sessionId": "a b"}, {"serviceCode": "123"},
           {"serviceCode": "*12#3"}, {"phoneNumber": "12"}, {"phoneNumber": "+91abc"},
           {"networkCode": "Safaricom"}, {"text": "1\x00"}, {"text": "1" * 1001}]
    for change in bad:
        response = gateway.post({**good, **change})
        body = response.get_data(as_text=True)
        assert response.status_code == 200, change
        assert body.startswith("END "), (change, body)
    hindi = gateway.post({**good, "serviceCode": "bad"}).get_data(as_text=True)
    assert hindi != "END Sorry, we could not read that request. Please dial again."
    assert gateway.post({**good, "phoneNumber": "1"}).get_data(as_text=True) == \
        "END Sorry, we could not read that request. Please dial again."


def test_a_text_that_does_not_continue_its_session_is_refused(gateway, retailer):
    call = gateway.dial(RETAILER)
    call.press("1")
    forged = gateway.post(call.form("9*9")).get_data(as_text=True)
    assert forged.startswith("END ")
    assert _conversation(RETAILER)[0] == "wallet"


def test_a_redemption_is_confirmed_with_the_sms_otp_after_a_redial(gateway, retailer, cempro,
                                                                   clock):
    """Reading the SMS closes the USSD dialog on many feature phones: the redial resumes at
    the OTP question, and the code confirms the redemption."""
    call = gateway.dial(RETAILER)
    for key in ("REDEEM", "1", "1", "100", "2", "ramesh.kumar@okhdfc", "1"):
        call.press(key)
    assert _conversation(RETAILER) == ("redeem", "otp")
    gateway.post({"sessionId": call.session_id, "status": "Incomplete"}, path=f"{PATH}/end")
    clock.advance(minutes=1)
    again = gateway.dial(RETAILER)
    assert again.last.startswith("CON Welcome back!")
    again.press(last_otp(RETAILER))
    assert _conversation(RETAILER) == ("menu", "idle")
    assert [r.status for r in redemptions()] != ["awaiting_otp"]
    assert available(retailer, cempro) == 2000 - 100


def test_my_data_sends_its_link_by_sms_and_no_screen_shows_it(gateway, retailer, monkeypatch):
    """A feature phone cannot open a link, and a paged screen is stored without it."""
    texts: list[str] = []
    monkeypatch.setattr(OutboxOnlySender, "send",
                        lambda self, message: texts.append(message.body) or f"OUTBOX{message.id}")
    call = gateway.dial(RETAILER)
    call.press("MYDATA")
    screen = call.press(last_otp(RETAILER))
    assert "We sent the download link by SMS" in screen and "/export/" not in screen
    assert call.again() == screen  # a redelivery: the same screen, no second SMS
    (sms,) = [text for text in texts if "/export/" in text]
    assert sms.startswith("Saathi: download your data within 24 hours: https://")
    assert gateway.client.get(f"/export/{sms.split('/export/', 1)[1]}").status_code == 200
