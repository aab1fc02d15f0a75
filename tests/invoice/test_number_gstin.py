"""The invoice number and the seller's GSTIN as PP-OCRv6 read them on dot-matrix pages
(bench/ocr.py study seeds 601 and 602): labels misread, digits misread, and GSTINs that a
repair would pass by chance. A number or GSTIN that may be wrong stays unsure (the partner
confirms it)."""

from __future__ import annotations

import pytest

from workers.ocr.fields import extract
from workers.ocr.lines import Line, Word
from workers.ocr.repair import AS_READ, DEMANDED, GUESSED, repair_gstin

SURE = 0.8  # INVOICE_MIN_CONFIDENCE: below it the partner confirms the field


def page(*texts: str, conf: float = 0.97) -> list[Line]:
    return [Line(tuple(Word(w, conf) for w in text.split())) for text in texts]


def header(gstin_line: str, number_line: str, buyer: str = "GSTIN: 07WCHPJ6847F1ZU"):
    return page("Sai Traders & Co.", "MG Road, Indore 452001", gstin_line, "Ph: 9804977903",
                "TAX INVOICE", number_line, "Date: 17/01/2026", "Bill To: Sharma Construction",
                buyer)


@pytest.mark.parametrize(("read", "found", "how"), [
    ("27AAACS1234P1Z7", "27AAACS1234P1Z7", AS_READ),
    ("25SVRCE2744B123", "25SVRCE2744B1Z3", DEMANDED),  # "Z" read 2 where Z must be
    ("Z7AAACSI234PIZ7", "27AAACS1234P1Z7", DEMANDED),  # letters in digit places, I/1
    ("E27AAACS1234P1Z7", "27AAACS1234P1Z7", DEMANDED),  # the label's colon read E
    # seed 601, dot-matrix clean 47: "Y" read "M", past repair; 1->7 and 1->J pass instead
    ("35AMMCE9134G1Z3", "35AMMCE9734GJZ3", GUESSED),
    ("21BXRCD4168M223", "21BXRCD4163MZZ3", GUESSED),  # clean 71: 0 read 8; 8->3 passes
    ("35CVEVU3827G2ZT", "35CVEVU3327GZZ7", GUESSED),  # photo 113: Y read V
    ("270AAACS1234P1Z7", "27AAACS1234P1Z7", GUESSED),  # a character dropped in between
])
def test_a_repair_is_told_apart_from_a_guess(read, found, how):
    assert repair_gstin(read) == (found, how)


@pytest.mark.parametrize("gstin_line", [
    "GSTTN: 35AMMCE9134G1Z3", "GSTIM: 21BXRCD4168M223", "GSTIN:35CVEVU3827G2ZT"])
def test_a_seller_gstin_the_checksum_passes_only_by_a_guess_is_confirmed(gstin_line):
    read = extract(header(gstin_line, "Inv. No.: SI/44815"))
    assert read.confidence["seller_gstin"] < SURE


def test_a_gstin_whose_shape_alone_mends_it_stays_sure():
    read = extract(header("GSTIN:25SVRCE2744B123", "Inv. No.: SI/85721"))
    assert read.seller_gstin == "25SVRCE2744B1Z3"
    assert read.confidence["seller_gstin"] >= SURE


def test_a_gstin_after_a_seller_gstin_that_could_not_be_read_is_confirmed():
    # seed 601, dot-matrix photo 53: the seller's GSTIN misread past repair and the buyer's
    # label read "nill zo:", so the buyer's GSTIN was the seller's, sure.
    lines = page("AGARWAL PAINTS & CHEMICALS", "Main Bazar, Habli 580020",
                 "GSTIN: 07HECDP3421A32J", "Ph: 9807597612", "TAX INVOICE",
                 "Bill No.: ST/2026/03247", "Dated: 01 Jan 2026",
                 "nill zo: Gupta Hardware Stores", "GSTIN: 35CPNCC1484Y3ZK")
    read = extract(lines)
    assert read.confidence["seller_gstin"] < SURE


@pytest.mark.parametrize(("number_line", "number"), [
    ("Bill No.: ST/2026/03247", "ST/2026/03247"),
])
def test_a_number_on_a_page_whose_gstins_read_right_stays_sure(number_line, number):
    read = extract(header("GSTIN: 07HECDP3423A3ZJ", number_line))
    assert read.invoice_number == number
    assert read.confidence["invoice_number"] >= SURE


@pytest.mark.parametrize(("number_line", "number"), [
    ("Bill No.SI/6A27 Date: 18.02.26", "SI/6A27"),  # seed 601, memo photo 64: a 4 read A
    ("Invoice Mo: INY-6Z320", "INY-6Z320"),  # seed 602, dot-matrix clean 29: 2 read Z
    ("Bill No.TI-T7467 Date: 18 Jan 2026", "TI-T7467"),  # seed 602, memo photo 40: 7 read T
])
def test_a_letter_among_a_serials_digits_is_confirmed(number_line, number):
    read = extract(header("GSTIN: 07HECDP3423A3ZJ", number_line))
    assert read.invoice_number == number
    assert read.confidence["invoice_number"] < SURE


