"""The invoice reader on phone photos of varied bills (tests/invoice/layouts.py, camera.py),
with the real engines: PP-OCRv4 (rapidocr-onnxruntime) and Tesseract. Volume is in
bench/ocr.py; here a few photos of different layouts, and how the engine is loaded."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from PIL import Image

from models.invoices.read import GUESSED_TOTAL
from models.invoices.values import parse_amount
from tests.invoice import bills, camera, fonts, layouts
from tests.invoice.pen import Pen
from tests.invoice.samples import sample
from workers.ocr import rapid
from workers.ocr.read import read_fields, read_invoice, read_rapid, scan, warm_up

ROOT = Path(__file__).resolve().parents[2]
SURE = 0.8  # INVOICE_MIN_CONFIDENCE


def fresh_python(code: str) -> str:
    """What `code` prints, run in a new interpreter (nothing loaded by the tests before it)."""
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         check=True, env={**os.environ, "LOG_LEVEL": "WARNING"})
    return out.stdout.strip()


def photo_of(layout: str, seed: int, strength: float = 1.0):
    rng = random.Random(seed)
    bill = bills.bill(rng)
    return bill.truth, camera.photograph(layouts.render(bill, rng, layout), rng,
                                         strength=strength)


# Photos PP-OCRv4 alone reads surely (the total vouched for by the page), so the reading does
# not depend on whether Tesseract's second reading finishes in time on a busy machine.
@pytest.mark.parametrize(("layout", "seed"), [("two-column", 3), ("memo", 4), ("thermal", 13),
                                              ("table", 15)])
def test_phone_photos_of_varied_bills_are_read_with_a_sure_total(layout, seed):
    truth, photo = photo_of(layout, seed)
    read = read_invoice(photo, qr_texts=[])
    assert (read.total_paise, read.seller_gstin, read.invoice_number) == \
        (truth.total_paise, truth.seller_gstin, truth.number)
    assert read.confidence["total_paise"] >= SURE


@pytest.mark.parametrize(("layout", "seed"), [("thermal", 13), ("dot-matrix", 6)])
@pytest.mark.parametrize("quarters", [1, 2, 3])
def test_a_photo_saved_sideways_or_upside_down_is_read_as_if_upright(layout, seed, quarters):
    """A phone held flat over a bill on a table saves the photo turned as often as not. Read
    sideways, PP-OCR's detection merged and lost lines and the reader joined them across the
    page; read upside down, a dot-matrix page's boxes were not turned over (the direction
    model is less sure of them) and any page's lines came in reverse order
    (workers.ocr.rapid.PageTurn, PageDirection, read_page)."""
    truth, photo = photo_of(layout, seed)
    read = read_invoice(photo.rotate(90 * quarters, expand=True), qr_texts=[])
    assert (read.total_paise, read.invoice_number) == (truth.total_paise, truth.number)
    assert read.confidence["total_paise"] >= SURE


def test_the_page_is_handed_back_upright_with_its_boxes_on_it():
    """The second look (workers.ocr.figure) cuts a figure out of the picture by its box: the
    picture a turned photo is read from comes back upright, the boxes in its pixels."""
    _truth, photo = photo_of("thermal", 13)
    upright = rapid.read_page(photo)
    for quarters in (1, 2, 3):
        page = rapid.read_page(photo.rotate(90 * quarters, expand=True))
        assert page.picture.size == photo.size
        assert page.lines[0].text == upright.lines[0].text
        cash = next(line for line in page.lines if "CASH" in line.text)
        same = next(line for line in upright.lines if "CASH" in line.text)
        assert all(abs(a - b) <= 12 for a, b in zip(cash.box, same.box, strict=True))


def test_a_screenshot_of_a_pdf_invoice_is_read_at_the_size_it_was_sent():
    """Partners forward a screenshot of the PDF their distributor sent: 1080 x 2400, the page
    across its width. Scaled to a 1280 px long side, its dot-matrix print was 8 px high and
    the total read wrong; a picture longer than 4:3 keeps a 4:3 photo's pixels
    (workers.ocr.rapid.MAX_PIXELS)."""
    rng = random.Random(11)
    bill = bills.bill(rng)
    read = read_invoice(camera.screenshot(layouts.render(bill, rng, "dot-matrix")), qr_texts=[])
    assert read.total_paise == bill.truth.total_paise


def test_a_misread_total_on_a_bad_photo_is_never_sure():
    truth, photo = photo_of("thermal", 23, strength=2.3)  # dim, blurred, faint print
    first = scan(photo, "rapidocr")
    assert first.total_paise != truth.total_paise  # this photo is misread (or not read)...
    assert first.confidence.get("total_paise", 0.0) < SURE  # ...and the partner is asked
    read = read_invoice(photo, qr_texts=[])  # with Tesseract's reading too, if it is in time
    assert read.total_paise == truth.total_paise or read.confidence.get("total_paise", 0.0) < SURE


def test_the_web_app_does_not_load_the_ocr_engine():
    code = ("import sys; from app import create_app; create_app({'DATABASE_URL': 'sqlite://'}); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('onnxruntime', 'rapidocr_onnxruntime')))")
    assert fresh_python(code) == "[]"


def _read_in_a_forked_job(photo) -> tuple[int, str]:
    """What an RQ job's process, forked from the warmed-up worker, reads in `photo`, and how
    many threads it was running by then."""
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(reader)
        text = " ".join(line.text for line in rapid.read_page(photo).lines)
        threads = len(os.listdir("/proc/self/task"))  # fork left the calling one alone
        os.write(writer, f"{threads} {text}".encode())
        os._exit(0)
    os.close(writer)
    os.waitpid(pid, 0)
    with os.fdopen(reader) as pipe:
        threads, text = pipe.read().split(" ", 1)
    return int(threads), text


def test_a_worker_loads_the_engine_once_and_its_forked_jobs_use_it():
    warm_up()
    assert rapid.engine() is rapid.engine()
    truth, photo = photo_of("plain", 2, strength=0.3)
    assert truth.number in _read_in_a_forked_job(photo)[1]


def test_a_forked_job_reads_with_the_threads_the_worker_was_given():
    """fork() copies only the calling thread: a job that kept its parent's sessions would read
    on one thread whatever OCR_THREADS says, so it builds them again with their threads."""
    warm_up(2)
    try:
        truth, photo = photo_of("plain", 2, strength=0.3)
        threads, text = _read_in_a_forked_job(photo)
        assert threads > 1  # ONNX Runtime's own threads were started in the job
        assert truth.number in text
    finally:
        rapid.use_threads(1)


def test_slanted_handwritten_digits_are_not_read_upside_down():
    """PP-OCR's direction model took this handwritten total (each digit a little turned) for
    upside-down text at its default certainty of 0.9 and read "009"; the reader turns a text
    box over only when most of the page's boxes are (workers.ocr.rapid.PageDirection)."""
    font = next(f for f in fonts.installed(fonts.HAND) if f.endswith("dkg.ttf"))
    page = Image.new("RGB", (900, 120), (250, 248, 242))
    pen = Pen(page, font, 30, random.Random(1))
    pen.y = 40
    pen.put(60, "Total Rs.")
    pen.hand(500, "67.144.00", font, scale=1.3)
    words = [word.text for line in rapid.read_page(page).lines for word in line.words]
    assert 6_714_400 in [parse_amount(word) for word in words], words


