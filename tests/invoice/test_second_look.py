"""A second look at a hand-filled cash memo's total (workers.ocr.recheck, figure, ctc): the
handwritten figure recognised again alone, and scored against the amounts the page states
apart from it. Real PP-OCR (v4 detection, v6 recognition) on pages drawn here."""

from __future__ import annotations

import random

import numpy as np
import pytest
from PIL import Image

from models.invoices.read import InvoiceRead
from tests.invoice import bills, camera, fonts, layouts
from tests.invoice.pen import Pen
from tests.invoice.test_total import MEMO_502_22
from workers.ocr import ctc, fields, figure, rapid, recheck, total
from workers.ocr.lines import Line, Word
from workers.ocr.read import scan

SURE = 0.8  # INVOICE_MIN_CONFIDENCE


def rapid_fields(picture: Image.Image) -> InvoiceRead:
    """PP-OCR's reading alone, its total's figure looked at again (workers.ocr.recheck)."""
    return scan(picture, "rapidocr")


@pytest.fixture(autouse=True)
def long_side_cap(monkeypatch):
    """The pages here were pinned as PP-OCR read them scaled to a 1280 px long side, before a
    picture longer than 4:3 kept a 4:3 photo's pixels (rapid.MAX_PIXELS): with the pixels
    kept, several of these memos (1500 x 852) are read right at once, leaving the second look
    nothing to do."""
    monkeypatch.setattr(rapid, "MAX_PIXELS", 0)


def memo(seed: int, n: int, photo: bool = False) -> tuple[int, Image.Image]:
    """bench/ocr.py's n-th bill of `seed` drawn as a cash memo (bench/ocr.py draws it so when
    n % 6 == 4), clean or photographed: its total, its page."""
    rng = random.Random(seed * 100_000 + n)
    bill = bills.bill(rng)
    page = layouts.render(bill, rng, "memo", hindi=rng.random() < 0.3)
    return bill.truth.total_paise, camera.photograph(page, rng) if photo else page


# Memos the page's reading (PP-OCRv6's recogniser) got wrong, set right by the second look,
# unsure: a 4 read as 9, "35,996.96" beside "pine HundhedFonty six" (202/0); no figure read
# beside the label, the words "Sixty Ti Thousand" guessed as 8,60,741.00 (510/0); the paise
# 40 read 90, "3,200.90" beside "Fonty Paise" (514/1); and a figure read right, "629098.68",
# passed over for the words read "S× Lakh Twenty Nine Thousand ...", 1,29,098.68 (612/3).
# (602/2, both 4s read 9, is read right at once since each line runs to where the page's lines
# meet: rapid._vanishing.)
@pytest.mark.parametrize(("seed", "n"), [(202, 0), (510, 0), (514, 1), (612, 3)])
def test_a_misread_memo_total_is_set_right_by_a_second_look_at_its_figure(seed, n):
    total, page = memo(seed, n)
    first = fields.extract(rapid.read_page(page).lines)
    assert first.total_paise != total  # the page's reading alone misses it
    assert rapid_fields(page).total_paise == total


# Memos the page's reading got right, unsure, that the second look (as tuned on PP-OCRv4)
# turned wrong, still unsure: the words read within a letter ("... Eishty Three and Twelve
# Paise") over a figure read past reading ("SR.5.283.12"), whose image fitted the words'
# amount too little to be scored at all, so its own likeliest reading won (205/7); and a
# photo's figure read right, "2.32.716.00", beside words misread past parsing, left for a
# digit changed that the words, 33 letters off any amount, scored a letter or two nearer
# (517/1). (404/0, 406/8 and 505/0, pinned here before, are read right and sure at once
# since each line runs to where the page's lines meet, rapid._vanishing: their words whole
# on one line, agreeing with the items and the tax.)
@pytest.mark.parametrize(("seed", "n", "photo"), [(205, 7, False), (517, 1, True)])
def test_a_second_look_keeps_a_right_reading_that_nothing_else_on_the_page_contradicts(
        seed, n, photo):
    total_paise, page = memo(seed, n, photo=photo)
    first = fields.extract(rapid.read_page(page).lines)
    assert (first.total_paise, first.confidence["total_paise"] < SURE) == (total_paise, True)
    assert rapid_fields(page).total_paise == total_paise


