"""Where no file can be sent or no audio played (SMS, USSD: the channel's traits), the menu
entries that need them say what to do instead, or are not offered; WhatsApp keeps them."""

from __future__ import annotations

import pytest

from tests.i18n.walk import menu_number
from tests.redeem.conftest import RETAILER

INVOICE_ON_WHATSAPP = "send your invoice photo to us on WhatsApp"
TYPE_THE_CODE = "Type the code printed under the QR code"
VOICE = "Voice notes on/off"


def _chat(twilio, channel: str):
    def say(text: str) -> list[str]:
        replies = twilio.chat(RETAILER, text, channel=channel)
        while replies and replies[-1].endswith("Reply MORE for the rest."):
            replies = replies + twilio.chat(RETAILER, "MORE", channel=channel)
        return replies
    return say


@pytest.mark.parametrize("channel", ["whatsapp", "sms"])
def test_each_entry_needing_a_file_or_audio_fits_the_channel(twilio, retailer, channel):
    say = _chat(twilio, channel)
    menu = say("MENU")
    files = channel == "whatsapp"
    assert any(VOICE in r for r in menu) == files
    invoice = say(menu_number(menu, "Upload invoice"))
    assert any(INVOICE_ON_WHATSAPP in r for r in invoice) != files, invoice
    scan = say("MENU") and say(menu_number(menu, "Scan product code"))
    assert any(TYPE_THE_CODE in r for r in scan) != files, scan
    assert any("Send a photo of the QR code" in r for r in scan) == files, scan
    voice = say("MENU") and say("VOICE")
    assert any("cannot be played here" in r for r in voice) != files, voice


def test_on_ussd_the_invoice_and_qr_say_what_to_do_and_voice_notes_are_not_offered(
        gateway, retailer):
    call = gateway.dial(RETAILER)
    pages = [call.last[4:]]
    while call.last.endswith("\n98 More"):
        pages.append(call.press("98")[4:])
    assert not any(VOICE in page for page in pages)
    call.press("00")
    assert INVOICE_ON_WHATSAPP in call.press(menu_number(pages, "Upload invoice"))
    call.press("00")
    assert TYPE_THE_CODE in call.press(menu_number(pages, "Scan product code"))
