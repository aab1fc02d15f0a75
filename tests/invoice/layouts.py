"""Draw a bill (tests/invoice/bills.py) on paper in one of several layouts: a software
invoice with an item table (stacked or two-column header, grid or not; the totals block in
tests/invoice/totals.py), the same from a dot-matrix printer, a table-less bill, a
thermal-printer receipt and a hand-filled cash memo; stamps and signatures over the text, grey
or faded print on some (tests/invoice/ink.py)."""

from __future__ import annotations

import random

from PIL import Image

from tests.invoice import fonts, ink, totals
from tests.invoice.bills import Bill, in_words, money, offshoot
from tests.invoice.make import indian
from tests.invoice.pen import Pen, hand_width, stamp

LAYOUTS = ("table", "two-column", "plain", "thermal", "memo", "dot-matrix")
HINDI = {"invoice": "कर बीजक", "number": "बिल संख्या", "buyer": "खरीदार"}


def render(b: Bill, rng: random.Random, layout: str, *, hindi: bool = False) -> Image.Image:
    """A clean scan of the bill in `layout`, with a stamp or signature on most."""
    draw = {"table": _software, "two-column": _software, "plain": _plain, "thermal": _thermal,
            "memo": _memo, "dot-matrix": _software}[layout]
    page = draw(b, rng, layout, hindi)
    printer = offshoot(rng)
    if layout == "dot-matrix":
        page = ink.dot_matrix(page, printer)
    elif layout == "thermal" or (layout != "memo" and printer.random() < 0.15):
        page = ink.faded(page, printer)
    if layout != "thermal" and rng.random() < 0.7:
        stamp(page, rng, b.shop)
    return page


def _header(pen: Pen, b: Bill, two_column: bool, hindi: bool, deva: str | None) -> None:
    t, mid = b.truth, pen.page.width // 2 + 60
    pen.row([(pen.left, b.shop, "l")], scale=1.5, bold=True)
    right = [f"{b.labels['number']}: {t.number}", f"{b.labels['date']}: {b.date_text}"]
    left = [b.place, f"GSTIN: {t.seller_gstin}", f"Ph: 98{pen.rng.randrange(10**8):08d}"]
    if two_column:
        for n, text in enumerate(left):
            pen.row([(pen.left, text, "l")] + ([(mid, right[n], "l")] if n < 2 else []))
    else:
        for text in left:
            pen.row([(pen.left, text, "l")])
    pen.y += 10
    pen.put(pen.page.width / 2, "TAX INVOICE", scale=1.3, anchor="ma", bold=True)
    if hindi and deva:
        pen.put(pen.page.width / 2 - pen.face(1.3).getlength("TAX INVOICE") / 2 - 20,
                f"{HINDI['invoice']} /", scale=1.3, anchor="ra", font=deva)
    pen.y += int(pen.size * 2.2)
    if not two_column:
        for text in right:
            pen.row([(pen.left, text, "l")])
    pen.row([(pen.left, f"Bill To: {b.buyer}", "l")] + ([(mid, "Place of Supply: 27-Maharashtra",
                                                          "l")] if two_column else []))
    pen.row([(pen.left, f"GSTIN: {t.buyer_gstin}", "l")])