def test_words_read_right_and_a_figure_that_allows_them_make_the_total_sure():
    """A photo of memo 404/0: the words read a letter off ("... Five Hundred Eighly Six Only",
    1,65,586.00) and the figure read without its 1 ("65586.00"), so the page's reading was
    unsure; the figure's image offers 1,65,586.00 too: sure. (With PP-OCRv6 no clean memo of
    the 470 searched, study seeds 201-620, did this, as clean memo 202/89 did with PP-OCRv4.)"""
    total, page = memo(404, 0, photo=True)
    first = fields.extract(rapid.read_page(page).lines)
    assert first.confidence["total_paise"] < SURE
    read = rapid_fields(page)
    assert (read.total_paise, read.confidence["total_paise"] >= SURE) == (total, True)


def test_the_arithmetic_and_a_figure_that_allows_it_make_a_misread_total_sure():
    """Memo 609/0: the figure 3,44,531.00 read "3,94,531.00" beside words read past guessing
    ("The La y Four ThndFe rdd Thry On On"), the page's reading wrong and unsure; the page's
    tax arithmetic vouches for 3,44,531.00 and the figure's image offers it: sure."""
    total, page = memo(609, 0)
    first = fields.extract(rapid.read_page(page).lines)
    assert (first.total_paise != total, first.confidence["total_paise"] < SURE) == (True, True)
    read = rapid_fields(page)
    assert (read.total_paise, read.confidence["total_paise"] >= SURE) == (total, True)


def _printed_total(figure_text: str, words: str) -> Image.Image:
    page = Image.new("RGB", (1400, 420), (250, 248, 240))
    pen = Pen(page, fonts.installed(fonts.PRINT)[0], 30, random.Random(1))
    pen.row([(pen.left, "Cement bag 40", "l"), (pen.right, "68,440.00", "r")])
    pen.row([(pen.right - 500, "Total Rs.", "l"), (pen.right, figure_text, "r")])
    pen.row([(pen.left, f"Rupees {words} Only", "l")])
    return page


def test_words_that_a_clear_figure_contradicts_are_never_made_sure():
    """The words read exactly say 1,24,789; the figure, printed clearly, says 1,74,789: the
    second look must not side with the words (nor make either sure)."""
    page = _printed_total("1,74,789.00", "One Lakh Twenty Four Thousand Seven Hundred Eighty Nine")
    read = rapid_fields(page)
    assert read.total_paise != 12478900
    assert read.confidence.get("total_paise", 0.0) < SURE


def test_a_sure_first_reading_pays_for_no_second_look(monkeypatch):
    page = _printed_total("1,74,789.00", "One Lakh Seventy Four Thousand Seven Hundred Eighty Nine")

    def looked(*_args):
        raise AssertionError("looked again at a total the page vouched for")

    monkeypatch.setattr(figure, "looks", looked)
    assert rapid_fields(page).total_paise == 17478900


def test_text_boxes_are_kept_in_the_photos_own_pixels():
    """rapid scales a large photo down to read it; each word keeps its box on the photo, where
    the second look cuts the figure out at full resolution."""
    page = Image.new("RGB", (2560, 600), "white")
    pen = Pen(page, fonts.installed(fonts.PRINT)[0], 60, random.Random(1))
    pen.y = 250
    pen.put(1800, "9,876.50")
    word = next(w for line in rapid.read_page(page).lines for w in line.words if "876" in w.text)
    assert word.box is not None
    left, top, right, bottom = word.box
    assert abs(left - 1800) < 30 and abs(top - 250) < 40 and right > 2000 and bottom < 360


