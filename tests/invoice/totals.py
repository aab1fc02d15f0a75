"""The block under a software bill's item table: the taxable value (or sub-total) and taxes,
the total (inline or in a column; larger, bold or boxed), what was paid and is owed, the
amount in words, the HSN-wise tax summary (after the total, or beside the totals so that one
printed row carries two columns of amounts) and the small print at the foot."""

from __future__ import annotations

import random
from itertools import zip_longest

from tests.invoice import fonts
from tests.invoice.bills import Bill, in_words, money
from tests.invoice.make import indian
from tests.invoice.pen import Pen

HINDI_TOTAL = "कुल राशि"
TAXABLE_LABELS = ["Taxable Value", "Taxable Amount", "Total before Tax", "Sub Total",
                  "Total Taxable Value", "Amount before Tax"]
TOTAL_TAX_LABELS = ["Total Tax", "Total GST", "Total Tax Amount", "GST Amount"]
SMALL_PRINT = ["E. & O.E.", "Goods once sold will not be taken back.",
               "Interest @ 18% p.a. will be charged on bills unpaid after 30 days.",
               "Subject to local jurisdiction.", "This is a computer generated invoice.",
               "Page 1 of 1", "Page 2 of 2", "continued from page 1"]
Cell = tuple[float, str, str]


def draw(pen: Pen, b: Bill, x: float, hindi: bool, deva: str | None) -> None:
    """The totals, the words, what is owed and the tax summary, from pen.y down."""
    rng = pen.rng
    kind = rng.choices(["none", "after", "beside"], weights=[4, 4, 2])[0]
    inline = rng.random() < 0.3
    rows = [_cells(pen, x, label, text, inline) for label, text in _parts(b, rng)]
    left = _summary(pen, b, [0, 1, 4], x - 60) if kind == "beside" else []
    for part, other in zip_longest(rows, left, fillvalue=[]):
        pen.row(other + part, scale=0.85 if other and not part else 1.0)
    words = f"Amount in words: {in_words(b.truth.total_paise)}"
    where = rng.choices(["above", "below", "none"], weights=[2, 7, 1])[0]
    if where == "above":  # as Busy prints them
        pen.row([(pen.left, words, "l")], scale=0.85)
    _total(pen, b, x, inline, hindi, deva)
    for label, value in b.after:
        pen.row(_cells(pen, x, label, money(value, rng, plain=True), inline), scale=0.9)
    if where == "below":
        pen.row([(pen.left, words, "l")], scale=0.85)
    if kind == "after":
        pen.y += 10
        for row in _summary(pen, b, [0, 1, 2, 3, 4, 5][:rng.choice([5, 6])], pen.right):
            pen.row(row, scale=0.8)


def currency(b: Bill, font: str) -> str:
    """The bill's currency sign and a space ('Rs. ' where the font has no '₹'), or nothing."""
    sign = b.labels["currency"]
    if sign == "₹" and not fonts.has_rupee(font):
        sign = "Rs."
    return f"{sign} " if sign else ""


def foot(pen: Pen) -> None:
    """A line or two of small print at the foot of the page."""
    for text in pen.rng.sample(SMALL_PRINT, pen.rng.randint(1, 2)):
        pen.row([(pen.left, text, "l")], scale=0.75)


def _parts(b: Bill, rng: random.Random) -> list[tuple[str, str]]:
    """(label, amount) of the lines above the total: taxable value, taxes, round-off."""
    rate = round(100 * (b.cgst + b.sgst + b.igst) / max(b.taxable, 1))
    at = rng.choice(["", " @ ", " @", " "])
    prefix = rng.choice(["", "", "Add: ", "Output "])
    taxes = [("IGST", b.igst, rate)] if b.igst else [("CGST", b.cgst, rate / 2),
                                                     ("SGST", b.sgst, rate / 2)]
    parts = [(rng.choice(TAXABLE_LABELS), money(b.taxable, rng, plain=True))]
    for name, value, share in taxes:
        label = f"{prefix}{name}{at}{share:g}%" if at else f"{prefix}{name}"
        parts.append((label, money(value, rng, plain=True)))
    if rng.random() < 0.25:
        parts.append((rng.choice(TOTAL_TAX_LABELS), indian(b.cgst + b.sgst + b.igst)))
    if b.round_off:
        parts.append(("Round Off", f"{b.round_off / 100:+.2f}"))
    return parts


