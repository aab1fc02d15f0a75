"""A photo that reads nothing tells the partner what to do differently, in their language,
when the picture shows why: the invoice a small part of the frame (come closer), or the
photo too dark (better light). A photo that does not show why keeps the general answer.
Real generated photos, read by the photo job with real OCR."""

from __future__ import annotations

import io
import random

import numpy as np
from PIL import Image, ImageDraw, ImageFont
from sqlalchemy import select

from bot.i18n import translate
from bot.notices.invoices import REJECTIONS
from models.db import unit_of_work
from models.invoices.invoice import Invoice, InvoiceStatus, Reason
from tests.invoice import make
from tests.invoice.conftest import SELLER, outbox_texts, send_file, upload
from workers.ocr import read
from workers.ocr.read import read_rapid

FRAME = (1200, 1600)  # a phone's portrait photo
TABLE = (90, 70, 50)  # a wooden table around the page


def _page(seed: int) -> Image.Image:
    rng = random.Random(seed)
    return make.render(make.truth(rng, seller=SELLER), rng,
                       font=make.font_path("DejaVuSans.ttf"))


def _photo(page: Image.Image, share: float) -> Image.Image:
    """`page` on the table, its width `share` of the frame's."""
    frame = Image.new("RGB", FRAME, TABLE)
    scale = share * FRAME[0] / page.width
    shown = page.resize((round(page.width * scale), round(page.height * scale)),
                        Image.Resampling.LANCZOS)
    frame.paste(shown, ((FRAME[0] - shown.width) // 2, (FRAME[1] - shown.height) // 2))
    return frame


def _jpeg(picture: Image.Image, gain: float = 1.0) -> bytes:
    """The photo as the phone sends it; `gain` below 1: taken in a dim room (darker, with
    the sensor's noise)."""
    pixels = np.asarray(picture, dtype=np.float32) * gain
    if gain < 1.0:
        pixels += np.random.default_rng(7).normal(0, 5, pixels.shape)
    buffer = io.BytesIO()
    Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)).save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def _refused(twilio, partner, photo: bytes, reason: Reason) -> str:
    """Send `photo` from `partner`: the invoice is refused for `reason`, and the partner told
    why in their language (the text returned)."""
    send_file(twilio, partner.phone, upload(photo))
    [text] = outbox_texts(partner.phone)
    with unit_of_work() as session:
        invoice = session.scalar(select(Invoice))
    assert (invoice.status, invoice.reason) == (InvoiceStatus.REJECTED, reason)
    assert text == translate(partner.language, REJECTIONS[reason])
    return text


def test_an_invoice_photographed_from_afar_is_answered_come_closer(twilio, clock,
                                                                    make_partner):
    text = _refused(twilio, make_partner("hi"), _jpeg(_photo(_page(11), share=0.2)),
                    Reason.SMALL_PRINT)
    assert "स्क्रीन" in text  # "... so that the invoice fills the screen"


def test_an_invoice_a_quarter_of_the_frame_wide_is_read_closer(twilio, clock, make_partner,
                                                               monkeypatch):
    """Read on the whole frame, the page gives no field; cut to the text PP-OCR found there
    and magnified (workers.ocr.rapid.closer_cut), it is read, and the partner confirms what
    was read instead of taking the photo again (the time the closer look may take is no part
    of this test: a loaded CI host reads slower)."""
    monkeypatch.setattr(read, "CLOSER_SECONDS", 120.0)
    partner = make_partner("hi")
    truth = make.truth(random.Random(11), seller=SELLER)
    send_file(twilio, partner.phone, upload(_jpeg(_photo(_page(11), share=0.25))))
    with unit_of_work() as session:
        invoice = session.scalar(select(Invoice))
        stored = (invoice.status, invoice.seller_gstin, invoice.number, invoice.read_total_paise)
    assert stored == (InvoiceStatus.CONFIRM, SELLER, truth.number, truth.total_paise)


def test_a_closer_look_is_not_made_when_there_is_no_time_for_it():
    """The closer look takes about as long as a page's reading: a first reading that left no
    time for it (workers.ocr.read.CLOSER_SECONDS) stands."""
    photo = Image.open(io.BytesIO(_jpeg(_photo(_page(11), share=0.25))))
    assert read_rapid(photo, seconds=0)[1].seller_gstin is None
    assert read_rapid(photo, seconds=120)[1].seller_gstin == SELLER


def test_an_invoice_photographed_in_the_dark_is_answered_better_light(twilio, clock,
                                                                      make_partner):
    text = _refused(twilio, make_partner("ta"), _jpeg(_photo(_page(12), share=0.9), gain=0.02),
                    Reason.DARK)
    assert "வெளிச்சத்தில்" in text  # "in better light"


def test_a_dim_photo_whose_print_shows_when_its_light_is_evened_is_credited(twilio, clock,
                                                                           make_partner):
    """At 6 % of the light the page gives detection almost nothing; its light evened out
    (workers.ocr.image.evened) every field reads, and the partner need not take it again."""
    partner = make_partner("ta")
    truth = make.truth(random.Random(12), seller=SELLER)
    send_file(twilio, partner.phone, upload(_jpeg(_photo(_page(12), share=0.9), gain=0.06)))
    with unit_of_work() as session:
        invoice = session.scalar(select(Invoice))
        stored = (invoice.status, invoice.number, invoice.read_total_paise)
    assert stored == (InvoiceStatus.CREDITED, truth.number, truth.total_paise)


def test_a_sharp_well_lit_page_that_is_no_invoice_keeps_the_general_answer(twilio, clock,
                                                                          make_partner):
    """A letter filling the frame, sharp and bright: nothing about the photo to change."""
    partner = make_partner("hi")
    page = Image.new("RGB", (1700, 2200), "white")
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(make.font_path("DejaVuSans.ttf"), 34)
    words = random.Random(3).choices(
        ["please", "deliver", "the", "cement", "bags", "to", "our", "shop", "before", "Monday",
         "and", "call", "when", "the", "truck", "leaves", "thank", "you"], k=400)
    for row in range(36):
        draw.text((90, 90 + row * 56), " ".join(words[row * 11:(row + 1) * 11]), font=font,
                  fill="black")
    _refused(twilio, partner, _jpeg(_photo(page, share=0.95)), Reason.UNREADABLE)