def _columns(path: list[str]) -> np.ndarray:
    """Columns certain of one class each ("" a blank)."""
    folded = np.full((len(path), 1 + len(ctc.KEYS)), 1e-6)
    for column, char in enumerate(path):
        folded[column, 0 if not char else 1 + ctc.KEYS.index(char)] = 1.0
    return folded / folded.sum(axis=1, keepdims=True)


def test_ctc_scores_the_string_the_columns_say_above_any_other():
    folded = _columns(["1", "", "2", "2", "", ".", "5", "0", ""])
    assert ctc.reading(folded) == "12.50"
    assert ctc.log_likelihood(folded, "12.50") > -0.01
    assert ctc.log_likelihood(folded, "12,50") == ctc.log_likelihood(folded, "12.50")
    assert ctc.log_likelihood(folded, "122.50") < -10  # a doubled 2 needs a blank between
    assert ctc.log_likelihood(folded, "17.50") < -10


def test_ctc_offers_the_digit_the_recogniser_also_saw():
    folded = _columns(["1", "", "7", "", "5"])
    folded[2, 1 + ctc.KEYS.index("2")] = 0.3  # the pen's 7 could be a 2
    folded /= folded.sum(axis=1, keepdims=True)
    assert ctc.alternatives(folded) == [["1"], ["7", "2"], ["5"]]
    assert ctc.log_likelihood(folded, "125") > ctc.log_likelihood(folded, "175") - 2


def test_letters_read_in_a_figure_count_as_the_digits_they_look_like():
    charset = ["blank", "C", "l", "q", "7", "."]
    probs = np.eye(len(charset))[[2, 0, 3, 0, 1, 5, 1, 0, 1]]  # "l q C . C C"
    assert ctc.reading(ctc.amount_classes(probs, charset)) == "190.00"


@pytest.mark.parametrize(("paise", "forms"), [
    (12478900, {"1,24,789.00", "124789.00", "1,24,789", "124789"}),
    (45200200, {"4,52,002.00", "452002.00", "4,52,002", "452002"}),
    (61930050, {"6,19,300.50", "619300.50"}),
    (99900, {"999.00", "999"}),
])
def test_an_amount_is_scored_in_each_way_a_hand_writes_it(paise, forms):
    assert figure.written(paise) == forms


def _look(*texts: str) -> figure.Look:
    """A figure recognised as `texts` beyond doubt (a blank between characters), one per crop."""
    crops = tuple(_columns([c for char in text.replace(",", ".") for c in (char, "")])
                  for text in texts)
    return figure.Look(crops, tuple(ctc.log_likelihood(c, ctc.reading(c)) for c in crops))


def test_a_figure_read_with_a_sign_before_it_fits_the_page_reading_only_when_asked():
    """A "₹" the figure's crop reads as a 1, 2 or 7 (vyapar photo, study seed 903 page 31)."""
    assert _look("16,90,202.06").fit(69020206) < -recheck.FITS
    assert _look("16,90,202.06").fit(69020206, signed=True) == pytest.approx(0.0)
    assert _look("76,90,202.06").fit(69020206, signed=True) == pytest.approx(0.0)
    assert _look("96,90,202.06").fit(69020206, signed=True) < -recheck.FITS  # 9 is no sign


def test_a_figures_paise_are_never_doubled_into_a_larger_whole_number():
    """Doubling a digit (CTC reads "44" as "4") in the paise made "8678.40" read "8678.400",
    86,78,400.00, which replaced a Tally page's right total (fresh seed 293, tally photo 30)."""
    readings = _look("8678.40").readings()
    assert {867840, 8667840, 8677840} <= readings  # a digit of the rupees doubled
    assert max(readings) < 10_000_000


