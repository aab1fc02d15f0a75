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
    """OCR the page, then read some lines once more on their own, that reading going first
    (the page's own reading stays as the fallback): a GSTIN line that fails its checksum, and
    the invoice-number line (alone on a line, Tesseract keeps a prefix's letters letters)."""
    clean = image.clean(picture)
    lines = tesseract.read_lines(clean)
    number = fields.number_line(lines)
    rereads = {i: tesseract.CODE_LINE for i in fields.unsure_gstin_lines(lines)}
    if number is not None:
        rereads[number] = tesseract.ONE_LINE
    for index in sorted(rereads, reverse=True):
        lines.insert(index, tesseract.reread(clean, lines[index], rereads[index]))
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
