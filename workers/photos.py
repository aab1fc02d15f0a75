"""The photo job: a file a partner sent is a product QR code (handed to SCAN) or an invoice.

Order: QR codes read straight off the photo (product code -> SCAN's scan_decoded); else the
invoice reader (e-invoice QR, then a PDF's own text or OCR); a photo that holds no invoice
gets SCAN's full decoder with its clean-ups before we say we could not read it, and why
when the picture shows it (workers/ocr/photo.py: the invoice too small a part of the frame,
or the photo too dark or blurred).

Slow work (download, decoding, OCR) runs outside any transaction; the rules run in one unit of
work that also queues the reply, so a retried job never credits or messages twice.
"""

from __future__ import annotations

import hashlib
import logging

from PIL import Image

from bot import einvoice_keys, media
from bot.i18n import N_, translate
from bot.notices import outbound
from bot.notices.invoices import REJECTIONS, tell_result
from models import keys
from models.codes.format import codes_in
from models.db import unit_of_work
from models.invoices import rules as invoice_rules
from models.invoices.invoice import Invoice, InvoiceStatus, Reason, by_upload, image_hash
from models.partners.partner import Partner
from workers.codes.decode import decode_image
from workers.ocr import photo
from workers.ocr.image import PDF_MAGIC, NotAnImage, open_upload
from workers.ocr.pdftext import page_lines
from workers.ocr.read import quick_decode, read_invoice
from workers.ocr.read import warm_up as ocr_warm_up
from workers.scan import scan_decoded

log = logging.getLogger("saathi.invoice")
UNUSABLE = N_("I could not open that file. Send a JPG or PNG photo, or a PDF, of at most 10 MB.")


def warm_up(ocr_threads: int = 1) -> None:
    """Load what every photo job needs, once in the RQ worker before it forks a work horse
    per job: the OCR models (read with `ocr_threads` threads), and the FFT that the image hash
    imports on first use (SciPy, about 0.4 s of CPU that each job paid again)."""
    ocr_warm_up(ocr_threads)
    image_hash(Image.new("L", (64, 64)))


def read_photo(partner_id: int, channel: str, media_url: str, upload_key: str) -> None:
    """Download, check and read one uploaded file; credit it or tell the partner why not."""
    with unit_of_work() as session:
        if by_upload(session, upload_key) is not None:
            return  # a retry after the invoice was recorded
    try:
        data = media.fetch(media_url)
        picture = open_upload(data)
    except (media.MediaError, NotAnImage) as exc:
        log.warning("upload unusable", extra={"upload": upload_key, "error": str(exc)})
        _tell(partner_id, channel, upload_key, UNUSABLE)
        return
    texts = quick_decode(picture)
    read = None if codes_in(texts) else read_invoice(
        picture, qr_texts=texts, keys=einvoice_keys.configured(),
        text=page_lines(data, picture.size))
    if read is None or (read.seller_gstin is None and read.invoice_number is None):
        # A product code, or no invoice: then look harder (blurred, dark, tilted QR photos).
        codes = codes_in(texts) or codes_in(decode_image(picture))
        if codes:
            scan_decoded(partner_id, channel, codes, upload_key)
            return
    if read.seller_gstin is None and not data.startswith(PDF_MAGIC):
        read.fault = photo.fault(picture)  # what to tell the partner to do differently
    stored = media.store(data, "inbound/invoices", _suffix(data))
    with unit_of_work() as session:
        if by_upload(session, upload_key) is not None:
            return
        invoice = Invoice(partner_id=partner_id, upload_key=upload_key, channel=channel,
                          media_url=stored, sha256=hashlib.sha256(data).hexdigest(),
                          image_hash=image_hash(picture), status=InvoiceStatus.NEW)
        invoice = invoice_rules.submit(session, invoice, read)
        log.info("invoice read", extra={"invoice_id": invoice.id, "status": invoice.status,
                                        "reason": invoice.reason, "source": invoice.source})
        tell_result(session, invoice)


def _suffix(data: bytes) -> str:
    if data.startswith(PDF_MAGIC):
        return ".pdf"
    return ".png" if data.startswith(b"\x89PNG") else ".jpg"


def read_failed(partner_id: int, channel: str, _media_url: str, upload_key: str) -> None:
    """The last attempt to read an upload failed (a fault of ours, not the photo's): the
    partner is asked to send it again instead of being left at "reading it now"; nothing when
    the upload was recorded (they were told what came of it)."""
    with unit_of_work() as session:
        if by_upload(session, upload_key) is not None:
            return
    log.warning("upload given up", extra={"upload": upload_key})
    _tell(partner_id, channel, upload_key, REJECTIONS[Reason.UNREADABLE])


def _tell(partner_id: int, channel: str, upload_key: str, msgid: str) -> None:
    with unit_of_work() as session:
        partner = session.get(Partner, partner_id)
        outbound.queue_message(session, phone=partner.phone, channel=channel,
                               text=translate(partner.language, msgid),
                               key=keys.job_reply("upload", upload_key))