@pytest.mark.parametrize(("crops", "total"), [
    (("16,90,202.06",), 69020206),  # the words choose the page's reading: it stays, unsure
    (("6,90,202.06", "16,90,202.06"), 69020206),  # a crop that truly shows the 1: not sure
])
def test_a_figure_with_a_digit_before_the_page_reading_never_makes_it_sure(monkeypatch, crops,
                                                                          total):
    """The page read 6,90,202.06 and its tax sum says so; the figure alone reads a digit before
    it, in one crop or both. A "₹" read as a digit or a 1 the page's reading lost: the image
    cannot tell, so the reading stays and the partner confirms it."""
    lines = [Line(tuple(Word(w, 0.97) for w in text.split())) for text in (
        "Taxable Value 5,84,917.00", "CGST 52,642.53", "SGST 52,642.53",
        "Rupees Six Lakh Ninety Thousand Two Hundred Two and Six Paise Only",
        "Total 6,90,202.06")]
    monkeypatch.setattr(figure, "looks", lambda *_args: [_look(*crops)])
    read = InvoiceRead()
    read.set("total_paise", 69020206, 0.6)
    recheck.recheck(Image.new("RGB", (1400, 900), "white"), lines, read)
    assert (read.total_paise, read.confidence["total_paise"] < SURE) == (total, True)


def test_a_total_the_page_did_not_read_is_left_to_the_partner_unless_sure(monkeypatch):
    """No figure was read beside the label (total.FLOOR: the partner types a total the page
    did not give); the second look's reading alone, unconfirmed by words, does not fill it."""
    lines = [Line((Word("Total", 0.99, (800, 700, 900, 740)), Word("Rs.", 0.99,
                                                                   (910, 700, 960, 740))),
                  (800, 700, 960, 740))]
    monkeypatch.setattr(figure, "looks", lambda *_args: [_look("1,74,789.00")])
    read = InvoiceRead()
    recheck.recheck(Image.new("RGB", (1400, 900), "white"), lines, read)
    assert read.total_paise is None
    said = "Rupees One Lakh Seventy Four Thousand Seven Hundred Eighty Nine Only"
    words = Line(tuple(Word(w, 0.9) for w in said.split(" ")))
    recheck.recheck(Image.new("RGB", (1400, 900), "white"), [*lines, words], read)
    assert (read.total_paise, read.confidence["total_paise"]) == (17478900, 0.95)


@pytest.mark.parametrize(("seen", "paise"), [
    ("5,20,821.26", 52_082_126), ("9,20,821.26", 92_082_126), ("1,29,226.00", None)])
def test_words_that_tie_two_amounts_leave_the_choice_to_the_figure(monkeypatch, seen, paise):
    """"Fine Lakh" is five or nine lakh (memo 74 of bench seed 203): the figure's image
    chooses between them, unsure; a figure that says neither leaves the total to the
    partner."""
    box = (867, 762, 977, 794)
    said = "Rupees FINE LAKH TWENTY THOUSAND EIGHT HUNDRED TWENTY ONE AND TWENTY SIx PAISE ONLY"
    lines = [Line((Word("Total", 0.98, box), Word("Rs.", 0.98, box)), box),
             Line(tuple(Word(w, 0.87) for w in said.split(" ")))]
    monkeypatch.setattr(figure, "looks", lambda *_args: [_look(seen)])
    read = InvoiceRead()
    recheck.recheck(Image.new("RGB", (1500, 900), "white"), lines, read)
    assert read.total_paise == paise
    assert read.confidence.get("total_paise", 0.0) < SURE
    # A total the page read already, which the image and the tie agree with, keeps its
    # confidence (memo 39 of bench seed 201, "Five" read "Fine").
    if paise is not None:
        read = InvoiceRead()
        read.set("total_paise", paise, 0.7)
        recheck.recheck(Image.new("RGB", (1500, 900), "white"), lines, read)
        assert (read.total_paise, read.confidence["total_paise"]) == (paise, 0.7)