def test_a_handwritten_amount_on_an_upright_page_is_not_read_reversed():
    """A cash memo's total (bench/ocr.py seed 23, page 74): the direction model was over 0.99
    sure these handwritten amounts were upside down, and PP-OCR read "481010.88" as
    "88:01018h". The page's direction is decided by most of its boxes (workers.ocr.rapid)."""
    rng = random.Random(23 * 100_000 + 74)
    bill = bills.bill(rng)
    page = layouts.render(bill, rng, "memo", hindi=rng.random() < 0.3)
    band = page.crop((0, 600, page.width, 790))  # the last item, GST and the total
    words = [word.text for line in rapid.read_page(band).lines for word in line.words]
    assert {bill.truth.total_paise, 4_940_000} <= {parse_amount(word) for word in words}, words


def test_the_worker_warm_up_leaves_a_photo_job_nothing_to_import_for_the_image_hash():
    """A forked job imported SciPy's FFT for the image hash on every photo (about 0.4 s of
    CPU); the worker imports it once before forking (workers.photos.warm_up)."""
    code = ("import sys; from PIL import Image; from workers import photos; photos.warm_up(); "
            "loaded = set(sys.modules); photos.image_hash(Image.new('RGB', (300, 200))); "
            "print(sorted(set(sys.modules) - loaded))")
    assert fresh_python(code) == "[]"


def test_the_page_is_handed_to_pp_ocr_in_one_contiguous_array(monkeypatch):
    """PP-OCR cuts each text box out of the page with OpenCV, which copied a strided page (its
    channels reversed in a view) whole for every box: 0.7 s of CPU on a page of 70 boxes."""
    handed = []

    class Reader:
        text_det = SimpleNamespace(sideways=False)

        def __call__(self, page):
            handed.append(page)
            return None, None

    monkeypatch.setattr(rapid, "engine", Reader)
    assert rapid.read_page(Image.new("RGB", (200, 100), "white")).lines == []
    assert handed[0].flags["C_CONTIGUOUS"] and handed[0].shape == (100, 200, 3)


