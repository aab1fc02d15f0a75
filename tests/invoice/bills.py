"""What a varied Indian GST bill says (not how it is drawn): shops, numbers, dates, item
lines, taxes, round-off, and the many ways a total is labelled and printed."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from tests.invoice.make import Truth, indian, make_gstin

SHOPS = ["Sai Traders & Co.", "SHREE BALAJI DISTRIBUTORS", "Om Sai Hardware", "M/s Patel Agencies",
         "Laxmi Building Materials", "NEW INDIA ELECTRICALS", "Ganesh Cement Depot",
         "Sri Venkateswara Enterprises", "Kumar & Sons", "AGARWAL PAINTS & CHEMICALS",
         "Mahalaxmi Steel Traders", "Royal Lubricants", "Jai Hind Sanitary Stores"]
PLACES = ["Market Yard, Pune 411037", "G.T. Road, Ludhiana 141003", "MG Road, Indore 452001",
          "Station Road, Nagpur 440001", "Anna Salai, Chennai 600002", "Ring Road, Surat 395002",
          "Main Bazar, Hubli 580020", "Civil Lines, Jaipur 302006", "Lal Bagh, Lucknow 226001"]
BUYERS = ["Gupta Hardware Stores", "Sharma Construction", "R.K. Builders", "Deepak Electricals",
          "Anand Tiles & Sanitary", "Shiv Shakti Traders", "Meena Paints"]
PRODUCTS = [("OPC 53 Grade Cement", "2523", "bag", 380), ("PPC Cement", "2523", "bag", 350),
            ("Tile Adhesive 20kg", "3214", "bag", 520), ("Waterproofing Compound", "3824", "can",
                                                          1450),
            ("Engine Oil 15W40 5L", "2710", "can", 1890), ("MCB 32A Double Pole", "8536", "pcs",
                                                          640),
            ("FR Wire 2.5 sqmm 90m", "8544", "coil", 2350), ("Wall Putty 40kg", "3214", "bag",
                                                            780),
            ("PVC Pipe 4in 6m", "3917", "pcs", 465), ("Primer 20L", "3209", "can", 3125),
            ("TMT Bar 12mm", "7214", "kg", 62), ("LED Bulb 9W", "8539", "pcs", 95)]
NUMBER_LABELS = ["Invoice No", "Invoice No.", "Inv. No.", "Bill No.", "Invoice Number",
                 "Invoice #", "Bill No", "Tax Invoice No.", "Inv No"]
DATE_LABELS = ["Date", "Dated", "Invoice Date", "Bill Date", "Dt."]
TOTAL_LABELS = ["Grand Total", "Total Amount", "Net Amount", "Invoice Value", "Amount Payable",
                "Total Invoice Value", "Net Payable", "Bill Amount", "TOTAL", "Invoice Total",
                "Total Amount After Tax", "Total Payable", "Grand Total (Rs.)"]
MORE_TOTAL_LABELS = ["Total Amount Due", "Net Amount Payable", "GRAND TOTAL", "Net Total",
                     "Total Value", "Total (Rs.)"]
# What paid, owed and the running account with the shop are called under a total (Vyapar, Marg,
# Busy and bill books): the classic amounts that are not the invoice total.
RECEIVED_LABELS = ["Received", "Amount Received", "Paid Amount", "Advance Paid", "Cash Received"]
BALANCE_LABELS = ["Balance", "Balance Due", "Balance Amount", "Amount Due"]
ACCOUNT_LABELS = ["Current Balance", "Total Outstanding", "Net Balance", "Closing Balance"]
ONES = ["", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten",
        "Eleven", "Twelve", "Thirteen", "Fourteen", "Fifteen", "Sixteen", "Seventeen",
        "Eighteen", "Nineteen"]
TENS = ["", "", "Twenty", "Thirty", "Forty", "Fifty", "Sixty", "Seventy", "Eighty", "Ninety"]


@dataclass
class Bill:
    """A bill's contents; `truth` is what the reader must find."""

    truth: Truth
    shop: str
    place: str
    buyer: str
    lines: list[tuple[str, str, str, int, int]]  # name, HSN, unit, quantity, amount (paise)
    taxable: int
    cgst: int
    sgst: int
    igst: int
    round_off: int  # paise added to reach the printed total
    date_text: str
    labels: dict[str, str] = field(default_factory=dict)
    after: list[tuple[str, int]] = field(default_factory=list)  # lines under the total


def invoice_number(rng: random.Random) -> str:
    """Numbers as Indian billing software and bill books print them."""
    n = rng.randint(1, 99999)
    style = rng.randrange(7)
    return [f"INV-{n:05d}", f"ST/2026/{n % 10000:05d}", f"GST/25-26/{n % 10000}",
            f"{rng.choice('ABCDGKMST')}{n:04d}", f"2025-26/{n % 1000:03d}", f"SI/{n:04d}",
            f"TI-{n:05d}"][style]


