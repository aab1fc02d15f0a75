"""One partner by Twilio's WhatsApp, Meta's Cloud API and SMS: one partner, one language, one
WhatsApp conversation (and 24-hour window) whichever provider carries it, replies from the
number last written to, and STOP on any channel stopping the others."""

from __future__ import annotations

from sqlalchemy import select

from bot.notices import outbound
from models.db import unit_of_work
from models.messaging.conversation import Conversation
from models.messaging.outbox import OutboxMessage
from models.partners.partner import Partner
from tests.cloud.graphstub import NUMBER_ID

PHONE = "+919812345678"


def _notice(key: str) -> OutboxMessage | None:
    with unit_of_work() as session:
        row = outbound.queue_message(session, phone=PHONE, text="Credits added", key=key)
        return row and (row.channel, row.via)


def test_one_partner_across_twilio_cloud_api_and_sms(app, graph, cloud, twilio, clock):
    with unit_of_work() as session:
        session.add(Partner(phone=PHONE, name="Ravi", language="ta"))
    tamil_menu = twilio.chat(PHONE, "MENU")
    cloud.send(PHONE, "MENU", "c1")
    assert graph.sent[-1][1]["interactive"]["body"]["text"] in tamil_menu[0]
    sms_menu = twilio.chat(PHONE, "MENU", channel="sms")
    # numbered text, in Tamil, on both Twilio channels; SMS pages it at two segments ("MORE")
    [first_page] = sms_menu
    shown, _more = first_page.rsplit("\n", 1)
    assert tamil_menu[0].startswith(shown) and "MORE" in _more

    with unit_of_work() as session:
        convs = {c.channel: c for c in session.scalars(select(Conversation))}
        assert set(convs) == {"whatsapp", "sms"}  # Twilio's and Meta's WhatsApp share one
        assert convs["whatsapp"].via == NUMBER_ID
    assert _notice("n1") == ("whatsapp", NUMBER_ID)  # from the number last written to

    twilio.chat(PHONE, "MENU")
    assert _notice("n2") == ("whatsapp", None)  # now by Twilio

    clock.advance(hours=25)  # the window closed on both providers alike
    cloud.send(PHONE, "MENU", "c2")
    assert _notice("n3") == ("whatsapp", NUMBER_ID)

    twilio.chat(PHONE, "STOP", channel="sms")
    sent = len(graph.sent)
    assert _notice("n4") is None
    assert len(graph.sent) == sent
