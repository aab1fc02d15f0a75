"""Read an invoice photo: the e-invoice signed QR first, Tesseract for whatever it lacks.

A QR whose signature is not verified is checked against the printed page instead.
"""

from __future__ import annotations

from collections.abc import Sequence

from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from PIL import Image

from models.invoice_read import REQUIRED, InvoiceRead
from workers.ocr import einvoice, fields, image, tesseract
from workers.qr_decode import read_zbar, read_zxing

CHECKED = (*REQUIRED, "buyer_gstin")


def read_invoice(picture: Image.Image, qr_texts: list[str] | None = None,
                 keys: Sequence[RSAPublicKey] = ()) -> InvoiceRead:
    """Return every field found, each with its confidence (QR codes decoded unless given;
    an e-invoice QR is trusted only when signed with one of `keys`)."""
    texts = quick_decode(picture) if qr_texts is None else qr_texts
    coded = next((r for r in (einvoice.read(t, keys) for t in texts) if r is not None), None)
    trusted = coded is not None and coded.source == einvoice.VERIFIED
    if trusted and all(getattr(coded, f) is not None for f in REQUIRED):
        return coded
    scanned = fields.extract(_page_lines(picture))
    if coded is None:
        return scanned
    return _completed(coded, scanned) if trusted else _as_printed(coded, scanned)


def _completed(signed: InvoiceRead, scanned: InvoiceRead) -> InvoiceRead:
    """A verified QR, with what it lacks taken from the page."""
    for name in CHECKED:
        if getattr(signed, name) is None:
            signed.set(name, getattr(scanned, name), scanned.confidence.get(name, 0.0))
    signed.items = scanned.items
    signed.source = "einvoice-qr+ocr"
    return signed


def _as_printed(claimed: InvoiceRead, scanned: InvoiceRead) -> InvoiceRead:
    """An unverified QR counts for what is printed: where OCR read the same value it keeps
    OCR's confidence; where OCR read another value, the printed one stands, unsure, so the
    partner confirms it. A value OCR did not find is taken unsure from the QR, except the
    total: a total nothing printed backs is not read (the partner types it, a reviewer
    checks it)."""
    for name in CHECKED:
        claim, printed = getattr(claimed, name), getattr(scanned, name)
        if claim is None or claim == printed:
            continue
        if printed is None:
            if name != "total_paise":
                scanned.set(name, claim, einvoice.UNVERIFIED_CONFIDENCE)
        else:
            scanned.confidence[name] = min(scanned.confidence[name],
                                           einvoice.UNVERIFIED_CONFIDENCE)
    scanned.irn, scanned.source = claimed.irn, f"{einvoice.UNVERIFIED}+ocr"
    return scanned


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


def read_file(data: bytes, keys: Sequence[RSAPublicKey] = ()) -> InvoiceRead:
    """Read an invoice from the bytes of an image or PDF (NotAnImage if it is neither)."""
    return read_invoice(image.open_upload(data), keys=keys)