@pytest.mark.parametrize("n", [38, 63])  # Tally, Vyapar
def test_small_print_lying_sideways_is_read_turned(n):
    """A whole A4 page photographed sideways: its small print gave detection one or two boxes,
    too few to see they stand on end, and the page read no field (study seed 904). Read
    turned a quarter as well, it gives its total."""
    truth, _layout, _page, photo = sample(n, 904)
    assert read_fields(rapid.read_page(photo)).total_paise == truth.total_paise


def test_a_sideways_page_without_long_text_boxes_is_read_turned():
    """No box on this sideways Vyapar photo was four times longer than wide, so none showed
    which way the lines run, and the page was read as garbled lines across its columns (study
    seed 905, page 71); most of its boxes are twice as tall as wide."""
    truth, _layout, _page, photo = sample(71, 905)
    read = read_fields(rapid.read_page(photo))
    assert (read.total_paise, read.seller_gstin) == (truth.total_paise, truth.seller_gstin)


def test_a_rupee_sign_read_as_a_digit_in_the_figure_alone_does_not_replace_the_total():
    """Vyapar prints "₹" before its figures. The page read this photo's total from its words
    (6,90,202.06, unsure); looked at alone, the figure read "16,90,202.06", and the second
    look took that for the total (study seed 903, page 31). The image says the page's reading
    with the sign read as a digit as well, and the words choose."""
    truth, _layout, _page, photo = sample(31, 903)
    read = read_fields(rapid.read_page(photo))
    assert (read.total_paise, read.confidence["total_paise"] < SURE) == (truth.total_paise, True)


@pytest.mark.parametrize(("n", "read"), [
    (67, ("Sub Total 7560.00", "SGST 1058.40", "Round off 0.20", "TOTAL 9677.00")),
    (47, ("Sub Total Rs. 55,656.00", "IGST@12% Rs. 6,678.72", "Round off +0.28",
          "Total Rs. 62,335.00"))])
def test_a_page_seen_at_an_angle_keeps_each_amount_on_its_labels_line(n, read):
    """Seen at an angle, a page's lines slant more the nearer they are to the phone: a
    receipt's from 0 degrees at its top to 9 at its foot, each amount below "Sub Total" read
    on the line of the label under its own, and the items' sum taken for the total, sure
    (study seed 167, page 67); an A4 bill's from 14 degrees at its left edge to 11 at its
    right, no total read (page 47). Every line runs to the point where the lines meet."""
    truth, _layout, _page, photo = sample(n, 167)
    page = rapid.read_page(photo)
    assert all(any(piece in line.text for line in page.lines) for piece in read)
    assert read_fields(page).total_paise == truth.total_paise


def test_another_papers_line_in_the_photo_does_not_turn_the_pages_lines():
    """A Vyapar bill photographed on another paper lying askew: one long text box of that
    paper slants 24 degrees among the bill's of -4 to -7, and the meeting point fitted with
    it had the bill's foot lines run level; its "Total" was read beside "Received 0.00", a
    total of 0 (fresh seed 193, page 39). Left out, the lines meet where the bill's do."""
    truth, _layout, _page, photo = sample(39, 193)
    page = rapid.read_page(photo)
    assert all(any(all(piece in line.text for piece in pieces) for line in page.lines)
               for pieces in (("Sub Total", "75,447.50"), ("Total 84,501.20",), ("Rec", "0.00")))
    read = read_fields(page)
    assert (read.total_paise, read.confidence["total_paise"] >= SURE) == (truth.total_paise, True)


@pytest.mark.parametrize(("seed", "n"), [(167, 45), (191, 25)])
def test_faint_print_on_a_dim_photo_is_read_with_its_light_evened(seed, n):
    """A dot-matrix bill photographed in dim light, its print faint grey on grey paper: PP-OCR's
    detection found two text boxes upright and no more turned, and the page read no field
    (study seed 167, page 45); a whole A4 bill in a dark room, 9 boxes (fresh seed 191, page
    25). Its light evened out (image.evened), each gives 60 or more, and its total."""
    truth, _layout, _page, photo = sample(n, seed)
    page = rapid.read_page(photo)
    assert len(page.boxes()) >= 30
    assert read_fields(page).total_paise == truth.total_paise


