"""Invoice PDFs with a text layer (billing software's) are read from that text, without OCR,
their total checked as OCR's is; a scanned PDF, or one whose text is garbage or gives no total,
is still OCR'd; a PDF we cannot open gets the answer it got before."""

from __future__ import annotations

import random
import subprocess

import numpy as np
import pytesseract
import pytest
from sqlalchemy import select

from models.db import unit_of_work
from models.invoices.invoice import Invoice, InvoiceStatus
from models.invoices.read import InvoiceRead
from tests.invoice import make, pdfs
from tests.invoice.conftest import SELLER, outbox_texts, send_file, upload
from workers.ocr import image, pdftext, rapid, read, tesseract, total

UNUSABLE = "I could not open that file. Send a JPG or PNG photo, or a PDF, of at most 10 MB."


@pytest.fixture
def no_ocr(monkeypatch):
    def refuse(*_args, **_kwargs):
        raise AssertionError("OCR ran on a PDF with a text layer")

    for module, name in ((read, "scan"), (rapid, "read_page"), (tesseract, "read_lines")):
        monkeypatch.setattr(module, name, refuse)


@pytest.fixture
def ocr_stub(monkeypatch) -> list:
    """OCR replaced by a reading of its own (source "ocr"): the pictures it was asked for."""
    asked: list = []

    def scan(picture, mode=read.DEFAULT):
        asked.append(picture)
        return InvoiceRead(total_paise=1, source="ocr")

    monkeypatch.setattr(read, "scan", scan)
    return asked


def page(*texts: str) -> bytes:
    """A PDF of these lines of text, one under the other."""
    return pdfs.write("".join(f"BT /F1 11 Tf 50 {780 - 20 * n} Td ({text}) Tj ET\n"
                              for n, text in enumerate(texts)))


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_a_text_pdf_is_read_exactly_from_its_text_without_ocr(no_ocr, seed):
    rng = random.Random(seed)
    truth = make.truth(rng)
    found = read.read_file(pdfs.invoice(truth, rng))
    assert (found.seller_gstin, found.buyer_gstin, found.invoice_number, found.invoice_date,
            found.total_paise) == (truth.seller_gstin, truth.buyer_gstin, truth.number,
                                   truth.day, truth.total_paise)
    assert [(i.name, i.quantity, i.amount_paise) for i in found.items] == truth.items
    assert found.source == "pdf"
    # sure because the tax arithmetic adds up to it, as on a photo
    assert found.confidence["total_paise"] == total.SURE


def test_a_pdf_total_that_nothing_on_the_page_vouches_for_is_not_sure(no_ocr):
    """Text is what the document says, but a total the page's words or arithmetic do not
    back is confirmed by the partner as on a photo (an invoice made up in a text editor)."""
    found = read.read_file(page("Sai Traders & Co.", "GSTIN: 27AAACS1234P1Z7",
                                "Invoice No: SI-00417", "Date: 02/03/2026",
                                "Grand Total: Rs. 1,18,000.00"))
    assert (found.total_paise, found.invoice_number, found.source) == (1_18_000_00, "SI-00417",
                                                                       "pdf")
    assert found.confidence["invoice_number"] == 1.0
    assert found.confidence["total_paise"] < read.SURE_ENOUGH


def test_the_words_are_boxed_where_the_rendered_page_shows_them():
    truth = make.truth(random.Random(7))
    data = pdfs.invoice(truth)
    picture = image.open_upload(data)
    lines = pdftext.page_lines(data, picture.size)
    ink = np.argwhere(np.asarray(picture.convert("L")) < 128)
    (top, left), (bottom, right) = ink.min(axis=0), ink.max(axis=0)
    boxes = np.array([line.box for line in lines])
    assert abs(boxes[:, 0].min() - left) <= 3 and abs(boxes[:, 2].max() - right) <= 3
    assert abs(boxes[:, 1].min() - top) <= 12 and abs(boxes[:, 3].max() - bottom) <= 12
    [total_line] = [line for line in lines if make.indian(truth.total_paise) in line.text]
    x0, y0, x1, y1 = total_line.box
    assert (np.asarray(picture.convert("L"))[y0:y1, x0:x1] < 128).any()
    assert all(w.conf == 1.0 and w.box is not None for line in lines for w in line.words)


def test_a_scanned_pdf_is_read_by_ocr():
    rng = random.Random(11)
    truth = make.truth(rng)
    data = make.to_bytes(make.render(truth, rng), "PDF")  # an image, no text layer
    assert pdftext.page_lines(data, image.open_upload(data).size) == []
    found = read.read_file(data)
    assert found.source == "ocr" and found.total_paise == truth.total_paise


def test_a_pdf_whose_text_gives_no_total_is_ocred(ocr_stub):
    data = page("Delivery Challan", "Sai Traders & Co.", "Goods sent on approval", "No sale")
    found = read.read_file(data)
    assert len(ocr_stub) == 1 and ocr_stub[0].size == image.open_upload(data).size
    assert (found.source, found.total_paise) == ("ocr", 1)


