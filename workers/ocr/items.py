"""Find the goods lines of an invoice: name, HSN code, quantity and amount, as Indian bills
print them and as engines read them.

    1  OPC 53 Grade Cement  2523  46 bag  380.00  17,480.00     item table (HSN, unit, rate)
    1  TMT Bar 12mm  7214  95 Kgs  62.00  Kgs  5,890.00         TallyPrime (the rate's unit, "per")
    2. Primer 20L - 79 can x 3,125.00 = 2,46,875.00             table-less bill
    MCB 32A Double Pole            42        26,880.00          cash memo (no rate)
    PVC Pipe 4in 6m                                             thermal receipt: the name on
      12 x 465.25                  5583.00                      its own line above

A line is taken only when its shape says so: a quantity, then the rate and the amount (the
rate times the quantity must make the amount) or the amount alone, and a name that is not a
total, tax or payment label. PP-OCRv4 often drops the spaces inside a box ("1OPC53Grade
Cement"): the serial number is split off and the words of the name are put apart again, so
the program's category words ("OPC", "sqmm") are found in it (models/invoice_credits.py).
"""

from __future__ import annotations

import re

from models.invoices.read import Item
from models.invoices.values import digits_only, parse_amount
from workers.ocr.lines import Line, closed

# Handwritten digits read as letters, as in totals (workers.ocr.total): "Z,ll,5CC.CO" is
# 2,11,500.00, "3A.580.00" 34,580.00 (an A inside an amount only) and a quantity "qC" 90;
# at least one digit in an amount, a 9 or a digit in a quantity, so that a name's word
# ("PPC", "SS") is never a number.
_MONEY = r"(?:Rs\.?\s?|₹\s?)?((?=[OSBIlZC,.]*\d)[\dOSBIlZ][\dOSBIlZCA,.]*[.,][\dOC]{2})"
_TAIL = re.compile(
    r"(?:^|[\s\-]+)(?P<qty>\d{1,5}|(?=[OCZl]*[\dq])[\dqOCZl]{1,4})"
    r"(?:\s*(?P<unit>[A-Za-z]{2,6}?)\s*(?:[xX×*@]\s*)?|\s*[xX×*@]\s*|\s+)"
    rf"(?:{_MONEY}(?:\s*[=\-]\s*|\s+(?:[A-Za-z]{{2,6}}\.?\s+)?))?{_MONEY}\s*$")  # "=" read "-"
# "7,913 50" as read: the amount's decimal point lost, or read as a dash ("1,10,760-00")
_SPACED_PAISE = re.compile(r"(?<=\d[.,]\d{3})[ \-](?=\d{2}\s*$)")
_SERIAL = re.compile(r"^\s*\d{1,3}(?:[.)]\s*|\s+|(?=[A-Z]{2}|[A-Z][a-z]))")
_HSN = re.compile(r"\s+(\d{4}|\d{6}|\d{8})$")
# Words that name a total, a tax or a payment, never goods ("Total 20 7,600.00" is the item
# table's own sum; "CASH 2000.00" on a receipt).
_NOT_GOODS = re.compile(r"total|taxable|[cs]\s*gst|igst|\bgst\b|cess|round|\br\s*/\s*[o0]\b|"
                        r"discount|cash|change|tender|balance|amount|payable|rupees|qty|"
                        r"quantity|items?\b|rate\b", re.I)
# Where a box lost its spaces: "GradeCement", "PPCCement", "OPC53", "53Grade", "2.5sqmm".
_WORD_BREAKS = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|(?<=[A-Za-z]{2})(?=\d)|"
                          r"(?<=\d)(?=[A-Z][a-z])|(?<=\d)(?=[a-z]{3})")
RATE_MARGIN = 0.01  # the rate times the quantity within 1 % of the amount


def find(lines: list[Line]) -> list[Item]:
    """Every goods line on the page, in order."""
    return [item for _index, item in found_at(lines)]


def found_at(lines: list[Line]) -> list[tuple[int, Item]]:
    """Every goods line on the page, in order, with its index in `lines`."""
    found = []
    for index, line in enumerate(lines):
        above = lines[index - 1].text if index else ""
        item = _item(line.text, above)
        if item is not None:
            found.append((index, item))
    return found


def _item(text: str, above: str) -> Item | None:
    text = _SPACED_PAISE.sub(".", closed(text))
    match = _TAIL.search(text)
    if match is None:
        return None
    quantity = int(digits_only(match["qty"].replace("q", "9").replace("C", "0")))
    amount = parse_amount(_as_digits(match[4]))
    rate = parse_amount(_as_digits(match[3])) if match[3] else None
    if not quantity or not amount or (rate is not None and not _adds_up(quantity, rate, amount)):
        return None
    head = text[:match.start()]
    if rate is not None and not re.search(r"[A-Za-z]", head) and _is_name(above):
        head = above  # a receipt prints the name on its own line above
    name, hsn = _name(head)
    if name is None:
        return None
    return Item(name=name, quantity=quantity, amount_paise=amount, hsn=hsn)


def _as_digits(money: str) -> str:
    return digits_only(money.replace("C", "0").replace("A", "4"))  # an open 4 read as A


def _adds_up(quantity: int, rate: int, amount: int) -> bool:
    return abs(quantity * rate - amount) <= RATE_MARGIN * amount


def _is_name(text: str) -> bool:
    """A line that can be an item's name alone: letters, and no amount with paise."""
    return bool(re.search(r"[A-Za-z]{2}", text)) and not re.search(r"\d[.,]\d{2}\b", text)


def _name(head: str) -> tuple[str | None, str | None]:
    """(name, HSN code) from what stands before the quantity; no name if it is a label."""
    head = _SERIAL.sub("", head.strip(" -_—:|.")).strip(" -_—:|")
    hsn = _HSN.search(head)
    if hsn:
        head = head[:hsn.start()]
    name = " ".join(_WORD_BREAKS.sub(" ", head).split())
    if sum(c.isalpha() for c in name) < 2 or _NOT_GOODS.search(name):
        return None, None
    return name, hsn.group(1) if hsn else None
