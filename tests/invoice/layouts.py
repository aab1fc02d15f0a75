"""Draw a bill (tests/invoice/bills.py) on paper in one of several layouts: a software
invoice with an item table (stacked or two-column header, grid or not; the totals block in
tests/invoice/totals.py), the same from a dot-matrix printer, a table-less bill, a
thermal-printer receipt and a hand-filled cash memo; stamps and signatures over the text, grey
or faded print on some (tests/invoice/ink.py)."""

from __future__ import annotations

import random
from itertools import pairwise

from PIL import Image

from tests.invoice import fonts, ink, totals
from tests.invoice.bills import BALANCE_LABELS, RECEIVED_LABELS, Bill, in_words, money, offshoot
from tests.invoice.make import indian
from tests.invoice.pen import Pen, hand_width, stamp

LAYOUTS = ("table", "two-column", "plain", "thermal", "memo", "dot-matrix", "tally",
           "vyapar")
HINDI = {"invoice": "कर बीजक", "number": "बिल संख्या", "buyer": "खरीदार"}


def render(b: Bill, rng: random.Random, layout: str, *, hindi: bool = False) -> Image.Image:
    """A clean scan of the bill in `layout`, with a stamp or signature on most."""
    draw = {"table": _software, "two-column": _software, "plain": _plain, "thermal": _thermal,
            "memo": _memo, "dot-matrix": _software, "tally": _tally,
            "vyapar": _vyapar}[layout]
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


# TallyPrime's units as their masters name them, and a few of India's GST state codes.
TALLY_UNITS = {"bag": "Bags", "can": "Nos", "pcs": "Nos", "coil": "Coils", "kg": "Kgs"}
STATES = dict(enumerate(
    ["Jammu and Kashmir", "Himachal Pradesh", "Punjab", "Chandigarh", "Uttarakhand", "Haryana",
     "Delhi", "Rajasthan", "Uttar Pradesh", "Bihar", "Sikkim", "Arunachal Pradesh", "Nagaland",
     "Manipur", "Mizoram", "Tripura", "Meghalaya", "Assam", "West Bengal", "Jharkhand", "Odisha",
     "Chhattisgarh", "Madhya Pradesh", "Gujarat", "Daman and Diu", "Dadra and Nagar Haveli",
     "Maharashtra", "Andhra Pradesh (Old)", "Karnataka", "Goa", "Lakshadweep", "Kerala",
     "Tamil Nadu", "Puducherry", "Andaman and Nicobar Islands", "Telangana", "Andhra Pradesh"],
    1))
TALLY_CELLS = [("Invoice No.", "Dated"), ("Delivery Note", "Mode/Terms of Payment"),
               ("Reference No. & Date.", "Other References"), ("Buyer's Order No.", "Dated"),
               ("Dispatch Doc No.", "Delivery Note Date"), ("Dispatched through", "Destination"),
               ("Terms of Delivery", "")]
DECLARATION = ["We declare that this invoice shows the actual price of the goods",
               "described and that all particulars are true and correct."]


def _state(gstin: str) -> str:
    return f"State Name : {STATES[int(gstin[:2])]}, Code : {gstin[:2]}"


def _inr(paise: int) -> str:
    """An amount in words as Tally prints it: 'INR Seventy One Thousand Forty Only'."""
    return "INR " + in_words(paise).removeprefix("Rupees ")


