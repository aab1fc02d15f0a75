"""Duplicates are decided by (seller GSTIN, invoice number); the photo's perceptual hash only
catches the same photo sent again, and a photo where nothing was read is unreadable."""

from __future__ import annotations

import random
from datetime import date

import imagehash
from PIL import Image, ImageFilter
from sqlalchemy import select

from models.db import unit_of_work
from models.invoices.invoice import Invoice, InvoiceStatus, Reason, image_hash
from models.invoices.read import InvoiceRead
from tests.invoice import make
from tests.invoice.conftest import SELLER, outbox_texts, send_file, submit_read, upload

TEMPLATE_SEED = 100  # font, size and layout: one seller's invoice template
ITEMS_SEED = 1  # the same goods on both (their photos then differ by 8 bits of 256)


def from_template(number: str, total_paise: int) -> tuple[Image.Image, make.Truth]:
    """A printed Sai Traders invoice (no e-invoice QR) on the one template all of this
    seller's invoices share."""
    truth = make.truth(random.Random(ITEMS_SEED), seller=SELLER, number=number,
                       total_paise=total_paise)
    page = make.render(truth, random.Random(TEMPLATE_SEED), font=make.font_path("DejaVuSans.ttf"))
    return page, truth


def distance(a: Image.Image, b: Image.Image) -> int:
    return imagehash.hex_to_hash(image_hash(a)) - imagehash.hex_to_hash(image_hash(b))


def test_two_invoices_from_one_template_both_earn_though_their_photos_look_alike(
        app, twilio, clock, make_partner):
    first_page, first = from_template("ST/2026/00417", 71_040_00)
    second_page, second = from_template("ST/2026/00452", 51_584_00)
    assert distance(first_page, second_page) <= app.config["INVOICE_IMAGE_DISTANCE"]
    buyer, other_buyer = make_partner(), make_partner()
    send_file(twilio, buyer.phone, upload(make.to_bytes(first_page)))
    send_file(twilio, other_buyer.phone, upload(make.to_bytes(second_page)))
    for phone, truth in ((buyer.phone, first), (other_buyer.phone, second)):
        [text] = outbox_texts(phone)
        assert text.startswith(f"Invoice {truth.number}, seller GSTIN {SELLER}")
        assert "credits. New balance:" in text
    with unit_of_work() as session:
        statuses = session.scalars(select(Invoice.status).order_by(Invoice.id)).all()
    assert statuses == [InvoiceStatus.CREDITED, InvoiceStatus.CREDITED]


def test_a_blurry_photo_where_nothing_was_read_is_unreadable_not_a_duplicate(
        app, twilio, clock, make_partner):
    sharp, _first = from_template("ST/2026/00417", 71_040_00)
    other, _second = from_template("ST/2026/00452", 51_584_00)
    blurred = other.filter(ImageFilter.GaussianBlur(9))
    assert distance(sharp, blurred) <= app.config["INVOICE_IMAGE_DISTANCE"]
    partner = make_partner()
    send_file(twilio, partner.phone, upload(make.to_bytes(sharp)))
    send_file(twilio, partner.phone, upload(make.to_bytes(blurred)))
    assert outbox_texts(partner.phone)[1] == (  # unreadable, and why: not a duplicate
        "This photo is too dark or blurred to read. Take it again in better light, holding "
        "the phone still.")


def _read(number: str, total_paise: int | None, *, number_conf: float = 0.95,
          total_conf: float = 0.95) -> InvoiceRead:
    read = InvoiceRead(source="ocr")
    read.set("seller_gstin", SELLER, 0.95)
    read.set("invoice_number", number, number_conf)
    read.set("invoice_date", date(2026, 3, 2), 0.95)
    read.set("total_paise", total_paise, total_conf)
    return read


def test_the_same_photo_sent_again_with_its_number_misread_is_refused_by_its_image(
        app, clock, make_partner):
    partner, other = make_partner(), make_partner()
    first = submit_read(partner, _read("ST/2026/00417", 71_040_00), image="8" * 64)
    again = submit_read(other, _read("ST/2026/00411", 71_040_00, number_conf=0.6),
                        image="8" * 63 + "9")
    assert first.status == InvoiceStatus.CREDITED
    assert (again.status, again.reason) == (InvoiceStatus.REJECTED, Reason.DUPLICATE_IMAGE)


def test_a_look_alike_photo_whose_surely_read_fields_differ_is_not_a_duplicate(
        app, clock, make_partner):
    partner = make_partner()
    submit_read(partner, _read("ST/2026/00417", 71_040_00), image="8" * 64)
    same_total = submit_read(partner, _read("ST/2026/00418", 71_040_00), image="8" * 64)
    other_total = submit_read(partner, _read("ST/2026/00419", 51_584_00, number_conf=0.6),
                              image="8" * 64)
    assert same_total.status == InvoiceStatus.CREDITED  # its number was read surely
    assert other_total.status != InvoiceStatus.REJECTED  # its total tells it apart
