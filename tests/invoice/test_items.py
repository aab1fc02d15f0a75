"""The goods lines of an invoice as engines read them (workers/ocr/items.py), how PP-OCRv4's
boxes are put in lines (workers/ocr/rapid.py), and the categories the items earn in."""

from __future__ import annotations

import math

import numpy as np
import pytest

from models.invoices.credits import category_lines
from models.invoices.invoice import Invoice
from models.invoices.read import Item
from models.programs.schema import read_file
from tests.invoice.test_categories import PROGRAMS
from workers.ocr import items, rapid
from workers.ocr.lines import Line, Word


def page(*texts: str) -> list[Line]:
    return [Line(tuple(Word(w, 0.97) for w in text.split())) for text in texts]


@pytest.mark.parametrize(("text", "item"), [
    ("1  OPC 53 Grade Cement  160  380.00  60,800.00",
     Item("OPC 53 Grade Cement", 160, 60_800_00)),
    ("2 PVC Pipe 4in 6m 3917 77 pcs 465.50 35,843.50",
     Item("PVC Pipe 4in 6m", 77, 35_843_50, "3917")),
    ("1OPC53GradeCement 2523 46bag 380.00 17.480.00",  # spaces lost, "." for ","
     Item("OPC 53 Grade Cement", 46, 17_480_00, "2523")),
    ("4.OPC53 Grade Cement-145bag x380.00 =55.100.00", Item("OPC 53 Grade Cement", 145,
                                                            55_100_00)),
    ("1.TileAdhesive20kg-21bagx520.50-10,930.50", Item("Tile Adhesive 20kg", 21, 10_930_50)),
    ("MCB32ADoublePole 42 26,880.00", Item("MCB 32A Double Pole", 42, 26_880_00)),
    ("2 FRWire2.5sqmm90m 8544 90 coil 2,350.00 2,11,500.00",
     Item("FR Wire 2.5 sqmm 90m", 90, 2_11_500_00, "8544")),
    ("3 Wall Putty 40kg 3214 85 bag 780.50 66342 .50", Item("Wall Putty 40kg", 85, 66_342_50,
                                                            "3214")),
    # handwritten amounts on a cash memo, as read: the decimal point lost, paise read apart
    ("PMC Pipe Ain l 17 7,913 50", Item("PMC Pipe Ain l", 17, 7_913_50)),
    ("MPC, 53 Grade Cement 129 49. 052.2 5", Item("MPC, 53 Grade Cement", 129, 49_052_25)),
    ("Wire 2.5 4 1,200.00", Item("Wire 2.5", 4, 1_200_00)),  # a size, then the quantity
    # handwritten digits read as letters (bench seed 505, memo 28): 0 as C, 2 as Z, 1 as l,
    # a quantity 90 as "qC"
    ("FR Wire 7.5 sqrn aCn qC Z,ll,5CC.CO", Item("FR Wire 7.5 sqrn a Cn", 90, 2_11_500_00)),
    ("TMT Bur IZnn 56 3,486.CC", Item("TMT Bur I Znn", 56, 3_486_00)),
    ("Priner ZOL Z3 71,886.50", Item("Priner ZOL", 23, 71_886_50)),
    # (seed 502, memo 22) an open 4 read as A; the decimal point read as a dash
    ("OPe 53 Grade Cerent 91 3A.580.00", Item("O Pe 53 Grade Cerent", 91, 34_580_00)),
    ("wall Putty 90kg 142 1,10,760-00", Item("wall Putty 90kg", 142, 1_10_760_00)),
    # (seed 512, memo 10) a space read inside a digit group, closed as in totals
    ("Watenphoofirg Corpound 126 1,8 2,700.00", Item("Watenphoofirg Corpound", 126,
                                                     1_82_700_00)),
    # a rate of two-digit rupees, then the amount: two amounts, never one (bench seed 404,
    # table 0: "62.00 4,526.00" read as 62,00,45,26.00)
    ("3 TMT Bar 12mm 7214 73 pcs 62.00 4,526.00", Item("TMT Bar 12mm", 73, 4_526_00, "7214")),
    ("LED Bulb 9W 18 95.00 1,710.00", Item("LED Bulb 9W", 18, 1_710_00)),
])
def test_item_lines_in_the_shapes_bills_print_and_engines_read(text, item):
    assert items.find(page(text)) == [item]


