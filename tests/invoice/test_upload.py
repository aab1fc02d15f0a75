"""Invoice uploads through the signed Twilio webhook: acknowledgement, checks, credit message."""

from __future__ import annotations

import random

from rq import SimpleWorker
from sqlalchemy import func, select

from bot import jobs
from bot.jobs import rq_queue as job_queue
from models.db import unit_of_work
from models.invoices.invoice import Invoice, InvoiceStatus
from models.ledger.operations import wallet_balance
from tests.invoice import make
from tests.invoice.conftest import einvoice_photo, outbox_texts, send_file, upload
from workers import job_sweep

ACK = "Received, reading it now…"


def invoice_count() -> int:
    with unit_of_work() as session:
        return session.scalar(select(func.count()).select_from(Invoice))


def test_einvoice_photo_at_the_menu_is_acknowledged_then_credited_with_balance(
        twilio, clock, make_partner, program):
    partner = make_partner()
    data, truth = einvoice_photo(seed=1, total_paise=2_36_000_00)
    assert send_file(twilio, partner.phone, upload(data)) == [ACK]
    [text] = outbox_texts(partner.phone)
    total = "₹2,36,000"
    # ₹2,36,000 on the "*" rule (1 credit per ₹2,000) less items in OPC/PPC at 1 per ₹1,000
    with unit_of_work() as session:
        invoice = session.scalar(select(Invoice))
        assert invoice.status == InvoiceStatus.CREDITED and invoice.source == "einvoice-qr"
        credits = invoice.credits
        assert wallet_balance(session, partner.id, program.id).balance == credits > 0
    assert text == (f"Invoice {truth.number}, seller GSTIN {truth.seller_gstin}, date "
                    f"{truth.day:%d-%m-%Y}, total {total}: +{credits} credits. "
                    f"New balance: {credits}.")


def test_with_redis_down_the_photo_waits_in_the_database_then_the_sweep_reads_it(
        twilio, clock, make_partner, program, app, redis_url):
    """The job is recorded with the message: an enqueue that fails loses nothing, and the job
    sweep sends it once Redis answers again."""
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"  # nothing listens there
    partner = make_partner()
    data, truth = einvoice_photo(seed=2, total_paise=1_18_000_00)
    assert send_file(twilio, partner.phone, upload(data)) == [ACK]
    assert invoice_count() == 0 and outbox_texts(partner.phone) == []
    app.config["REDIS_URL"] = redis_url  # Redis is back
    job_queue.init_app(app)
    clock.advance(minutes=2)
    try:
        assert job_sweep.sweep() == 1
        SimpleWorker([jobs.queue()], connection=jobs.redis_connection()).work(burst=True)
    finally:
        jobs.queue().empty()
    with unit_of_work() as session:
        invoice = session.scalar(select(Invoice))
        assert invoice.status == InvoiceStatus.CREDITED and invoice.number == truth.number
    [text] = outbox_texts(partner.phone)
    assert f"+{invoice.credits} credits" in text


def test_upload_invoice_from_the_menu_asks_for_the_photo_first(twilio, clock, make_partner,
                                                               program):
    partner = make_partner()
    replies = twilio.chat(partner.phone, "menu")
    number = next(line.split(".")[0] for line in replies[0].splitlines()
                  if "Upload invoice" in line)
    assert twilio.chat(partner.phone, number) == [
        "Send a photo (JPG or PNG) or a PDF of your invoice."]
    assert twilio.chat(partner.phone, "hello") == [
        "Please send the invoice as a photo or a PDF.",
        "Send a photo (JPG or PNG) or a PDF of your invoice."]
    data, _truth = einvoice_photo(seed=2, total_paise=1_00_000_00)
    assert send_file(twilio, partner.phone, upload(data, ".png"), "image/png") == [ACK]
    assert "credits. New balance:" in outbox_texts(partner.phone)[0]


def test_stickers_video_and_cards_get_a_clear_reply_and_nothing_else_happens(
        twilio, clock, make_partner):
    partner = make_partner()
    url = upload(b"RIFF....WEBPVP8 not an invoice", ".bin")
    # (a voice note opens a support ticket instead: tests/admin/test_support.py)
    for content_type in ("image/webp", "video/mp4", "text/vcard"):
        assert send_file(twilio, partner.phone, url, content_type) == [
            "I can only read invoice photos (JPG, PNG) or PDF files. Please send one of those."]
    assert outbox_texts(partner.phone) == [] and invoice_count() == 0


def test_a_broken_jpeg_is_answered_and_not_recorded(twilio, clock, make_partner):
    partner = make_partner()
    assert send_file(twilio, partner.phone, upload(b"\xff\xd8\xff broken", ".jpg")) == [ACK]
    assert outbox_texts(partner.phone) == [
        "I could not open that file. Send a JPG or PNG photo, or a PDF, of at most 10 MB."]
    assert invoice_count() == 0


def test_an_einvoice_pdf_is_read_from_its_first_page(twilio, clock, make_partner, program):
    partner = make_partner()
    _data, truth = einvoice_photo(seed=3)
    pdf = make.to_bytes(make.render(truth, random.Random(3), qr_text=make.einvoice_jwt(truth)),
                        "PDF")
    assert send_file(twilio, partner.phone, upload(pdf, ".pdf"), "application/pdf") == [ACK]
    assert f"Invoice {truth.number}" in outbox_texts(partner.phone)[0]
    with unit_of_work() as session:
        assert session.scalar(select(Invoice.media_url)).endswith(".pdf")


def test_a_retried_job_neither_credits_nor_messages_twice(twilio, clock, make_partner, app):
    partner = make_partner()
    data, _truth = einvoice_photo(seed=4)
    url = upload(data)
    send_file(twilio, partner.phone, url, "image/jpeg")
    with unit_of_work() as session:
        key = session.scalar(select(Invoice.upload_key))
    jobs.run_in_process(app, "workers.photos.read_photo", (partner.id, "whatsapp", url, key))
    assert len(outbox_texts(partner.phone)) == 1 and invoice_count() == 1
