"""Read an invoice photo: the e-invoice signed QR first, Tesseract for whatever it lacks."""

from __future__ import annotations

from PIL import Image

from models.invoice_read import REQUIRED, InvoiceRead
from workers.ocr import einvoice, fields, image, tesseract
from workers.qr_decode import read_zbar, read_zxing


def read_invoice(picture: Image.Image, qr_texts: list[str] | None = None) -> InvoiceRead:
    """Return every field found, each with its confidence (QR codes decoded unless given)."""
    texts = quick_decode(picture) if qr_texts is None else qr_texts
    signed = next((r for r in map(einvoice.read, texts) if r is not None), None)
    if signed is not None and all(getattr(signed, f) is not None for f in REQUIRED):
        return signed
    scanned = fields.extract(_page_lines(picture))
    if signed is None:
        return scanned
    for name in (*REQUIRED, "buyer_gstin"):
        if getattr(signed, name) is None:
            signed.set(name, getattr(scanned, name), scanned.confidence.get(name, 0.0))
    signed.items = scanned.items
    signed.source = "einvoice-qr+ocr"
    return signed


def _page_lines(picture: Image.Image) -> list[fields.Line]:
    """OCR the page; a GSTIN line that fails its checksum is read once more on its own, and
    that reading goes first (the page's own reading stays as a fallback for repair)."""
    clean = image.clean(picture)
    lines = tesseract.read_lines(clean)
    for index in reversed(fields.unsure_gstin_lines(lines)):
        lines.insert(index, tesseract.reread(clean, lines[index]))
    return lines


def quick_decode(picture: Image.Image) -> list[str]:
    """QR codes that zxing-cpp or zbar read straight off the photo (tens of milliseconds).

    workers.qr_decode.decode_image adds clean-ups that cost about a second on a page without
    any code; the photo job runs it only when a photo turns out not to be an invoice.
    """
    gray = image.to_gray(picture)
    return read_zxing(gray) or read_zbar(gray)


def read_file(data: bytes) -> InvoiceRead:
    """Read an invoice from the bytes of an image or PDF (NotAnImage if it is neither)."""
    return read_invoice(image.open_upload(data))