def test_words_guessed_loosely_that_the_figure_offers_are_asked(monkeypatch):
    """Bench seed 506, memo 16: the figure read "6,0,733.7" (no total), the words misread past
    an exact reading ("Minety Tu Paise": ninety two); the second look's figure offers the
    amount the words were guessed as: the partner is asked to confirm it."""
    box = (865, 715, 1420, 755)
    said = ("RupeesSis Lakn Minety Tuusand Tue Hundred Thirty Threeand Minety Tu Paise Chly")
    lines = [Line((Word("Total", 0.96, box), Word("Rs.", 0.96, box),
                   Word("6,0,733.7", 0.75, box)), box),
             Line(tuple(Word(w, 0.85) for w in said.split(" ")))]
    read = fields.extract(lines)
    assert read.total_paise is None
    monkeypatch.setattr(figure, "looks", lambda *_args: [_look("6,90,233.92")])
    recheck.recheck(Image.new("RGB", (1500, 900), "white"), lines, read)
    assert read.total_paise == 69_023_392
    assert read.confidence["total_paise"] < SURE


def test_a_figure_the_arithmetic_vouches_for_is_taken_over_readings_nothing_vouches_for(
        monkeypatch):
    """Bench seed 502, memo 22: the figure "8,36,441.00" read "8,36,491.00" on the page; the
    second look reads 8,36,441.00 likeliest, the items at 18 % with the round-off say it, the
    words ("Run Hendued": four or nine hundred) cannot tell it from 8,36,941.00: sure."""
    box = (866, 880, 1420, 924)
    said = "Rupees EightCatThintyiThouandRun Hendued FobtyOneOnty"
    lines = [*(Line(tuple(Word(w, 0.9) for w in text.split())) for text in MEMO_502_22),
             Line((Word("Total", 0.96, box), Word("Rs.", 0.96, box),
                   Word("8,36,491.00", 0.97, box)), box),
             Line(tuple(Word(w, 0.74) for w in said.split(" ")))]
    read = fields.extract(lines)
    assert read.confidence["total_paise"] < SURE
    monkeypatch.setattr(figure, "looks", lambda *_args: [_look("8,36,441.00")])
    recheck.recheck(Image.new("RGB", (1500, 1100), "white"), lines, read)
    assert (read.total_paise, read.confidence["total_paise"]) == (83_644_100, 0.95)


# The layouts bench/ocr.py drew its n-th bill in when these pages were pinned (before "tally"
# joined them): the same (seed, n) is the same page whatever layouts are added since.
SIX = ("table", "two-column", "plain", "thermal", "memo", "dot-matrix")


def bench_page(seed: int, n: int, photo: bool = False) -> tuple[int, Image.Image]:
    """bench/ocr.py's n-th bill of `seed` in its layout, clean or photographed."""
    rng = random.Random(seed * 100_000 + n)
    bill = bills.bill(rng)
    page = layouts.render(bill, rng, SIX[n % len(SIX)], hindi=rng.random() < 0.3)
    return bill.truth.total_paise, camera.photograph(page, rng) if photo else page


# Pages where the second look took a right total for a wrong one (bench/ocr.py seed 302, main
# at d77b64b): a memo's figure "3n&CC.CC" offered 0; a dot-matrix bill's "Total Tax Amount"
# read "ota ax Amount" (like "Total Amount") was looked at beside "Grand Total", and its
# 1,173.06 fitted best; and "INR417" looked at whole, its R recognised as a 1 (1,417.00).
# And the figure's paper reaching back into "Rs." read glued to it: "5.1.16.548.6" took the
# page's right 1,16,548.60 for 1,16,548.66 (seed 401, dot-matrix photo 11, branch ocrdot).
@pytest.mark.parametrize(("seed", "n", "photo"), [(302, 16, False), (302, 17, False),
                                                   (302, 7, True), (401, 11, True)])