def test_a_pdf_whose_text_only_guesses_a_total_is_ocred(ocr_stub):
    # no total label in the text: its lone last figure would be a guess (total._label_lost)
    data = page("Sai Traders & Co.", "OPC Cement 10 Bags 380.00 3,800.00",
                "PPC Cement 5 Bags 360.00 1,800.00", "5,600.00")
    found = read.read_file(data)
    assert len(ocr_stub) == 1 and (found.source, found.total_paise) == ("ocr", 1)


def test_a_text_layer_of_garbage_is_not_read_and_the_page_is_ocred(ocr_stub):
    """A font without a true character map: the page prints the invoice, its text is
    private-use characters."""
    data = pdfs.garbled(make.truth(random.Random(5)))
    picture = image.open_upload(data)
    assert pdftext.page_lines(data, picture.size) == []
    assert read.read_file(data).source == "ocr" and len(ocr_stub) == 1


def test_a_scan_under_a_scanner_apps_own_ocr_text_is_read_by_our_ocr(ocr_stub, tmp_path):
    """A scanner app's PDF: the photo, and its OCR's guesses as an invisible text layer
    (Tesseract's here), which is no more the document's own text than our OCR's reading."""
    rng = random.Random(15)
    truth = make.truth(rng)
    data = pytesseract.image_to_pdf_or_hocr(make.render(truth, rng), lang="eng",
                                            extension="pdf")
    picture = image.open_upload(data)
    (tmp_path / "scan.pdf").write_bytes(data)
    layer = subprocess.run(["pdftotext", str(tmp_path / "scan.pdf"), "-"], check=True,
                           capture_output=True, text=True).stdout
    assert "TAX INVOICE" in layer  # the scan has a text layer
    assert pdftext.page_lines(data, picture.size) == []
    assert read.read_file(data).source == "ocr" and len(ocr_stub) == 1


@pytest.mark.parametrize("data", [pdfs.locked(), pdfs.write("", pages=0), b"%PDF-1.4\nbroken",
                                  pdfs.invoice(make.truth(random.Random(2)))[:900]],
                         ids=["encrypted", "no-pages", "broken", "truncated"])
def test_a_pdf_that_cannot_be_opened_is_not_an_image(ocr_stub, data):
    assert pdftext.page_lines(data, (1800, 2546)) == []
    with pytest.raises(image.NotAnImage):
        read.read_file(data)
    assert ocr_stub == []


def test_an_einvoice_text_pdf_is_read_from_its_signed_qr(no_ocr):
    rng = random.Random(12)
    truth = make.truth(rng)
    data = pdfs.invoice(truth, rng, qr_text=make.einvoice_jwt(truth))
    found = read.read_file(data, keys=[make.irp_key().public_key()])
    assert (found.source, found.invoice_number, found.total_paise) == (
        "einvoice-qr", truth.number, truth.total_paise)


def test_an_unverified_qr_on_a_text_pdf_is_weighed_against_its_text(no_ocr):
    rng = random.Random(13)
    truth = make.truth(rng)
    forged = make.einvoice_jwt(truth, key=make.seeded_rsa_key(99), TotInvVal=9_99_999.0)
    found = read.read_file(pdfs.invoice(truth, rng, qr_text=forged),
                           keys=[make.irp_key().public_key()])
    assert found.source == "qr-unverified+pdf"
    assert (found.invoice_number, found.total_paise) == (truth.number, truth.total_paise)
    assert found.confidence["total_paise"] < read.SURE_ENOUGH  # the QR disputes it


def test_a_text_pdf_sent_on_whatsapp_is_credited_without_ocr(twilio, clock, make_partner,
                                                            program, no_ocr):
    partner = make_partner()
    rng = random.Random(14)
    truth = make.truth(rng, seller=SELLER)
    send_file(twilio, partner.phone, upload(pdfs.invoice(truth, rng), ".pdf"), "application/pdf")
    assert f"Invoice {truth.number}" in outbox_texts(partner.phone)[0]
    with unit_of_work() as session:
        invoice = session.scalar(select(Invoice))
        assert (invoice.status, invoice.source) == (InvoiceStatus.CREDITED, "pdf")
        assert invoice.media_url.endswith(".pdf")


def test_an_encrypted_pdf_sent_on_whatsapp_is_answered_and_not_recorded(twilio, clock,
                                                                       make_partner, ocr_stub):
    partner = make_partner()
    send_file(twilio, partner.phone, upload(pdfs.locked(), ".pdf"), "application/pdf")
    assert outbox_texts(partner.phone) == [UNUSABLE]
    with unit_of_work() as session:
        assert session.scalar(select(Invoice)) is None
    assert ocr_stub == []
