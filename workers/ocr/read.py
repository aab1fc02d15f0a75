"""Read an invoice photo: the e-invoice signed QR first, OCR for whatever it lacks.

A QR whose signature is not verified is checked against the printed page instead. The page of
a PDF with a text layer (billing software's) is read from that text (workers.ocr.pdftext)
instead of OCR, unless it gives no total; its fields are checked as OCR's are (a total the
page's arithmetic or words do not vouch for is never sure on its own). OCR is
PP-OCR (workers.ocr.rapid) and Tesseract (workers.ocr.tesseract), in one of the MODES below;
bench/ocr.py measures each (bench/README.md) and DEFAULT is the one that read best within the
latency target."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence

from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from PIL import Image

from models.invoices.read import GUESSED_TOTAL, REQUIRED, InvoiceRead
from workers.codes.decode import read_zbar, read_zxing
from workers.ocr import combine, einvoice, fields, image, pdftext, rapid, recheck, tesseract, total
from workers.ocr.lines import Line

CHECKED = (*REQUIRED, "buyer_gstin")
# "tesseract" or "rapidocr" alone; "both" always, merged; "cascade": PP-OCR, and Tesseract
# too only when PP-OCR's reading is not sure on its own.
MODES = ("tesseract", "rapidocr", "both", "cascade")
DEFAULT = "cascade"
SURE_ENOUGH = 0.8  # as INVOICE_MIN_CONFIDENCE: a field below it is confirmed by the partner
# OCR's share of the 5 s from upload to credit: Tesseract's second reading gets what PP-OCR
# left of it (a noisy photo can keep Tesseract busy for a minute); past that, the first
# reading stands and its unsure fields are confirmed by the partner.
OCR_SECONDS = 3.5
# An invoice a small part of the photo, read unsure, is read again closer (rapid.closer_cut),
# which takes about as long as a whole page's reading (PAGE_SECONDS on one thread, however
# little the first reading of the far page took): made only when both end within
# CLOSER_SECONDS; so is a page's reading sharpened (image.sharpened). Past OCR_SECONDS, but
# the partner would otherwise take the photo again or type the total.
CLOSER_SECONDS = 8.0
PAGE_SECONDS = 4.0
MIN_SECOND_READ = 0.5
PDF_TEXT = "pdf"  # InvoiceRead.source of a page read from a PDF's own text
log = logging.getLogger("saathi.invoice")


def read_invoice(picture: Image.Image, qr_texts: list[str] | None = None,
                 keys: Sequence[RSAPublicKey] = (), text: Sequence[Line] = ()) -> InvoiceRead:
    """Return every field found, each with its confidence (QR codes decoded unless given;
    an e-invoice QR is trusted only when signed with one of `keys`; the page read from
    `text`, a PDF's own text layer (pdftext.page_lines), when that gives a total)."""
    texts = quick_decode(picture) if qr_texts is None else qr_texts
    coded = next((r for r in (einvoice.read(t, keys) for t in texts) if r is not None), None)
    trusted = coded is not None and coded.source == einvoice.VERIFIED
    if trusted and all(getattr(coded, f) is not None for f in REQUIRED):
        return coded
    scanned = _from_text(text) or scan(picture)
    if coded is None:
        return scanned
    return _completed(coded, scanned) if trusted else _as_printed(coded, scanned)


def _completed(signed: InvoiceRead, scanned: InvoiceRead) -> InvoiceRead:
    """A verified QR, with what it lacks taken from the page."""
    for name in CHECKED:
        if getattr(signed, name) is None:
            signed.set(name, getattr(scanned, name), scanned.confidence.get(name, 0.0))
    signed.items = scanned.items
    signed.source = f"{einvoice.VERIFIED}+{scanned.source}"
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
    scanned.irn, scanned.source = claimed.irn, f"{einvoice.UNVERIFIED}+{scanned.source}"
    return scanned


def _from_text(lines: Sequence[Line]) -> InvoiceRead | None:
    """The fields of a PDF's own text; None (the page is OCR'd) when it gives no total, or
    only guesses one (GUESSED_TOTAL: no total label in the text)."""
    if not lines:
        return None
    found = fields.extract(list(lines))
    if found.total_paise is None or found.confidence["total_paise"] <= GUESSED_TOTAL:
        log.info("PDF text gives no total: the page is OCR'd", extra={"lines": len(lines)})
        return None
    found.source = PDF_TEXT
    return found


def scan(picture: Image.Image, mode: str = DEFAULT) -> InvoiceRead:
    """The fields OCR finds on the page, read in `mode` (one of MODES)."""
    if mode == "tesseract":
        return read_tesseract(picture)
    started = time.perf_counter()
    page, first = read_rapid(picture)
    if mode == "rapidocr" or (mode == "cascade" and combine.is_sure(first, SURE_ENOUGH)):
        return first
    took = time.perf_counter() - started
    left = OCR_SECONDS - took
    try:
        if left < MIN_SECOND_READ:
            raise tesseract.TooSlow("no time left")
        second = read_tesseract(page.picture, seconds=left)
    except tesseract.TooSlow:
        log.info("second OCR reading dropped: too slow",
                 extra={"first_read_seconds": round(took, 2),
                        "seconds_left": round(max(left, 0.0), 2)})
        return first
    return combine.merge(first, second)


def warm_up(threads: int = 1) -> None:
    """Load the OCR engine now, to read with `threads` threads: an RQ worker calls this before
    it forks a process per job, so every job finds the models in memory instead of loading
    them again."""
    rapid.use_threads(threads)
    rapid.engine()


def read_rapid(picture: Image.Image, seconds: float | None = None
               ) -> tuple[rapid.Page, InvoiceRead]:
    """PP-OCR's page and its fields; where they are not sure, the page read once more and both
    readings merged, when that can end within `seconds` (CLOSER_SECONDS): where the page is a
    small part of the picture, its text closer (rapid.closer_cut), the closer reading going
    first; else, where the page did not vouch for its total, the picture sharpened
    (image.sharpened: _with_sharpened)."""
    started = time.perf_counter()
    page = rapid.read_page(picture)
    found = read_fields(page)
    if combine.is_sure(found, SURE_ENOUGH):
        return page, found
    cut = rapid.closer_cut(page)
    if cut is None and found.confidence.get("total_paise", 0.0) >= total.SURE:
        return page, found
    took = time.perf_counter() - started
    if took + max(took, PAGE_SECONDS) > (CLOSER_SECONDS if seconds is None else seconds):
        log.info("second PP-OCR reading dropped: too slow",
                 extra={"first_read_seconds": round(took, 2), "closer": cut is not None})
        return page, found
    if cut is not None:
        closer = read_fields(rapid.read_page(cut, level=True))  # cut from the upright picture
        return page, combine.merge(closer, found, independent=False)
    # upright already (level); its light not evened again (even): read_page evened it the
    # first time where its print was faint
    sharp = read_fields(rapid.read_page(image.sharpened(page.picture), level=True, even=True))
    return page, _with_sharpened(found, sharp)


def _with_sharpened(first: InvoiceRead, sharp: InvoiceRead) -> InvoiceRead:
    """The first reading merged with the sharpened one, whose total counts only where the
    first read none (or only guessed one: GUESSED_TOTAL, as a figure without a label or one
    barely read) or the sharpened page vouched for it: one engine's two readings of a page
    pick among its amounts by the same rules, and the sharpened Vyapar page's item table
    Total row, its "₹" read as a 1, outscored the first reading's right total (study seed 811,
    vyapar photo 7)."""
    guessed = first.confidence.get("total_paise", 0.0) <= GUESSED_TOTAL
    if first.total_paise is not None and not guessed \
            and sharp.confidence.get("total_paise", 0.0) < total.SURE:
        sharp.total_paise = None
        sharp.confidence.pop("total_paise", None)
    return combine.merge(first, sharp, independent=False)


def read_fields(page: rapid.Page) -> InvoiceRead:
    """The fields of a page PP-OCR read, its total's figure looked at again in the upright
    picture when the page did not vouch for the total."""
    found = fields.extract(page.lines)
    if found.confidence.get("total_paise", 0.0) < total.SURE:
        recheck.recheck(page.picture, page.lines, found)
    return found


def read_tesseract(picture: Image.Image, seconds: float = 60) -> InvoiceRead:
    return fields.extract(_page_lines(picture, seconds))


def _page_lines(picture: Image.Image, seconds: float = 60) -> list[fields.Line]:
    """OCR the page, then read some lines once more on their own, that reading going first
    (the page's own reading stays as the fallback): a GSTIN line that fails its checksum, and
    the invoice-number line (alone on a line, Tesseract keeps a prefix's letters letters)."""
    clean = image.clean(picture)
    lines = tesseract.read_lines(clean, seconds=seconds)
    number = fields.number_line(lines)
    rereads = {i: tesseract.CODE_LINE for i in fields.unsure_gstin_lines(lines)}
    if number is not None:
        rereads[number] = tesseract.ONE_LINE
    for index in sorted(rereads, reverse=True):
        lines.insert(index, tesseract.reread(clean, lines[index], rereads[index]))
    return lines


def quick_decode(picture: Image.Image) -> list[str]:
    """QR codes that zxing-cpp or zbar read straight off the photo (tens of milliseconds).

    workers.codes.decode.decode_image adds clean-ups that cost about a second on a page without
    any code; the photo job runs it only when a photo turns out not to be an invoice.
    """
    gray = image.to_gray(picture)
    return read_zxing(gray) or read_zbar(gray)


def read_file(data: bytes, keys: Sequence[RSAPublicKey] = ()) -> InvoiceRead:
    """Read an invoice from the bytes of an image or PDF (NotAnImage if it is neither)."""
    picture = image.open_upload(data)
    return read_invoice(picture, keys=keys, text=pdftext.page_lines(data, picture.size))