def _software(b: Bill, rng: random.Random, layout: str, hindi: bool) -> Image.Image:
    font, printer = rng.choice(fonts.installed(fonts.PRINT)), offshoot(rng)
    if layout == "dot-matrix":
        font = printer.choice(fonts.installed(fonts.MONO))
    elif printer.random() < 0.3:
        font = printer.choice(fonts.installed(fonts.WEIGHTS))
    deva = rng.choice(fonts.installed(fonts.DEVANAGARI))
    page = Image.new("RGB", (1650, 2300), "white")
    pen = Pen(page, font, rng.randint(24, 32), rng)
    _header(pen, b, layout == "two-column", hindi, deva)
    pen.y += 10
    w = page.width
    cols = [(pen.left, "l"), (pen.left + 60, "l"), (w * 0.50, "l"), (w * 0.66, "r"),
            (w * 0.80, "r"), (pen.right, "r")]
    grid = rng.random() < 0.5
    pen.rule()
    pen.row([(x, h, a) for (x, a), h in zip(cols, ["Sr", "Description", "HSN", "Qty", "Rate",
                                                    "Amount"], strict=True)], bold=True)
    pen.rule()
    for n, (name, hsn, unit, qty, amount) in enumerate(b.lines, 1):
        cells = [str(n), name, hsn, f"{qty} {unit}", indian(amount // qty), indian(amount)]
        pen.row([(x, c, a) for (x, a), c in zip(cols, cells, strict=True)])
        if grid:
            pen.rule()
    if not grid:
        pen.rule()
    if rng.random() < 0.6:  # the item table's own total: before tax, not the invoice total
        pen.row([(cols[1][0], "Total", "l"), (cols[3][0], str(sum(q for *_r, q, _a in b.lines)),
                                              "r"), (pen.right, indian(b.taxable), "r")],
                bold=True)
    totals.draw(pen, b, w * 0.45, hindi, deva)
    pen.y += 20
    pen.row([(pen.left, "Bank: State Bank of India  A/c 3012 4455 6677  IFSC SBIN0001234", "l")],
            scale=0.8)
    pen.row([(pen.right, f"For {b.shop}", "r")])
    pen.y += 50
    pen.row([(pen.right, "Authorised Signatory", "r")], scale=0.85)
    totals.foot(pen)
    a4 = int(w * 1.41) if rng.random() < 0.5 else 0  # a full A4 sheet, or a half-page bill
    return page.crop((0, 0, w, min(page.height, max(a4, pen.y + 60))))


def _plain(b: Bill, rng: random.Random, layout: str, hindi: bool) -> Image.Image:
    """A table-less bill: every fact on its own line, left aligned."""
    font = rng.choice(fonts.installed(fonts.PRINT))
    page = Image.new("RGB", (1500, 2000), "white")
    pen, t, cur = Pen(page, font, rng.randint(26, 34), rng), b.truth, totals.currency(b, font)
    pen.row([(pen.left, b.shop.upper(), "l")], scale=1.3, bold=True)
    for text in (b.place, f"GSTIN {t.seller_gstin}", "",
                 f"{b.labels['number']} {t.number}    {b.labels['date']} {b.date_text}",
                 f"To: {b.buyer}  (GSTIN {t.buyer_gstin})", ""):
        pen.row([(pen.left, text, "l")])
    for n, (name, _hsn, unit, qty, amount) in enumerate(b.lines, 1):
        pen.row([(pen.left, f"{n}. {name} - {qty} {unit} x {indian(amount // qty)} = "
                            f"{indian(amount)}", "l")])
    pen.y += 10
    tax = f"IGST {indian(b.igst)}" if b.igst else f"CGST {indian(b.cgst)}, SGST {indian(b.sgst)}"
    pen.row([(pen.left, f"Taxable {indian(b.taxable)}; {tax}", "l")])
    pen.row([(pen.left, f"{b.labels['total']} {cur}{money(t.total_paise, rng)}", "l")],
            scale=1.2, bold=rng.random() < 0.5)
    for label, value in b.after:
        pen.row([(pen.left, f"{label} {money(value, rng, plain=True)}", "l")])
    pen.row([(pen.left, f"({in_words(t.total_paise)})", "l")], scale=0.85)
    return page.crop((0, 0, page.width, pen.y + 80))


def _thermal(b: Bill, rng: random.Random, layout: str, hindi: bool) -> Image.Image:
    """A thermal-printer receipt: narrow, monospace, dashed rules, cash and change lines."""
    font = rng.choice(fonts.installed(fonts.MONO))
    page = Image.new("RGB", (640, 2400), "white")
    pen, t = Pen(page, font, rng.randint(19, 23), rng, ink=(60, 60, 60)), b.truth
    pen.left, pen.right = 24, 616
    mid = page.width / 2
    pen.row([(mid - pen.face(1.2).getlength(b.shop) / 2, b.shop, "l")], scale=1.2, bold=True)
    for text in (b.place, f"GSTIN:{t.seller_gstin}"):
        pen.row([(mid - pen.face().getlength(text) / 2, text, "l")])
    pen.rule(dashed=True)
    pen.row([(pen.left, f"Bill No:{t.number}", "l"), (pen.right, b.date_text, "r")])
    pen.rule(dashed=True)
    for name, _hsn, _unit, qty, amount in b.lines:
        pen.row([(pen.left, name[:26], "l")], gap=0.2)
        pen.row([(pen.left + 30, f"{qty} x {amount // qty / 100:.2f}", "l"),
                 (pen.right, f"{amount / 100:.2f}", "r")])
    pen.rule(dashed=True)
    pen.row([(pen.left, "Sub Total", "l"), (pen.right, f"{b.taxable / 100:.2f}", "r")])
    for label, value in (("CGST", b.cgst), ("SGST", b.sgst), ("IGST", b.igst),
                         ("Round Off", b.round_off)):
        if value:
            pen.row([(pen.left, label, "l"), (pen.right, f"{value / 100:.2f}", "r")])
    pen.rule(dashed=True)
    label = rng.choice(["TOTAL", "NET AMT", "Grand Total", "Net Payable"])
    pen.row([(pen.left, label, "l"), (pen.right, f"{t.total_paise / 100:.2f}", "r")], scale=1.2,
            bold=True)
    cash = (t.total_paise // 50000 + 1) * 50000
    pen.row([(pen.left, "CASH", "l"), (pen.right, f"{cash / 100:.2f}", "r")])
    pen.row([(pen.left, "CHANGE", "l"), (pen.right, f"{(cash - t.total_paise) / 100:.2f}", "r")])
    pen.rule(dashed=True)
    pen.row([(pen.left, f"Items: {len(b.lines)}  Qty: {sum(q for *_r, q, _a in b.lines)}", "l")])
    pen.row([(mid - pen.face().getlength("Thank You! Visit Again") / 2,
              "Thank You! Visit Again", "l")])
    return page.crop((0, 0, page.width, pen.y + 40))


def _memo(b: Bill, rng: random.Random, layout: str, hindi: bool) -> Image.Image:
    """A printed bill-book page filled in by hand: items, amounts and the total handwritten."""
    font, hand = rng.choice(fonts.installed(fonts.PRINT)), rng.choice(fonts.installed(fonts.HAND))
    page = Image.new("RGB", (1500, 1900), (250, 248, 240))
    pen, t = Pen(page, font, rng.randint(26, 32), rng), b.truth
    mid = page.width / 2
    pen.put(mid, "CASH / CREDIT MEMO", scale=0.9, anchor="ma")
    pen.y += 45
    pen.put(mid, b.shop, scale=1.6, anchor="ma", bold=True)
    pen.y += 70
    pen.put(mid, f"{b.place}   GSTIN: {t.seller_gstin}", scale=0.9, anchor="ma")
    pen.y += 60
    pen.put(pen.left, "Bill No.", ink=(30, 30, 30))
    pen.put(pen.left + pen.face().getlength("Bill No. "), t.number, ink=(190, 30, 30), bold=True)
    pen.put(mid + 200, "Date:")
    pen.hand(mid + 290, b.date_text, hand)
    pen.y += 60
    pen.put(pen.left, "M/s.")
    pen.hand(pen.left + 90, b.buyer, hand)
    pen.y += 70
    pen.rule()
    pen.row([(pen.left, "Particulars", "l"), (pen.right - 260, "Qty", "r"),
             (pen.right, "Amount", "r")], bold=True)
    pen.rule()
    for name, _hsn, _unit, qty, amount in b.lines:
        pen.hand(pen.left + 10, name, hand, 1.0)
        pen.hand(pen.right - 320, str(qty), hand, 1.0)
        text = indian(amount)
        pen.hand(pen.right - hand_width(pen, text, hand, 1.0), text, hand, 1.0)
        pen.y += int(pen.size * 1.8)
    pen.rule()
    tax = b.cgst + b.sgst + b.igst
    pen.put(pen.right - 560, "GST")
    pen.hand(pen.right - hand_width(pen, indian(tax), hand, 1.0), indian(tax), hand, 1.0)
    pen.y += int(pen.size * 1.8)
    if b.round_off:
        pen.put(pen.right - 560, "R/O")
        pen.hand(pen.right - 150, f"{b.round_off / 100:+.2f}", hand, 1.0)
        pen.y += int(pen.size * 1.8)
    total = money(t.total_paise, rng)
    pen.put(pen.right - 560, "Total Rs.", bold=True)
    pen.hand(pen.right - hand_width(pen, total, hand, 1.3), total, hand, 1.3)
    pen.y += int(pen.size * 2.2)
    pen.put(pen.left, "Rupees")
    pen.hand(pen.left + 130, in_words(t.total_paise).removeprefix("Rupees "), hand, 0.8)
    pen.y += 90
    pen.put(pen.right, f"For {b.shop}", anchor="ra", scale=0.9)
    return page.crop((0, 0, page.width, pen.y + 80))