def date_text(rng: random.Random, day: date) -> str:
    return day.strftime(rng.choice(["%d/%m/%Y", "%d-%m-%Y", "%d-%b-%Y", "%d.%m.%y", "%d %b %Y",
                                    "%d-%m-%y", "%d.%m.%Y"]))


def bill(rng: random.Random, seller: str | None = None, day: date | None = None) -> Bill:
    """A random bill: 1-6 items, CGST+SGST or IGST, a total rounded to the rupee on most."""
    lines = []
    for name, hsn, unit, price in rng.sample(PRODUCTS, rng.randint(1, 6)):
        qty = rng.randint(1, 150)
        lines.append((name, hsn, unit, qty, qty * price * 100 + rng.choice([0, 0, 50, 25])
                      * qty))
    taxable = sum(line[4] for line in lines)
    rate = rng.choice([5, 12, 18, 18, 28])
    tax = taxable * rate // 100
    igst = tax if rng.random() < 0.25 else 0
    cgst = 0 if igst else tax // 2
    sgst = 0 if igst else tax - cgst
    exact = taxable + tax
    total = round(exact / 100) * 100 if rng.random() < 0.6 else exact
    day = (day or date(2026, 3, 12)) - timedelta(days=rng.randrange(30 if day else 90))
    truth = Truth(seller_gstin=seller or make_gstin(rng), buyer_gstin=make_gstin(rng),
                  number=invoice_number(rng), day=day, total_paise=total,
                  items=[(n, q, a) for n, _h, _u, q, a in lines])
    labels = {"number": rng.choice(NUMBER_LABELS), "date": rng.choice(DATE_LABELS),
              "total": rng.choice(TOTAL_LABELS), "currency": rng.choice(["Rs.", "Rs", "₹", "INR",
                                                                         "", ""])}
    more = offshoot(rng)  # the traits added since: the pages tests pin by seed are unchanged
    if more.random() < 0.3:
        labels["total"] = more.choice(MORE_TOTAL_LABELS)
    return Bill(truth, rng.choice(SHOPS), rng.choice(PLACES), rng.choice(BUYERS), lines, taxable,
                cgst, sgst, igst, total - exact, date_text(rng, day), labels,
                account(more, total))


def offshoot(rng: random.Random) -> random.Random:
    """A generator of its own, seeded from `rng`'s state without drawing from it: traits added
    to the generator leave what `rng` draws next (and so the pages tests pin by seed) as it was."""
    return random.Random(repr(rng.getstate()))


def account(rng: random.Random, total: int) -> list[tuple[str, int]]:
    """What some bills print under the total: the amount paid now and the balance left, and
    the buyer's running account (previous balance, balance now)."""
    lines: list[tuple[str, int]] = []
    balance = total
    if rng.random() < 0.35:
        received = rng.choice([0, total, rng.randrange(total // 10, total) // 10_000 * 10_000])
        balance = total - received
        lines += [(rng.choice(RECEIVED_LABELS), received), (rng.choice(BALANCE_LABELS), balance)]
    if rng.random() < 0.2:
        previous = rng.randrange(100, 3 * total) // 100 * 100
        lines += [("Previous Balance", previous), (rng.choice(ACCOUNT_LABELS), previous + balance)]
    return lines


def money(paise: int, rng: random.Random, *, plain: bool = False) -> str:
    """An amount as Indian bills print it: 1,23,456.00 mostly; 123456.00; 1,23,456/-."""
    style = 0 if plain else rng.choices(range(4), weights=[70, 15, 10, 5])[0]
    if style == 1:
        return f"{paise // 100}.{paise % 100:02d}"
    if style == 2 and paise % 100 == 0:
        return indian(paise)[:-3] + "/-"
    if style == 3:
        return f"{paise / 100:,.2f}"  # western grouping, as some software prints
    return indian(paise)


def _words(n: int) -> str:
    if n < 20:
        return ONES[n]
    if n < 100:
        return f"{TENS[n // 10]} {ONES[n % 10]}".strip()
    if n < 1000:
        return f"{ONES[n // 100]} Hundred {_words(n % 100)}".strip()
    for size, name in ((10_000_000, "Crore"), (100_000, "Lakh"), (1000, "Thousand")):
        if n >= size:
            return f"{_words(n // size)} {name} {_words(n % size)}".strip()
    return ""


def in_words(paise: int) -> str:
    """'Rupees One Lakh Twenty Three Thousand ... Only' as printed under Indian totals."""
    rupees, rest = divmod(paise, 100)
    text = f"Rupees {_words(rupees)}"
    if rest:
        text += f" and {_words(rest)} Paise"
    return text + " Only"