def test_a_second_look_keeps_to_the_total_line_and_to_amounts_a_total_can_be(seed, n, photo):
    total, picture = bench_page(seed, n, photo)
    assert rapid_fields(picture).total_paise == total


def test_a_slanted_figure_is_read_again_along_its_slant():
    """A photo taken at an angle: the total's text box slants 11 degrees, and its upright
    rectangle held half the lines above and below, so the second look read no amount at all.
    Cut out along its slant, the figure reads 4,27,087.68 on every crop (the page's reading,
    scaled down, took the dot-matrix 0 for an 8: bench/ocr.py seed 401, dot-matrix photo 23).
    The page's reading is not replaced by it: on seed 404's clean dot-matrix 17 the same
    rule read a right 7,78,927 as 7,70,927."""
    total_paise, picture = bench_page(401, 23, photo=True)
    lines = rapid.read_page(picture).lines
    seen = figure.looks(picture, lines, total.strongest(lines))
    assert [look.reading() for look in seen] == [total_paise]


def photo(seed: int, n: int) -> tuple[int, Image.Image]:
    """bench/ocr.py's n-th bill of `seed` as a phone photo: its total, the photo."""
    rng = random.Random(seed * 100_000 + n)
    bill = bills.bill(rng)
    page = layouts.render(bill, rng, SIX[n % len(SIX)], hindi=rng.random() < 0.3)
    return bill.truth.total_paise, camera.photograph(page, rng)


def test_a_quantity_on_the_item_tables_total_row_never_replaces_the_total():
    # Seed 602, dot-matrix photo 47: "rotal 60" (the item table's Total row, its quantity)
    # and "Bet Total: Rs. 7,296/": the second look took the bare 60 for the total's figure.
    paise, picture = photo(602, 47)
    assert rapid_fields(picture).total_paise == paise


def test_a_rupee_sign_read_as_a_one_again_by_the_second_look_is_not_sure(monkeypatch):
    """Vyapar's "₹ 7,991.04" on the item table's Total row read "17,991.04", its Sub Total
    "₹ 6,243.00" read "16,243.00": the arithmetic vouches for the misread, and the second look
    at the Total row's figure read the sign as a 1 again (vyapar photo, study seed 701 page
    15: 17,991.04 read sure), where "Total 7,991.04" lower on the page has it without."""
    texts = ["Tile Adhesive 20 3214 12.Bag 1.520.25 1,748.04(28%) 97.,991.04",
             "Total 12 1,748.04 17,991.04", "Sub Total 16,243.00", "oice Amount In Words 874.02",
             "Seven Thousand Nine Hu SGST@14N", "CGST@14% 874.02", "Terms And Cond Yotal 7,991.04",
             "Thanks for doing bu 10.00", "7,991.04"]
    lines = [Line(tuple(Word(w, 0.95) for w in text.split())) for text in texts]
    read = fields.extract(lines)
    assert read.confidence["total_paise"] < SURE
    monkeypatch.setattr(figure, "looks", lambda *_args: [_look("17,991.04")])
    recheck.recheck(Image.new("RGB", (1200, 1600), "white"), lines, read)
    assert read.confidence["total_paise"] < SURE


def test_the_words_under_vyapars_in_words_label_not_the_label_beside_a_figure():
    """Vyapar prints "Invoice Amount In Words" beside "Sub Total Rs. 47,660.00", its words on
    the line below ("Fifty Three Thousand … Rupees and Twenty Paise only"). The second look
    scored the amounts against the label's line, where a short amount's spelling is nearer:
    a total read right, 53,379.20, became 2,00,030.00 (study seed 813, vyapar photo 7)."""
    rng = random.Random(813 * 100_000 + 7)
    bill = bills.bill(rng)
    page = layouts.render(bill, rng, "vyapar", hindi=rng.random() < 0.3)
    read = rapid_fields(camera.photograph(page, rng))
    assert read.total_paise == bill.truth.total_paise == 5_337_920
    assert read.confidence["total_paise"] < SURE  # the misread tax lines vouch for nothing


