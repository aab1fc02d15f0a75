"""Messages survive the trip through the inbox's JSON columns unchanged: a redelivered webhook
is answered from the stored replies, and workers rebuild the stored message."""

from __future__ import annotations

import json

from bot.messages import InboundMessage, Location, Media, Option, Reply


def _through_json(data: dict) -> dict:
    return json.loads(json.dumps(data))


def test_an_inbound_message_with_media_and_location_round_trips():
    message = InboundMessage(
        channel="whatsapp", sender="+919812345678", text="bill",
        provider_id="SM" + "1" * 32,
        media=(Media("https://api.twilio.com/m/1", "image/jpeg"),
               Media("https://api.twilio.com/m/2", "application/pdf")),
        location=Location(19.076, 72.8777), profile_name="Ravi", button_text="Upload")
    assert InboundMessage.from_dict(_through_json(message.to_dict())) == message


def test_a_plain_text_message_round_trips():
    message = InboundMessage(channel="sms", sender="+919812345678", text="MENU",
                             provider_id="SM" + "2" * 32)
    assert InboundMessage.from_dict(_through_json(message.to_dict())) == message


def test_a_reply_with_options_media_and_extra_round_trips_without_sharing_state():
    extra = {"template": "invite", "variables": {"1": "Asha"}}
    reply = Reply("Choose", options=(Option("1", "My credits"), Option("2", "Redeem")),
                  media_url="https://saathi.test/qr.png", extra=extra)
    stored = reply.to_dict()
    extra["variables"]["1"] = "changed later"
    assert Reply.from_dict(_through_json(stored)) == Reply(
        "Choose", options=(Option("1", "My credits"), Option("2", "Redeem")),
        media_url="https://saathi.test/qr.png",
        extra={"template": "invite", "variables": {"1": "Asha"}})
