"""Read the words of a PDF's own text layer: billing software (TallyPrime, Vyapar, Zoho, Busy)
shares invoices as PDFs whose text is exactly what the document says, where OCR of the
rendered page would guess it again.

poppler's pdftotext (the package that renders PDFs for workers.ocr.image) lists the first
page's words with their boxes; they are joined into lines as PP-OCR's boxes are
(workers.ocr.rapid.rows), each word read with confidence 1.0 and boxed in the pixels of the
page as rendered, so that anything that looks at boxes finds the words where the picture
shows them. A page without a text layer, a scanned page (a picture covering it, perhaps under
a scanner app's own OCR text), or one whose text is no text (a font without a character map
gives private-use or control characters) gives no lines: the page is OCR'd.
"""

from __future__ import annotations

import logging
import subprocess
import tempfile
import unicodedata
from pathlib import Path

import numpy as np

from workers.ocr.image import PDF_MAGIC
from workers.ocr.lines import Line
from workers.ocr.rapid import rows

SECONDS = 30  # as rendering the page (workers.ocr.image)
MAX_WORDS = 5000  # an invoice's page has a few hundred; past this it is no invoice's text
MIN_WORDS = 5
SCAN_SHARE = 0.5  # a page one picture covers this much of is a scan
READABLE = 0.9  # at least this share of the characters are letters, digits, punctuation
_TEXT = ("L", "N", "P", "S", "M")  # Unicode categories of what is printed
log = logging.getLogger("saathi.invoice")


def page_lines(data: bytes, size: tuple[int, int]) -> list[Line]:
    """The words on the first page of the PDF `data` in lines in reading order, boxed in the
    pixels of that page rendered `size` (width, height); no lines for what is no PDF, a PDF
    without text there, or text that cannot be read (encrypted, broken, too slow, garbage), or
    a scanned page (its text layer, if any, a scanner app's OCR: ours reads the picture)."""
    if not data.startswith(PDF_MAGIC):
        return []
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "in.pdf"
        source.write_bytes(data)
        found = _words(source)
        if found is None or not found[1]:
            return []  # no text layer (a scan), or no PDF pdftotext can read
        (width, height), words = found
        if _scanned(source, width * height):
            log.info("PDF page is a scan: the page is OCR'd", extra={"words": len(words)})
            return []
    if not MIN_WORDS <= len(words) <= MAX_WORDS or not _readable(w[4] for w in words):
        log.info("PDF text layer unreadable: the page is OCR'd", extra={"words": len(words)})
        return []
    if (size[0] > size[1]) != (width > height):
        width, height = height, width  # a page turned by /Rotate: rendered turned
    sx, sy = size[0] / width, size[1] / height
    return rows([(np.array([[x0 * sx, y0 * sy], [x1 * sx, y0 * sy], [x1 * sx, y1 * sy],
                            [x0 * sx, y1 * sy]]), text, 1.0)
                 for x0, y0, x1, y1, text in words])


def _words(source: Path) -> tuple[tuple[float, float], list[tuple]] | None:
    """The first page's size (points) and its words (left, top, right, bottom, text), as
    pdftotext lists them; None when pdftotext cannot read the file."""
    listed = _run(["pdftotext", "-tsv", "-f", "1", "-l", "1", str(source), "-"])
    page, words = None, []
    for row in (listed or "").splitlines()[1:]:
        cells = row.split("\t", 11)
        try:
            level, (left, top, width, height), text = cells[0], map(float, cells[6:10]), cells[11]
        except (ValueError, IndexError):
            continue
        if level == "1" and page is None:
            page = (width, height)
        elif level == "5" and text.strip() and width > 0 and height > 0:
            words.append((left, top, left + width, top + height, text.strip()))
    return (page, words) if page and page[0] > 0 and page[1] > 0 else None


def _scanned(source: Path, page_area: float) -> bool:
    """Whether the first page is mostly one picture (a scan or a photo made a PDF)."""
    listed = _run(["pdfimages", "-list", "-f", "1", "-l", "1", str(source)])
    for row in (listed or "").splitlines()[2:]:
        cells = row.split()
        try:
            width, height, x_ppi, y_ppi = (float(cells[i]) for i in (3, 4, 12, 13))
        except (ValueError, IndexError):
            continue
        if cells[2] == "image" and x_ppi > 0 and y_ppi > 0 and \
                width / x_ppi * height / y_ppi * 72 * 72 >= SCAN_SHARE * page_area:
            return True
    return False


def _run(command: list[str]) -> str | None:
    """A poppler tool's output; None (logged) when it fails or takes too long."""
    try:
        done = subprocess.run(command, check=True, capture_output=True, timeout=SECONDS)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        log.info("PDF text layer not read", extra={"tool": command[0], "error": str(exc)[:200]})
        return None
    return done.stdout.decode("utf-8", "replace")


def _readable(texts) -> bool:
    chars = "".join(texts)
    printed = sum(unicodedata.category(c).startswith(_TEXT) and c != "\ufffd" for c in chars)
    return printed >= READABLE * len(chars)
