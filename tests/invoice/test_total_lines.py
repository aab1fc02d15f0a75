"""The amounts real Indian bills print near their total that are not it (a Total GST line, the
amount before tax, what was paid and is owed, the buyer's running account), and amounts as
engines run them together or cut them apart on a photo (tests/invoice/totals.py draws them)."""

from __future__ import annotations

import pytest

from tests.invoice.test_total import SURE, page
from workers.ocr.labels import label_weight
from workers.ocr.lines import Line, Word
from workers.ocr.total import amounts, find, strongest
from workers.ocr.words import amount_in_words


def test_a_total_gst_line_is_the_sum_of_the_taxes_not_one_more_tax():
    # Tally and Busy print "Total GST" (or "GST Amount") under CGST and SGST: counted as a
    # third tax, the sum came out 18,000.00 over and the printed total was left unchecked.
    for label in ("Total GST", "GST Amount"):
        lines = page("Taxable Value 1,00,000.00", "CGST 9% 9,000.00", "SGST 9% 9,000.00",
                     f"{label} 18,000.00", "Grand Total 1,18,000.00")
        assert find(lines) == (11_800_000, pytest.approx(0.95)), label


@pytest.mark.parametrize("label", ["Total Outstanding", "Total Amount Received",
                                   "Paid Amount"])
def test_the_buyers_running_account_under_the_total_is_not_the_total(label):
    # Vyapar and Marg print what was paid and the buyer's account under the invoice total;
    # "Total Outstanding" (previous balance plus this bill) is the largest amount on the page.
    lines = page("Grand Total 1,18,000.00", "Previous Balance 50,000.00",
                 f"{label} 1,68,000.00")
    assert find(lines)[0] == 11_800_000


def test_the_amount_before_tax_is_the_taxable_value_of_the_arithmetic():
    # "Total Amount before Tax" of the GST invoice format, not "Taxable Value": the tax sum
    # was taken over the item lines alone, one of which was misread (bench seed 1 photo).
    lines = page("2 PPCCement 2523 127bag 35025 44.481.75", "Amount beforeTax250.731.75",
                 "CGST:22565.85", "SGST:22565.86", "TOTAL:Rs2.95.863.46")
    assert find(lines) == (29_586_346, pytest.approx(0.95))


@pytest.mark.parametrize(("texts", "paise"), [
    # A tilted photo puts the tax column's last amount on the total's line (bench seed 203,
    # dot-matrix photo 5): read as one amount with a space in a group, 5945571213005937 paise.
    (("Taxable Value IGST28 4,64,497.75", "Total Anount Due Rs.5,94,557.12 1,30,059.37",
      "Balance Due 0.08"), 59_455_712),
    # The item table's total quantity with a dot read in it ("4.38") before its amount
    # (seed 202, dot-matrix page 17): 4,38,20,13,888.50 was the page's largest "Total".
    (("Total 4.38 2,01,388.50", "Amount betore Tax 2.81,388.59", "Add: IGST 24,166.62",
      "Net Payable 2,25,555.00"), 22_555_500)])
def test_two_amounts_side_by_side_are_not_joined_into_one(texts, paise):
    assert find(page(*texts))[0] == paise


@pytest.mark.parametrize(("text", "paise"), [
    ("Net Amount Payable Rs.2,67,849-", 26_784_900), ("Grand Total 1,18,000/", 11_800_000),
    ("Net Amount Payable Rs.2,67.849-", 26_784_900)])
def test_a_total_whose_slash_dash_was_read_in_part(text, paise):
    # "/-" after a whole-rupee total, its slash or its dash lost in a photo (seed 203, photo
    # 13): the amount was cut at the last separator before it ("2,67": 267 rupees).
    assert find(page(text))[0] == paise


def test_an_items_rate_and_amount_stay_two_amounts():
    # "640.003,560.00" is grouped as amounts are, but its first part is complete with its
    # paise (seed 202, dot-matrix photo 11): joined, it was the page's largest amount.
    line = page("3 MCB 33A Double Pole 8536 4pea 640.00 3,560.00")
    assert [a.paise for a in amounts(line) if a.marked] == [64_000, 356_000]


def test_a_gst_amount_line_is_a_part_not_a_misread_total_amount():
    # "GST Amount" is three edits from "Total Amount": taken for a misread total label
    # (seed 202, dot-matrix photo 11), it was the total of a page whose total was not read.
    assert find(page("Taxable Value 1,63,441.50", "GST Amount 29,419.47")) is None