def _tally(b: Bill, rng: random.Random, layout: str, hindi: bool) -> Image.Image:
    """TallyPrime's default 'Tax Invoice': one ruled grid; the seller and buyer at the left,
    the voucher's cells (a label, its value under it in bold) at the right; the item table
    with the taxes and round-off as rows of it and a Total row (total quantity, '₹ 71,040.00');
    the amount in words on the line under 'Amount Chargeable (in words)'; the HSN/SAC tax
    summary with its own Total row; the tax in words, the declaration and the signatory."""
    font = rng.choice(fonts.installed(fonts.PRINT))
    page = Image.new("RGB", (1650, 2600), "white")
    pen, t = Pen(page, font, rng.randint(21, 26), rng), b.truth
    s, line = pen.size, int(pen.size * 1.4)
    left, right, mid = pen.left, pen.right, pen.left + (pen.right - pen.left) * 0.5
    quarter = (mid + right) / 2

    def at(x: float, y: float, text: str, anchor: str = "la", **style) -> None:
        pen.y = int(y)
        pen.put(x, text, anchor=anchor, **style)

    def hline(y: float, x0: float = left, x1: float = right) -> None:
        pen.draw.line((x0, y, x1, y), fill=pen.ink, width=2)

    def vline(x: float, y0: float, y1: float) -> None:
        pen.draw.line((x, y0, x, y1), fill=pen.ink, width=2)

    at((left + right) / 2, 40, "Tax Invoice", "ma", scale=1.2, bold=True)
    if rng.random() < 0.5:
        at(right, 44, "(ORIGINAL FOR RECIPIENT)", "ra", scale=0.75)
    top = 40 + int(s * 2)
    cell = int(s * 2.7)
    details = {"Invoice No.": t.number, "Dated": t.day.strftime("%-d-%b-%y"),
               "Mode/Terms of Payment": rng.choice(["", "30 Days", "Credit", "Cash"]),
               "Dispatched through": rng.choice(["", "By Road", "Shree Roadlines", "Tempo"]),
               "Destination": b.buyer.split()[0] if rng.random() < 0.3 else ""}
    for n, (first, second) in enumerate(TALLY_CELLS):
        y = top + n * cell
        hline(y, mid)
        for x, label in ((mid, first), (quarter, second)):
            if label:
                at(x + 8, y + 4, label, scale=0.85)
                value = details.get(label, "") if n != 3 else ""
                if value:
                    at(x + 8, y + 4 + line, value, bold=True)
        if second:
            vline(quarter, y, y + cell)
    bottom = top + len(TALLY_CELLS) * cell
    seller = [(b.shop, True), (b.place, False), (f"GSTIN/UIN: {t.seller_gstin}", False),
              (_state(t.seller_gstin), False)]
    if rng.random() < 0.5:
        seller.append((f"E-Mail : accounts@{b.shop.split()[0].lower().strip('.')}.in", False))
    for n, (text, bold) in enumerate(seller):
        at(left + 8, top + 6 + n * line, text, bold=bold, scale=1.1 if bold else 1.0)
    buyer_top = top + 3 * cell
    hline(buyer_top, left, mid)
    buyer = [("Buyer (Bill to)", False), (b.buyer, True), (b.place.split(",")[-1].strip(), False),
             (f"GSTIN/UIN       : {t.buyer_gstin}", False), (_state(t.buyer_gstin), False)]
    if rng.random() < 0.5:
        buyer.append((f"Place of Supply : {STATES[int(t.buyer_gstin[:2])]}", False))
    for n, (text, bold) in enumerate(buyer):
        at(left + 8, buyer_top + 6 + n * line, text, bold=bold, scale=0.85 if n == 0 else 1.0)
    vline(mid, top, bottom)
    # The item table: Sl No. | Description of Goods | HSN/SAC | Quantity | Rate | per | Amount
    width = right - left
    edges = [left, left + 0.05 * width, left + 0.47 * width, left + 0.58 * width,
             left + 0.71 * width, left + 0.80 * width, left + 0.86 * width, right]
    heads = [("Sl", "No."), ("Description of Goods", ""), ("HSN/SAC", ""), ("Quantity", ""),
             ("Rate", ""), ("per", ""), ("Amount", "")]
    y = bottom
    for (x0, x1), (first, second) in zip(pairwise(edges), heads, strict=True):
        at((x0 + x1) / 2, y + 6, first, "ma", scale=0.9)
        if second:
            at((x0 + x1) / 2, y + 6 + line * 0.8, second, "ma", scale=0.9)
    table_top, y = bottom, bottom + int(line * 2)
    hline(y)
    y += 8

    def item_row(cells: list[tuple[int, str, str, bool]]) -> None:
        """(column, text, 'l' or 'r', bold) on the row at y."""
        for column, text, align, bold in cells:
            x = edges[column] + 8 if align == "l" else edges[column + 1] - 8
            at(x, y, text, "la" if align == "l" else "ra", bold=bold)

    units = {TALLY_UNITS[unit] for _n, _h, unit, _q, _a in b.lines}
    for n, (name, hsn, unit, qty, amount) in enumerate(b.lines, 1):
        symbol = TALLY_UNITS[unit]
        item_row([(0, str(n), "l", False), (1, name, "l", True), (2, hsn, "l", False),
                  (3, f"{qty} {symbol}", "r", True), (4, indian(amount // qty), "r", False),
                  (5, symbol, "l", False), (6, indian(amount), "r", True)])
        y += line
    hline(y - 4, edges[6], right)
    y += 6
    rate = round(100 * (b.cgst + b.sgst + b.igst) / max(b.taxable, 1))
    output, percent = rng.random() < 0.4, rng.random() < 0.5
    taxes = [("IGST", b.igst, rate)] if b.igst else [("CGST", b.cgst, rate / 2),
                                                     ("SGST", b.sgst, rate / 2)]
    for name, value, share in taxes:
        label = f"Output {name} @ {share:g}%" if output else name
        cells = [(1, label, "r", True), (6, indian(value), "r", True)]
        if percent:
            cells += [(4, f"{share:g}", "r", False), (5, "%", "l", False)]
        item_row(cells)
        y += line
    if b.round_off:
        off = f"(-){-b.round_off / 100:.2f}" if b.round_off < 0 else f"{b.round_off / 100:.2f}"
        item_row([(1, "Round Off", "r", True), (6, off, "r", True)])
        y += line
    y += int(line * rng.choice([0.5, 2, 5]))  # the table stretched down the page
    hline(y)
    y += 8
    sign = "₹" if fonts.has_rupee(font) else "Rs."
    quantity = sum(q for *_r, q, _a in b.lines)
    total = [(1, "Total", "r", False), (6, f"{sign} {indian(t.total_paise)}", "r", True)]
    if len(units) == 1:
        total.append((3, f"{quantity} {units.pop()}", "r", True))
    item_row(total)
    y += line + 4
    hline(y)
    for x in edges[1:-1]:
        vline(x, table_top, y)
    y += 6
    at(left + 8, y, "Amount Chargeable (in words)", scale=0.85)
    at(right - 8, y, "E. & O.E", "ra", scale=0.85)
    y += line
    at(left + 8, y, _inr(t.total_paise), bold=True)
    y += int(line * 1.4)
    y = _tally_hsn(pen, b, at, hline, vline, y, line)
    tax = b.cgst + b.sgst + b.igst
    at(left + 8, y, "Tax Amount (in words) :", scale=0.9)
    at(left + 8 + pen.face(0.9).getlength("Tax Amount (in words) : "), y, _inr(tax), bold=True)
    y += int(line * 1.6)
    at(left + 8, y, f"Company's PAN        : {t.seller_gstin[2:12]}")
    y += int(line * 1.3)
    sign_top = y
    at(left + 8, y, "Declaration", scale=0.9)
    for n, text in enumerate(DECLARATION, 1):
        at(left + 8, y + n * line * 0.9, text, scale=0.85)
    hline(sign_top - 6, mid, right)
    vline(mid, sign_top - 6, y + int(line * 3.4))
    at(right - 8, y + 4, f"for {b.shop}", "ra", bold=True)
    y += int(line * 3.4)
    at(right - 8, y - line, "Authorised Signatory", "ra", scale=0.9)
    pen.draw.rectangle((left, top, right, y), outline=pen.ink, width=2)
    y += 10
    at((left + right) / 2, y, "This is a Computer Generated Invoice", "ma", scale=0.8)
    pen.y = y + line
    a4 = int(page.width * 1.41)
    return page.crop((0, 0, page.width, max(min(page.height, a4), pen.y + 40)))


def _tally_hsn(pen: Pen, b: Bill, at, hline, vline, y: int, line: int) -> int:
    """Tally's HSN/SAC summary: taxable value, each tax's rate and amount, the total tax; a row
    per code and a Total row. Returns the y under it."""
    left, right = pen.left, pen.right
    width = right - left
    igst = bool(b.igst)
    edges = [left, left + 0.25 * width, left + 0.42 * width] + (
        [left + 0.52 * width, left + 0.68 * width] if igst else
        [left + 0.50 * width, left + 0.62 * width, left + 0.70 * width, left + 0.82 * width]
    ) + [right]
    hline(y)
    taxes = ["Integrated Tax"] if igst else ["Central Tax", "State Tax"]
    at((edges[0] + edges[1]) / 2, y + 6, "HSN/SAC", "ma", scale=0.85)
    at((edges[1] + edges[2]) / 2, y + 6, "Taxable", "ma", scale=0.85)
    at((edges[1] + edges[2]) / 2, y + 6 + line * 0.8, "Value", "ma", scale=0.85)
    for n, name in enumerate(taxes):
        x0, x1 = edges[2 + 2 * n], edges[4 + 2 * n]
        at((x0 + x1) / 2, y + 6, name, "ma", scale=0.85)
        hline(y + line, x0, x1)
        at((x0 + edges[3 + 2 * n]) / 2, y + 6 + line, "Rate", "ma", scale=0.85)
        at((edges[3 + 2 * n] + x1) / 2, y + 6 + line, "Amount", "ma", scale=0.85)
    at((edges[-2] + right) / 2, y + 6, "Total", "ma", scale=0.85)
    at((edges[-2] + right) / 2, y + 6 + line * 0.8, "Tax Amount", "ma", scale=0.85)
    head_top, y = y, y + int(line * 2.1)
    hline(y)
    rate = round(100 * (b.cgst + b.sgst + b.igst) / max(b.taxable, 1))
    share = f"{rate if igst else rate / 2:g}%"
    rows = [[code, indian(value), share, indian(first)] + ([] if igst else [share, indian(second)])
            + [indian(first + second)] for code, value, first, second in totals.by_hsn(b)]
    rows.append(["Total", indian(b.taxable), "", indian(b.cgst or b.igst)]
                + ([] if igst else ["", indian(b.sgst)]) + [indian(b.cgst + b.sgst + b.igst)])
    for n, row in enumerate(rows):
        if n == len(rows) - 1:
            hline(y + 2)
        for c, text in enumerate(row):
            if c == 0:
                at(edges[0] + 8, y + 6, text, bold=n == len(rows) - 1)
            elif text:
                at(edges[c + 1] - 8, y + 6, text, "ra", bold=n == len(rows) - 1)
        y += line
    y += 6
    hline(y)
    for n, x in enumerate(edges[1:-1], 1):  # a tax's Rate | Amount split under its name
        vline(x, head_top + line if n % 2 and n >= 3 else head_top, y)
    return y + 8


VYAPAR_UNITS = {"bag": "Bag", "can": "Can", "pcs": "Pcs", "coil": "Roll", "kg": "Kg"}


def _vyapar(b: Bill, rng: random.Random, layout: str, hindi: bool) -> Image.Image:
    """Vyapar's A4 GST theme: 'Tax Invoice' over the shop's header; 'Bill To' and 'Invoice
    Details' side by side; the item table '# | Item name | HSN/ SAC | Quantity | Price/ unit |
    GST | Amount' whose amounts include their GST, and its Total row (the invoice total before
    round-off); at the left 'Invoice Amount In Words' ('... Rupees only') and the terms, at the
    right 'Sub Total', each tax, 'Total', 'Received' and 'Balance'."""
    font = rng.choice(fonts.installed(fonts.PRINT))
    page = Image.new("RGB", (1650, 2600), "white")
    pen, t = Pen(page, font, rng.randint(22, 28), rng), b.truth
    left, right, mid = pen.left, pen.right, page.width / 2
    cur = "₹ " if fonts.has_rupee(font) else "Rs. "
    pen.put(mid, "Tax Invoice", scale=1.3, anchor="ma", bold=True)
    pen.y += int(pen.size * 2.4)
    pen.row([(left, b.shop, "l")], scale=1.4, bold=True)
    state = f"{t.seller_gstin[:2]}-{STATES[int(t.seller_gstin[:2])]}"
    for text in (b.place, f"Phone no.: 98{rng.randrange(10**8):08d}", f"GSTIN: {t.seller_gstin}",
                 f"State: {state}"):
        pen.row([(left, text, "l")], scale=0.9)
    pen.rule()
    pen.row([(left, "Bill To", "l"), (mid + 40, "Invoice Details", "l")], bold=True)
    bill_to = [b.buyer, b.place.split(",")[-1].strip(), f"GSTIN Number: {t.buyer_gstin}",
               f"State: {t.buyer_gstin[:2]}-{STATES[int(t.buyer_gstin[:2])]}"]
    details = [f"Invoice No.: {t.number}", f"Date: {t.day.strftime('%d-%m-%Y')}",
               f"Place of supply: {bill_to[-1].removeprefix('State: ')}"]
    for n, text in enumerate(bill_to):
        cells = [(left, text, "l")] + ([(mid + 40, details[n], "l")] if n < len(details) else [])
        pen.row(cells, scale=0.9, bold=n == 0 and rng.random() < 0.5)
    pen.y += 10
    width = right - left
    cols = [(left + 8, "l"), (left + 50, "l"), (left + 0.44 * width, "l"),
            (left + 0.62 * width, "r"), (left + 0.74 * width, "r"), (left + 0.88 * width, "r"),
            (right - 8, "r")]
    top = pen.y - int(pen.size * 0.3)
    pen.draw.rectangle((left, top, right, top + int(pen.size * 1.5)), fill=(225, 225, 225))
    pen.row([(x, h, a) for (x, a), h in zip(cols, ["#", "Item name", "HSN/ SAC", "Quantity",
                                                    "Price/ unit", "GST", "Amount"],
                                             strict=True)], bold=True, scale=0.9)
    pen.y += int(pen.size * 0.4)
    rate = round(100 * (b.cgst + b.sgst + b.igst) / max(b.taxable, 1))
    shares = [line[4] for line in b.lines]
    taxes = [tax * share // b.taxable for share, tax in zip(shares, [b.cgst + b.sgst + b.igst]
                                                            * len(shares), strict=True)]
    taxes[-1] += b.cgst + b.sgst + b.igst - sum(taxes)
    for n, ((name, hsn, unit, qty, amount), tax) in enumerate(zip(b.lines, taxes, strict=True), 1):
        cells = [str(n), name, hsn, f"{qty} {VYAPAR_UNITS[unit]}", f"{cur}{indian(amount // qty)}",
                 f"{cur}{indian(tax)} ({rate}%)", f"{cur}{indian(amount + tax)}"]
        pen.row([(x, c, a) for (x, a), c in zip(cols, cells, strict=True)], scale=0.9)
    pen.rule()
    exact = b.taxable + b.cgst + b.sgst + b.igst
    pen.row([(cols[1][0], "Total", "l"), (cols[3][0], str(sum(q for *_r, q, _a in b.lines)), "r"),
             (cols[5][0], f"{cur}{indian(exact - b.taxable)}", "r"),
             (cols[6][0], f"{cur}{indian(exact)}", "r")], bold=True, scale=0.9)
    pen.rule()
    pen.y += 10
    at = right - 0.34 * width
    summary = [("Sub Total", b.taxable)]
    split = f"{rate / 2:g}" if not b.igst else f"{rate:g}"
    summary += [(f"IGST@{split}%", b.igst)] if b.igst else [(f"SGST@{split}%", b.sgst),
                                                          (f"CGST@{split}%", b.cgst)]
    if b.round_off:
        summary.append(("Round off", b.round_off))
    account = dict(b.after)
    received = next((account[k] for k in RECEIVED_LABELS if k in account), 0)
    balance = next((account[k] for k in BALANCE_LABELS if k in account), t.total_paise - received)
    words = in_words(t.total_paise).removeprefix("Rupees ").removesuffix(" Only")
    words = words.replace(" and ", " Rupees and ").replace(" Paise", " Paisa") if " and " in words \
        else words + " Rupees"
    said = [("Invoice Amount In Words", True), (f"{words} only", False), ("", False),
            ("Terms And Conditions", True), ("Thanks for doing business with us!", False)]
    start = pen.y
    for label, value in summary:
        text = f"{value / 100:+.2f}" if label == "Round off" else f"{cur}{indian(value)}"
        pen.row([(at, label, "l"), (right - 8, text, "r")], scale=0.9)
    top = pen.y - int(pen.size * 0.3)
    pen.draw.rectangle((at - 10, top, right, top + int(pen.size * 1.7)), fill=(225, 225, 225))
    pen.row([(at, "Total", "l"), (right - 8, f"{cur}{indian(t.total_paise)}", "r")], bold=True)
    for label, value in (("Received", received), ("Balance", balance)):
        pen.row([(at, label, "l"), (right - 8, f"{cur}{indian(value)}", "r")], scale=0.9)
    end, pen.y = pen.y, start
    for text, bold in said:
        pen.row([(left, text, "l")], scale=0.9, bold=bold)
    pen.y = max(pen.y, end) + 40
    pen.row([(right - 8, f"For: {b.shop}", "r")], scale=0.9)
    pen.y += 70
    pen.row([(right - 8, "Authorized Signatory", "r")], scale=0.9)
    return page.crop((0, 0, page.width, int(page.width * 1.41)))