def _cells(pen: Pen, x: float, label: str, text: str, inline: bool) -> list[Cell]:
    return [(x, f"{label}: {text}", "l")] if inline else [(x, label, "l"), (pen.right, text, "r")]


def _total(pen: Pen, b: Bill, x: float, inline: bool, hindi: bool, deva: str | None) -> None:
    """The total line: larger than the rest, bold on most, in a box on some."""
    rng, paise = pen.rng, b.truth.total_paise
    whole = paise % 100 == 0 and rng.random() < 0.2  # "1,18,000": a whole-rupee total
    amount = currency(b, pen.font) + (indian(paise)[:-3] if whole else money(paise, rng))
    scale = rng.choice([1.0, 1.15, 1.15, 1.3, 1.5])
    pen.y += int(pen.size * 0.2)
    if rng.random() < 0.3:
        top, bottom = pen.y - 10, pen.y + int(pen.size * scale * 1.3) + 6
        pen.draw.rectangle((x - 14, top, pen.right + 10, bottom), outline=pen.ink, width=3)
    if hindi and deva:
        pen.put(x - pen.face(scale, deva).getlength(HINDI_TOTAL + " / ") - 4,
                HINDI_TOTAL + " / ", scale=scale, font=deva)
    pen.row(_cells(pen, x, b.labels["total"], amount, inline), scale=scale,
            bold=rng.random() < 0.8)
    pen.y += int(pen.size * 0.2)


def by_hsn(b: Bill) -> list[tuple[str, int, int, int]]:
    """(HSN code, taxable value, CGST or IGST, SGST or 0) per code, the tax shared out by
    value and the last code taking what is left, so that the rows add up to the bill's."""
    by_code: dict[str, int] = {}
    for _name, hsn, _unit, _qty, amount in b.lines:
        by_code[hsn] = by_code.get(hsn, 0) + amount
    tax, rows = b.cgst + b.sgst + b.igst, []
    left = tax
    for n, (code, value) in enumerate(by_code.items()):
        share = left if n == len(by_code) - 1 else tax * value // b.taxable
        left -= share
        first = share if b.igst else share // 2
        rows.append((code, value, first, share - first))
    return rows


def _summary(pen: Pen, b: Bill, columns: list[int], right: float) -> list[list[Cell]]:
    """The HSN-wise tax table as Tally prints it, its `columns` spread from the left margin to
    `right`: a row per HSN code and a 'Total' row whose amounts are taxes (and, in the sixth
    column, taxable value plus tax per code), never the invoice total."""
    tax = b.cgst + b.sgst + b.igst
    head = ["HSN/SAC", "Taxable Value", "IGST" if b.igst else "CGST",
            "" if b.igst else "SGST", "Total Tax", "Amount"]
    rows = [head]
    for code, value, first, second in by_hsn(b):
        rows.append([code, indian(value), indian(first), "" if b.igst else indian(second),
                     indian(first + second), indian(value + first + second)])
    rows.append(["Total", indian(b.taxable), indian(b.cgst or b.igst),
                 indian(b.sgst) if b.sgst else "", indian(tax), indian(b.taxable + tax)])
    step = (right - pen.left) / (len(columns) - 0.4)
    xs = [pen.left] + [pen.left + step * (n + 0.6) for n in range(1, len(columns))]
    return [[(x, row[c], "l" if c == 0 else "r") for x, c in zip(xs, columns, strict=True)
             if row[c]] for row in rows]