def test_a_receipt_prints_the_name_on_the_line_above_the_quantity():
    lines = page("Bill No:ST/2026/04347 24.02.2026", "PVC Pipe 4in6m", "12 x 465.25 5583.00",
                 "Sub Total 5583.00")
    assert items.find(lines) == [Item("PVC Pipe 4in 6m", 12, 5_583_00)]


@pytest.mark.parametrize("text", [
    "Total 271 3,33,517.25",  # the item table's own sum
    "Total 20 7,600.00",
    "CASH 2 2000.00",
    "CGST 9%: 5,120.00 SGST 9%: 5,120.00",
    "Taxable 4,02,250.00; CGST 24,135.00, SGST 24,135.00",
    "1 OPC53GradeCement 2523 s 380.00 1,900.00",  # the quantity lost
    "Stainless Pipe SS 3,000.00",  # a name's letters are no quantity
    "Cable 2 core OC 1,000.00",
    "2 FRWire2.5sqmm90m 8544 100 2,350.00 2,11,500.00",  # 100 x 2,350 is not 2,11,500
    "Invoice No: INV-12345 12.03.26",
    "Bill No: INV-98492 22.01.26",
])
def test_lines_that_are_not_goods_or_do_not_add_up_give_no_item(text):
    assert items.find(page(text)) == []


def test_an_item_whose_words_name_no_category_earns_in_its_printed_hsn_category():
    spec = read_file(PROGRAMS / "elec.yaml")
    invoice = Invoice(total_paise=1_18_000_00, items=[
        {"name": "Finolex 90m coil", "quantity": 1, "amount_paise": 50_000_00, "hsn": "8544"},
        {"name": "MCB 32A Double Pole", "quantity": 1, "amount_paise": 50_000_00,
         "hsn": "8544"}])  # the words win over a code
    assert category_lines(spec, invoice) == [("wires", 59_000_00), ("switchgear", 59_000_00)]


def box(left: float, middle: float, width: float, slant_degrees: float,
        height: float = 20) -> np.ndarray:
    """A text box's corners, turned by `slant_degrees` about the page's top left corner."""
    angle = math.radians(slant_degrees)
    corners = np.array([[left, middle - height / 2], [left + width, middle - height / 2],
                        [left + width, middle + height / 2], [left, middle + height / 2]])
    turn = np.array([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])
    return corners @ turn.T


def test_a_tilted_tables_names_stay_beside_their_numbers():
    # A photo turned 3°: PP-OCRv4 draws the names' long boxes turned and the short number
    # boxes level (as it does); the amounts sit a line and more lower than the names.
    slant = math.radians(3)
    found = []
    for row, (name, numbers) in enumerate([("Sr Description", "HSN Qty Amount"),
                                           ("OPC 53 Grade Cement", "2523 46 17,480.00"),
                                           ("PPC Cement", "2523 10 3,500.00")]):
        middle = 300 + 24 * row
        found.append((box(150, middle, 180, 3), name, 0.99))
        for n, word in enumerate(numbers.split()):
            x, y = 460 + 160 * n, middle + (460 + 160 * n) * math.tan(slant)
            level = np.array([[x, y - 10], [x + 60, y - 10], [x + 60, y + 10], [x, y + 10]])
            found.append((level, word, 0.99))
    assert [line.text for line in rapid.rows(found)] == [
        "Sr Description HSN Qty Amount", "OPC 53 Grade Cement 2523 46 17,480.00",
        "PPC Cement 2523 10 3,500.00"]


def test_tallys_rate_unit_between_the_rate_and_the_amount():
    # TallyPrime's item table: "Quantity | Rate | per | Amount", the rate's unit ("Kgs") between
    # the rate and the amount (bench layout tally, study seed 701 page 6): no item was read, so
    # the tax arithmetic had no taxable value and a total without its words went unchecked.
    found = items.find(page("1 TMT Bar 12mm 7214 95 Kgs 62.00 Kgs 5,890.00",
                            "2 Wall Putty 40kg 3214 77 Bags 780.00 Bags 60,060.00",
                            "CGST 41,396.53"))
    assert found == [Item(name="TMT Bar 12mm", quantity=95, amount_paise=589_000, hsn="7214"),
                     Item(name="Wall Putty 40kg", quantity=77, amount_paise=6_006_000,
                          hsn="3214")]
    # a word between two amounts that do not make rate times quantity is still no item line
    assert items.find(page("Taxable 2 Lakh 5,890.00 Rs 60,060.00")) == []