@pytest.mark.parametrize(("number_line", "number"), [
    ("Invotce No.: TI-93237", "TI-93237"),  # seed 601, dot-matrix clean 77
    ("Invcice Number: ST/2026/C9198", "ST/2026/09198"),  # clean 107: its 0's read C
    ("Tax Invoice Mo.: TI-90400", "TI-90400"),  # seed 602, dot-matrix clean 23
    ("Tnvo1ce $: $T/2026/06638", "ST/2026/06638"),  # clean 35
    ("8i11 No.: ST/32287", "ST/32287"),  # seed 601, dot-matrix photo 71
])
def test_a_number_under_a_misread_label_is_read_and_confirmed(number_line, number):
    read = extract(header("GSTIN: 07HECDP3423A3ZJ", number_line))
    assert read.invoice_number == number
    assert read.confidence["invoice_number"] < SURE


def test_a_numbers_own_leading_c_is_kept():
    # seed 604, table 30: "C38105" is no 038105
    assert extract(page("GSTIN: 07HECDP3423A3ZJ", "Invoice No: C38105")).invoice_number == (
        "C38105")


@pytest.mark.parametrize("text", ["Delivery No: 5521", "Bill Mode: Cash 1200"])
def test_other_labels_are_no_invoice_number(text):
    assert extract(page("GSTIN: 07HECDP3423A3ZJ", text)).invoice_number is None


def boxed(*rows: list[tuple[str, tuple[int, int, int, int]]]) -> list[Line]:
    """Lines of text boxes as PP-OCR reads them: each box's words share its box."""
    return [Line(tuple(Word(w, 0.98, box) for text, box in row for w in text.split()))
            for row in rows]


def test_a_number_in_a_cell_under_its_label_is_the_invoice_number():
    # TallyPrime's Tax Invoice: "Invoice No." and "Dated" label cells, their values bold
    # under them; the seller's name and address share those lines (bench/ocr.py study seed
    # 701, tally page 6: no number read).
    lines = boxed([("Mahalaxmi Steel Traders", (76, 98, 391, 135)),
                   ("Invoice No.", (828, 92, 947, 130)), ("Dated", (1201, 90, 1280, 130))],
                  [("MG Road, Indore 452001", (78, 136, 368, 168)),
                   ("INV-56231", (828, 130, 964, 168)), ("1-Feb-26", (1204, 129, 1325, 168))],
                  [("GSTIN/UIN:28HSBHY5858H2ZA", (79, 172, 458, 204)),
                   ("Delivery Note", (826, 159, 976, 202))])
    read = extract(lines)
    assert read.invoice_number == "INV-56231"
    assert read.confidence["invoice_number"] >= SURE


def test_a_number_under_another_label_is_not_the_invoice_number():
    # Only the box under the label's own: the "Dated" cell's date and the address's PIN
    # code beside it are not the number.
    lines = boxed([("Invoice No.", (828, 92, 947, 130)), ("Dated", (1201, 90, 1280, 130))],
                  [("Pune 411037", (78, 136, 368, 168)), ("1-Feb-26", (1204, 129, 1325, 168))])
    assert extract(lines).invoice_number is None


def test_a_number_label_that_lost_its_first_letter_is_still_the_label():
    # A photo of TallyPrime's cells: "Invoice No." read "nvoice No." (its I lost at the edge
    # of the text box), the number under it. Read, but the partner confirms it.
    lines = boxed([("Laxmi Building Materials", (204, 210, 395, 244)),
                   ("nvoice No.", (753, 199, 815, 217)), ("Dated", (1023, 191, 1064, 209))],
                  [("G.T. Road, Ludhiana 141003", (204, 228, 402, 261)),
                   ("INV-08065", (743, 213, 839, 244)), ("6-Mar-26", (1020, 207, 1108, 234))])
    read = extract(lines)
    assert read.invoice_number == "INV-08065"
    assert read.confidence["invoice_number"] < SURE


def test_a_buyer_gstin_under_the_buyers_name_and_address_is_the_buyers():
    # TallyPrime prints the buyer's GSTIN three lines under "Buyer (Bill to)": it was read as
    # no one's, and the partner's invoices counted against the cap on invoices not billed to
    # them (models/invoices/fraud.py).
    lines = page("Sai Traders & Co.", "Ring Road, Surat 395002", "GSTIN/UIN: 27AAACS1234P1Z7",
                 "Buyer (Bill to)", "Deepak Electricals", "Shop 4, Station Road",
                 "Surat 395002", "GSTIN/UIN : 07WCHPJ6847F1ZU", "State Name : Gujarat, Code : 24",
                 "Company's PAN : AAACS1234P", "GSTIN: 27AAACS1234P1Z7")
    read = extract(lines)
    assert (read.seller_gstin, read.buyer_gstin) == ("27AAACS1234P1Z7", "07WCHPJ6847F1ZU")
    assert read.confidence["seller_gstin"] >= SURE


def test_the_sellers_gstin_printed_again_under_the_buyer_is_not_the_buyers():
    lines = page("Sai Traders & Co.", "GSTIN: 27AAACS1234P1Z7", "Bill To: Cash Customer",
                 "Surat 395002", "1 OPC 53 Grade Cement 2523 10 Bag 3,800.00",
                 "Grand Total 4,484.00", "for Sai Traders & Co. GSTIN: 27AAACS1234P1Z7")
    assert extract(lines).buyer_gstin is None
