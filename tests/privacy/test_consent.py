"""Notice and consent: joining shows the notice (a link on WhatsApp, the short form on SMS and
USSD) and logs the yes with channel and message id; a new notice version is asked again at
the next message; LEAVE and STOP <code> withdraw in one message, logged."""

from __future__ import annotations

import pytest

from tests.conftest import TwilioClient, message_sid
from tests.privacy.helpers import (
    PHONE,
    add_partner,
    consent_log,
    load_cempro,
    membership_status,
    raise_notice,
)
from tests.ussd.conftest import KEY, Gateway

SUMMARY_EN = "Shakti & your distributor see your name, shop, bills. Help: 1800-200-3000"


@pytest.fixture
def twilio(lite) -> TwilioClient:
    load_cempro()
    return TwilioClient(lite.test_client())


def test_joining_on_whatsapp_links_the_notice_and_logs_the_yes(twilio):
    partner_id = add_partner(member=False)
    (_welcome, question) = twilio.chat(PHONE, "JOIN CEMPRO")
    assert "https://saathi.test/privacy/CEMPRO/en" in question
    sid = message_sid("yes")
    twilio.chat(PHONE, "1", sid=sid)
    assert consent_log(partner_id) == [("given", 1, "whatsapp", sid)]
    assert membership_status(partner_id) == "active"


def test_joining_by_sms_shows_the_short_form_and_logs_the_yes(twilio):
    partner_id = add_partner(member=False)
    (reply,) = twilio.chat(PHONE, "JOIN CEMPRO", channel="sms")
    assert SUMMARY_EN in reply and "privacy/" not in reply
    sid = message_sid("sms-yes")
    twilio.chat(PHONE, "1", channel="sms", sid=sid)
    assert consent_log(partner_id) == [("given", 1, "sms", sid)]


def test_a_new_notice_version_is_asked_at_the_next_message_then_not_again(twilio):
    partner_id = add_partner()
    assert "What would you like" in twilio.chat(PHONE, "MENU")[0]
    raise_notice(2)
    (asked,) = twilio.chat(PHONE, "BAL")
    assert "changed how it uses your data" in asked and "/privacy/CEMPRO/en" in asked
    twilio.chat(PHONE, "1")
    assert [row[:3] for row in consent_log(partner_id)] == [("given", 2, "whatsapp")]
    assert "What would you like" in twilio.chat(PHONE, "MENU")[0]


def test_a_new_notice_on_ussd_is_the_first_screen_and_the_yes_is_logged(lite):
    load_cempro()
    lite.config["USSD_KEY"] = KEY
    partner_id = add_partner()
    raise_notice(3)
    dial = Gateway(lite.test_client()).dial(PHONE)
    assert "New notice: " + SUMMARY_EN in dial.last and len(dial.last) <= 164
    dial.press("1")
    assert [row[:3] for row in consent_log(partner_id)] == [("given", 3, "ussd")]


def test_saying_no_to_a_new_notice_withdraws_consent(twilio):
    partner_id = add_partner()
    raise_notice(2)
    twilio.chat(PHONE, "hi")
    (left, *_) = twilio.chat(PHONE, "2")
    assert "withdrew your consent" in left
    assert membership_status(partner_id) == "withdrawn"
    assert [row[0] for row in consent_log(partner_id)] == ["withdrawn"]


@pytest.mark.parametrize(("channel", "text"), [("sms", "सहमति वापस"), ("whatsapp", "STOP CEMPRO"),
                                               ("sms", "leave")])
def test_withdrawing_is_one_message_and_logged(twilio, channel, text):
    partner_id = add_partner()
    sid = message_sid(text)
    (reply,) = twilio.chat(PHONE, text, channel=channel, sid=sid)[:1]
    assert "JOIN CEMPRO" in reply
    assert consent_log(partner_id) == [("withdrawn", 1, channel, sid)]
    assert membership_status(partner_id) == "withdrawn"
    assert "You will not get" not in reply  # STOP <code> leaves a program, not every message


def test_the_public_notice_page_speaks_the_partner_language(twilio):
    page = twilio.client.get("/privacy/CEMPRO/hi").get_data(as_text=True)
    assert "शिकायत: 1800-200-3000" in page and 'lang="hi"' in page
    assert twilio.client.get("/privacy/NOPE/hi").status_code == 404