@pytest.mark.parametrize(("text", "paise"), [
    # Two separators read where the photo had one (bench seed 601, memo photo 118): no total.
    ("Total Rs. 6,71,.870.46", 67_187_046),
    # The slash of "/-" read as a 1 (seed 601, memo photo 88): no amount as read.
    ("Total Rs. 29,9501-", 2_995_000),
    # The T of "Total" read as a P (seed 601, memo photo 64): no total label.
    ("Potal Rs 4.46,767.00", 44_676_700)])
def test_a_total_misread_by_a_character_in_a_photo_is_still_read(text, paise):
    assert find(page(text))[0] == paise


def test_a_faded_zero_read_c_still_states_the_taxable_value():
    # "2,78,345.c0" (seed 601, dot-matrix photo 71): the taxable value was lost, the tax
    # arithmetic with it, and the total read with a digit changed could not be checked.
    lines = page("Taxable valus: 2,78,345.c0", "CGST 14%: 38.968.30", "SGST 14%:38,968.30",
                 "Round off: +0.40", "Invoice Value: Rs.3,56,282.00")
    assert find(lines) == (35_628_200, pytest.approx(0.95))


@pytest.mark.parametrize("label", ["Total Outetanding", "Total Amount Recelved"])
def test_the_buyers_account_misread_by_a_letter_is_still_not_the_total(label):
    # A photo's "Total Outstanding" read "Outetanding" (a study seed's dot-matrix photo): the
    # larger amount under it was taken for the total over "Grand Total Rs 5.71,458/-".
    lines = page("Grand Total: Rs 5.71,458/-", f"{label}: 12,22,712.00")
    assert find(lines)[0] == 57_145_800


def test_a_part_of_the_total_misread_by_a_letter_stays_a_part():
    # "Tetal" (seed 601, dot-matrix photo 71) is a total's label; "Totat Tax" is not one.
    assert label_weight("Tetal") == label_weight("Total")
    assert not label_weight("Totat Tax")


def test_rupees_read_with_a_b_still_starts_the_amount_in_words():
    lines = page("Grand Total 1,18,000.00", "Bupees One Lakh Eighteen Thousand Only")
    assert find(lines) == (11_800_000, pytest.approx(0.95))


def test_a_round_off_read_without_its_minus_still_rounds_to_the_rupee():
    # Seed 601, dot-matrix photo 95: "Round off 0.43" taken off the taxes' sum; added, the
    # sum was 3,76,642.86 and the printed 3,76,642 went unchecked.
    lines = page("Taxable Amount 3,19,188.50", "Add: CGST 9% 28,726.96",
                 "Add: SGST 9% 28,726.97", "SHREE Round off 0.43", "Rs. 3,76,642", "Grand Total")
    assert find(lines) == (37_664_200, pytest.approx(0.95))


def _boxed(*rows: tuple[str, tuple[int, int, int, int]]) -> list[Line]:
    return [Line(tuple(Word(w, 0.97) for w in text.split()), box) for text, box in rows]


def test_a_figure_the_photos_slant_raised_over_its_label_is_the_total():
    # Thermal photo (bench seed 605, 9): the figure, right of "Net Payable", was read as a
    # line of its own above it (its middle within the label's height): no total was read.
    lines = _boxed(("306114.00", (798, 948, 950, 981)), ("Sub Total", (169, 977, 342, 1011)),
                   ("42855.96", (798, 1004, 930, 1039)), ("CGST", (147, 1024, 237, 1059)),
                   ("SGST 42855.96", (152, 1066, 908, 1101)),
                   ("391825.92", (723, 1140, 912, 1174)), ("Net Payable", (110, 1152, 351, 1200)),
                   ("CASH", (117, 1196, 209, 1233)), ("392000.00", (706, 1216, 871, 1251)),
                   ("CHANGE 174.08", (117, 1241, 884, 1287)))
    assert find(lines)[0] == 39_182_592
    assert strongest(lines) == [5]
    # Not a figure lower than the label's middle band, nor one left of the label.
    assert find(_boxed(("391825.92", (723, 1100, 912, 1140)),
                       ("Net Payable", (110, 1152, 351, 1200)))) is None
    assert find(_boxed(("391825.92", (20, 1140, 100, 1174)),
                       ("Net Payable", (110, 1152, 351, 1200)))) is None


def test_a_tax_label_whose_s_was_read_8_is_still_the_tax():
    # "IG8T" for IGST (bench seed 608, plain photo 44): without the tax the arithmetic
    # (taxable value + IGST) did not vouch for the printed total.
    lines = page("Taxable 2,05,628.75; IG8T 37,013.17", "Total Amount 2,42,641.92")
    assert find(lines) == (24_264_192, pytest.approx(0.95))


