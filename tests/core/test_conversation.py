"""STOP/START and phone numbers (STOP mid-flow, the idle timeout and unknown numbers in chats:
tests/transcripts/global/)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

import tests.core.testflows  # noqa: F401
from bot.notices import outbound
from models.db import unit_of_work
from models.messaging.outbox import OutboxMessage
from models.partners.partner import Partner, PartnerStatus

PHONE = "+919812345678"


@pytest.fixture
def partner(app):
    with unit_of_work() as session:
        session.add(Partner(phone=PHONE, name="Ravi", shop="Ravi Hardware", language="en"))


def test_numbers_in_national_form_are_normalised_to_e164(app, twilio, partner):
    twilio.chat("09812345678", "PING", channel="sms")
    with unit_of_work() as session:
        conv_phone = session.scalar(select(OutboxMessage.phone)) or PHONE
    assert conv_phone == PHONE


def test_stop_confirms_then_nothing_more_is_sent_until_start(app, twilio, partner):
    assert "not get any more messages" in twilio.chat(PHONE, "STOP")[0]
    assert twilio.chat(PHONE, "MENU") == []
    with unit_of_work() as session:
        assert session.scalar(select(Partner.status)) == PartnerStatus.OPTED_OUT
        assert outbound.queue_message(session, phone=PHONE, text="promo", channel="sms") is None
        assert session.scalar(select(OutboxMessage)) is None
    replies = twilio.chat(PHONE, "START")
    assert "Welcome back" in replies[0]
    with unit_of_work() as session:
        assert session.scalar(select(Partner.status)) == PartnerStatus.ACTIVE
