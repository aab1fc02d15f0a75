"""What the photo job makes of other pictures: a printed invoice read by Tesseract, a photo
that is no invoice, and a product QR code (handed to the SCAN area)."""

from __future__ import annotations

import io
import random
from datetime import timedelta

from PIL import Image, ImageDraw
from sqlalchemy import select

from models.codes import tables as qr
from models.codes.format import group
from models.db import unit_of_work
from models.invoices.invoice import Invoice, InvoiceStatus
from tests.invoice import make
from tests.invoice.conftest import SELLER, outbox_texts, send_file, upload
from tests.scan.photos import photo


def test_printed_invoice_without_qr_is_read_by_tesseract_and_credited(twilio, clock,
                                                                       make_partner):
    partner = make_partner()
    rng = random.Random(31)
    truth = make.truth(rng, seller=SELLER, number="INV-20417")
    page = make.render(truth, rng, hindi=True, font=make.font_path("DejaVuSans.ttf"))
    assert send_file(twilio, partner.phone, upload(make.to_bytes(page))) == [
        "Received, reading it now…"]
    [text] = outbox_texts(partner.phone)
    with unit_of_work() as session:
        invoice = session.scalar(select(Invoice))
    assert (invoice.source, invoice.status, invoice.number, invoice.total_paise) == \
        ("ocr", InvoiceStatus.CREDITED, truth.number, truth.total_paise)
    assert text.endswith(f"+{invoice.credits} credits. New balance: {invoice.credits}.")


def test_a_photo_that_is_no_invoice_is_answered_and_earns_nothing(twilio, clock, make_partner):
    partner = make_partner()
    picture = Image.new("RGB", (800, 600), (90, 140, 200))  # sky, a field and a sun
    draw = ImageDraw.Draw(picture)
    draw.rectangle((0, 380, 800, 600), fill=(60, 150, 60))
    draw.ellipse((560, 60, 680, 180), fill=(250, 220, 80))
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG")
    send_file(twilio, partner.phone, upload(buffer.getvalue()))
    assert outbox_texts(partner.phone) == [
        "I could not read an invoice in this photo. Send a sharp photo of the whole invoice, "
        "or a PDF."]


def test_a_product_qr_photo_at_the_menu_is_scanned_not_read_as_an_invoice(
        db, twilio, clock, make_partner, program):
    partner = make_partner()
    batch = qr.create_batch(db, program=program, name="B1", count=2, credits=5)
    code = group(next(qr.batch_codes(batch))[1])
    db.commit()
    send_file(twilio, partner.phone, upload(photo([code], "blur", seed=1)))
    assert outbox_texts(partner.phone) == [f"Code {code}: 5 credits added. New balance: 5."]
    with unit_of_work() as session:
        assert session.scalar(select(Invoice)) is None


def test_a_photo_whose_reading_fails_every_time_is_asked_for_again(twilio, clock, make_partner,
                                                                  monkeypatch, caplog):
    """A fault of ours (Tesseract 5.3.0's crash was one) failed every attempt: the partner was
    left at "reading it now". After the last attempt they are asked to send it again, once."""
    from models.jobs.records import JobRecord, JobStatus
    from workers import photos

    def broken(*_args, **_kwargs):
        raise RuntimeError("the reader broke")

    monkeypatch.setattr(photos, "read_invoice", broken)
    partner = make_partner()
    assert send_file(twilio, partner.phone, upload(_printed_invoice())) == [
        "Received, reading it now…"]
    assert outbox_texts(partner.phone) == [
        "I could not read an invoice in this photo. Send a sharp photo of the whole invoice, "
        "or a PDF."]
    with unit_of_work() as session:
        record = session.scalar(select(JobRecord))
        assert (record.status, record.attempts) == (JobStatus.FAILED, 4)
        assert session.scalar(select(Invoice)) is None
    assert any(r.message == "upload given up" for r in caplog.records)


def test_a_run_that_lost_its_job_does_not_give_it_up(twilio, clock, make_partner, monkeypatch):
    """The last attempt's lease lapsed (its database stalled) and another run took the job over:
    that run may still read the photo, so the partner is not asked to send it again."""
    from sqlalchemy import update

    from models.base import utcnow
    from models.jobs.records import JobRecord, JobStatus
    from workers import photos

    def taken_over_then_broken(*_args, **_kwargs):
        with unit_of_work() as session:
            record = session.scalar(select(JobRecord))
            if record.attempts == 4:  # the last attempt: another run takes the job over
                session.execute(update(JobRecord).values(runner="another-run",
                                                         lease_until=utcnow() + timedelta(hours=1)))
        raise RuntimeError("the reader broke")

    monkeypatch.setattr(photos, "read_invoice", taken_over_then_broken)
    partner = make_partner()
    send_file(twilio, partner.phone, upload(_printed_invoice()))
    assert outbox_texts(partner.phone) == []
    with unit_of_work() as session:
        record = session.scalar(select(JobRecord))
        assert (record.status, record.runner) == (JobStatus.RUNNING, "another-run")


def _printed_invoice() -> bytes:
    rng = random.Random(31)
    page = make.render(make.truth(rng, seller=SELLER), rng, font=make.font_path("DejaVuSans.ttf"))
    return make.to_bytes(page)