@pytest.mark.parametrize(("seed", "n"), [(211, 22), (211, 53)])
def test_a_defocused_photo_whose_total_is_not_vouched_for_is_read_again_sharpened(seed, n):
    """A whole Tally A4 bill and a dot-matrix bill, each photographed out of focus: PP-OCR read
    no total on either, or only guessed one (fresh seed 211, pages 22 and 53). Read again with
    its edges steepened (workers.ocr.image.sharpened), each page's tax arithmetic vouches for
    its total, and the partner is credited without being asked; with no time left for that
    reading, the first one stands."""
    truth, _layout, _page, photo = sample(n, seed)
    assert read_fields(rapid.read_page(photo)).confidence.get("total_paise", 0) <= GUESSED_TOTAL
    read = read_rapid(photo, seconds=120)[1]
    assert (read.total_paise, read.confidence["total_paise"] >= SURE) == (truth.total_paise, True)
    assert read_rapid(photo, seconds=0)[1].confidence.get("total_paise", 0) <= GUESSED_TOTAL


def test_an_upright_dot_matrix_page_is_not_read_upside_down():
    """PP-OCR's direction model voted most boxes of this upright dot-matrix page upside down
    and every line was read turned over (no total; study seed 821, page 29): a turn the
    recogniser does not read better is not made (workers.ocr.rapid.PageDirection)."""
    rng = random.Random(821 * 100_000 + 29)
    bill = bills.bill(rng)
    page = layouts.render(bill, rng, "dot-matrix", hindi=rng.random() < 0.3)
    read = rapid.read_page(page)
    assert "Lakh" in " ".join(line.text for line in read.lines)
    assert read_fields(read).total_paise == bill.truth.total_paise


def test_a_page_whose_direction_votes_do_not_tell_is_turned_as_it_reads_better():
    """A dim, defocused bill photographed sideways and turned the wrong quarter: the direction
    model was sure of 3 of its 44 text boxes, one of them upside down, and the page was read
    upside down ("45'520'0"; study seed 257, page 16). Where too few boxes are sure votes,
    the recogniser alone decides which way up reads better."""
    truth, _layout, _page, photo = sample(16, 257)
    page = rapid.read_page(photo)
    assert any(line.text == "AGARWAL PAINTS & CHEMICALS" for line in page.lines)
    assert read_fields(page).total_paise == truth.total_paise


def test_a_page_that_already_fills_the_picture_is_not_read_again():
    """A closer look at a page read at (nearly) its own size sees nothing new: it is not
    made, not for a whole page photographed (its second full reading would push the photo
    past the 5 s target), and not where no text was found to cut to."""
    _truth, photo = photo_of("tally", 9)
    assert rapid.closer_cut(rapid.read_page(photo)) is None
    rng = random.Random(15)
    page = layouts.render(bills.bill(rng), rng, "thermal")
    factor = rapid.MAX_SIDE / max(page.size)  # the receipt at the size a page is read at
    page = page.resize((round(page.width * factor), round(page.height * factor)))
    assert rapid.closer_cut(rapid.read_page(page)) is None
    assert rapid.closer_cut(rapid.read_page(Image.new("RGB", (1600, 1200), "white"))) is None


def test_a_tesseract_crash_drops_only_its_reading(caplog):
    """Tesseract 5.3.0 dies of a floating-point exception reading this GSTIN line again with
    its character whitelist (fresh seed 271, thermal photo 11, as PP-OCR evened its light):
    the crash took the whole photo job down. Now that reading is dropped, logged, and the
    page's own reading of the line kept."""
    from workers.ocr import image, tesseract
    from workers.ocr.lines import Line, Word

    _truth, _layout, _page, photo = sample(11, 271)
    clean = image.clean(image.evened(photo))
    line = Line((Word("GSTIN:", 0.9), Word("2BRBUKLTABYW2ET", 0.4)), (12, 1151, 2803, 1268))
    with caplog.at_level("WARNING", logger="saathi.invoice"):
        assert tesseract.reread(clean, line, tesseract.CODE_LINE) == line
    crashes = [r.signal for r in caplog.records if r.message.startswith("tesseract crashed")]
    assert crashes == ["SIGFPE"]
    # an error Tesseract reports (not a crash) is a set-up fault, still raised
    with pytest.raises(tesseract.pytesseract.TesseractError):
        tesseract.read_lines(clean[:200, :200], languages="no-such-language")


@pytest.mark.parametrize("killed", [signal.SIGKILL, signal.SIGILL, signal.SIGSEGV])
def test_a_tesseract_killed_otherwise_is_still_an_error(monkeypatch, killed):
    """Killed for memory, or built for another CPU: a set-up fault that must be seen, not a
    page's reading quietly dropped on every photo. (Tesseract stood in for: these kills cannot
    be caused from a test.)"""
    from workers.ocr import tesseract

    def dies(*_args, **_kwargs):
        raise tesseract.pytesseract.TesseractError(-killed, "")

    monkeypatch.setattr(tesseract.pytesseract, "image_to_data", dies)
    with pytest.raises(tesseract.pytesseract.TesseractError):
        tesseract.read_lines(np.full((40, 200), 255, np.uint8))