def test_the_second_look_is_at_the_totals_figure_not_at_vyapars_words_label():
    """Vyapar's "Invoice Amount In Words" read "In Wornds", beside "Sub Total": as
    "Invoice Amount" it was the surest total label, and the second look at its figure put
    the sub-total, 1,72,549.25, over the Total 2,20,863.00 read (study seed 811, vyapar
    photo 7)."""
    rng = random.Random(811 * 100_000 + 7)
    bill = bills.bill(rng)
    page = layouts.render(bill, rng, "vyapar", hindi=rng.random() < 0.3)
    assert rapid_fields(camera.photograph(page, rng)).total_paise == bill.truth.total_paise


def test_the_second_look_at_a_bill_books_total_leaves_out_its_paise_column():
    """Looked at with the rupees, "14,413 | 00" read "1441300", 14,41,300.00, which replaced
    the page's right total (an unseen hand-filled bill book)."""
    words = [Word("G.", 0.9, (100, 0, 130, 40)), Word("Total", 0.9, (140, 0, 240, 40)),
             Word("14,413", 0.9, (600, 0, 760, 40)), Word("00", 0.9, (820, 0, 860, 40))]
    assert figure.figure_box(Line(tuple(words)), 1000) == (600, 0, 760, 40)
    words[2] = Word("14,413.50", 0.9, (600, 0, 760, 40))  # then "00" is no paise column
    assert figure.figure_box(Line(tuple(words)), 1000) == (600, 0, 860, 40)


def test_rupees_looked_at_apart_from_their_paise_column_say_the_amount_with_those_paise():
    """"G. Total 14,413 | 35": the crop holds "14,413", and the amount it says is 14,413.35,
    never 14,413.00 (which would replace the page's right reading) nor 14,41,335.00."""
    whole = _look("14,413")
    look = figure.Look(whole.crops, whole.bests, apart=35)
    assert look.reading() == 1_441_335 and 1_441_335 in look.readings()
    assert look.fit(1_441_335) == pytest.approx(0.0)
    assert look.fit(1_441_300) == float("-inf") and look.fit(144_133_500) == float("-inf")


def test_arithmetic_that_words_read_closely_contradict_never_makes_a_second_look_sure(
        monkeypatch):
    """A dot-matrix 0 read as 8 in the taxable value and in the total alike kept the sum
    (33,657.58 + 2 x 2,019.45 = 37,696.48), and the figure looked at again offered it, beside
    words read letter for letter that say 37,696.40: credited wrong without asking (fresh
    seed 311, dot-matrix photo 13). The partner confirms it instead."""
    box = (600, 500, 1200, 540)
    lines = [Line(tuple(Word(w, 0.95) for w in text.split())) for text in (
        "1 TMT Bar 12mm 7214 107 kg 62.50 6,687.50",
        "2 PVC Pipe 4in 6m 3917 58 pcs 465.00 26,970.00",
        "Total 165 33,657.58", "Total Taxable Value: 33,657.58", "Add: CGST 6%: 2,019.45",
        "Add: SGST 6%: 2,019.45",
        "Amount in words: Rupees Thirty Seven Thousand Six Hundred Ninety Six and Forty "
        "Paise Only")]
    lines.append(Line((Word("Total", 0.96, box), Word("Amount", 0.96, box),
                       Word("Due:", 0.96, box), Word("INR", 0.96, box),
                       Word("37,696.48", 0.97, box)), box))
    read = fields.extract(lines)
    assert (read.total_paise, read.confidence["total_paise"] < SURE) == (3_769_648, True)
    monkeypatch.setattr(figure, "looks", lambda *_args: [_look("37,696.48")])
    recheck.recheck(Image.new("RGB", (1500, 700), "white"), lines, read)
    assert read.confidence["total_paise"] < SURE