def test_a_group_comma_read_as_a_slash_keeps_the_total_one_amount():
    # "2,42/641.92" (the same photo): cut at the slash, no total was read at all.
    lines = page("Taxable 2,05,628.75; IG8T 37,013.17", "Total Amount 2,42/641.92")
    assert find(lines) == (24_264_192, pytest.approx(0.95))
    assert find(page("Total Amount 2,42/641.92"))[0] == 24_264_192
    # A date is no amount: "12/2025" after "Total 1,05" stays apart.
    assert [a.paise for a in amounts(page("Dated 23/12/2025"))] != [2_312_202_500]


def test_the_total_quantity_on_tallys_total_row_leaves_the_total_its_label():
    # TallyPrime's Total row: "Total 500 Bags ₹ 70,800.00". The amount's label was the words
    # since the quantity ("Bags"): no total label, and with the amount in words lost (a photo)
    # no total at all; the quantity is no amount.
    lines = page("1 OPC 53 Grade Cement 2523 500 Bags 120.00 Bags 60,000.00",
                 "CGST 5,400.00", "SGST 5,400.00", "Total 500 Bags ₹ 70,800.00")
    assert [a.paise for a in amounts(lines) if a.line == 3] == [7_080_000]
    assert amounts(lines)[-1].label.strip().startswith("Total")
    # the item line (its rate's unit before the amount) and the taxes vouch for it
    assert find(lines) == (7_080_000, pytest.approx(0.95))


def test_the_tax_in_words_under_tallys_tax_summary_is_not_the_totals_words():
    # "Tax Amount (in words) : INR Ten Thousand Eight Hundred Only" under the HSN/SAC summary,
    # the total's own words lost (a photo): the tax's words chose the summary's total tax,
    # 10,800.00, over the page's Total 70,800.00.
    lines = page("Total 70,800.00", "Amount Chargeable (in words) E. & O.E",
                 "2523 60,000.00 9% 5,400.00 9% 5,400.00 10,800.00",
                 "Total 60,000.00 5,400.00 5,400.00 10,800.00",
                 "Tax Amount (in words) : INR Ten Thousand Eight Hundred Only")
    assert find(lines)[0] == 7_080_000


def test_the_amount_in_words_under_tallys_label_vouches_for_the_total():
    # "Amount Chargeable (in words)" with "E. & O.E" at its right, the words on the next line.
    lines = page("CGST 5,400.00", "SGST 5,400.00", "Total 500 Bags ₹ 70,800.00",
                 "Amount Chargeable (in words) E. & O.E", "INR Seventy Thousand Eight Hundred Only",
                 "Tax Amount (in words) : INR Ten Thousand Eight Hundred Only")
    assert find(lines) == (7_080_000, pytest.approx(0.95))


def test_vyapars_words_put_the_rupees_before_the_word_rupees():
    # Vyapar's A4 theme: "Invoice Amount In Words" on its own line, then "... Twenty One
    # Rupees only" (or "... Rupees and Thirty Two Paisa only") beside the totals block, the
    # words read with the summary's next row (bench layout vyapar, study seed 703 page 0). The
    # words were not read, and a total whose arithmetic was misread went unchecked.
    lines = page("Invoice Amount In Words Sub Total 4,89,214.75",
                 "Five Lakh Forty Seven Thousand Nine Hundred Twenty One Rupees only SGST@6% "
                 "29,352.89",
                 "Terms And Conditions Total 5,47,921.00", "Received 5,47,921.00", "Balance 0.00")
    assert find(lines) == (54_792_100, pytest.approx(0.95))
    assert amount_in_words("Eight Thousand Six Hundred Thirty Six Rupees and Thirty Two Paisa "
                           "only SGST@6% ₹ 462.66") == 863_632
    assert amount_in_words("Sub Total in Rupees only") is None


def test_a_rupee_sign_read_as_a_one_is_not_vouched_for_by_sums_it_misread_alike():
    # Vyapar prints "₹" before every amount. A photo read "₹ 6,243.00" and "₹ 7,991.04" as
    # "16,243.00" (Sub Total) and "17,991.04" (the item table's Total row): they add up with
    # the taxes, while the summary's "Total ₹ 7,991.04" was read right (vyapar photo, study
    # seed 701 page 15: 17,991.04 read sure).
    lines = page("Tile Adhesive 20 3214 12.Bag 1.520.25 1,748.04(28%) 97.,991.04",
                 "Total 12 1,748.04 17,991.04", "Sub Total 16,243.00",
                 "oice Amount In Words 874.02", "Seven Thousand Nine Hu SGST@14N",
                 "CGST@14% 874.02", "Terms And Cond Yotal 7,991.04", "Thanks for doing bu 10.00",
                 "7,991.04")
    assert find(lines)[1] < SURE  # the partner confirms it
