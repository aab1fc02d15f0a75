"""The page's arithmetic that vouches for a total (workers.ocr.total): taxable value + taxes
+ round-off, the taxable value as stated or as the item amounts' sum (a cash memo states
none), or the items' sum with the tax at a GST rate; cash tendered less change given.

Real billing software prints more between the base and the total (Marg's GROSS AMT, LESS: CD,
SCH. DISC, ADD: GST, R.OFF, NET AMT; freight, packing, TCS, a cash discount after the total):
a running sum from a base down lines that each add or take off one amount to the next total
vouches for that total, and a total the page takes further is not the invoice total; nor is
one that carries the buyer's account (a previous balance, an advance, a credit note)."""

from __future__ import annotations

import re
from typing import NamedTuple

from rapidfuzz.distance import Levenshtein

from workers.ocr.labels import NOT_ON_PAGE, ROUND_OFF, TAX, TAXABLE, Amount, label_weight

_ROUND = re.compile(ROUND_OFF, re.I)  # "R/O", its O read as 0 too
_CASH = re.compile(r"\bcash\b|tender", re.I)
_CHANGE = re.compile(r"\bchange\b|bal(?:ance)?\.?\s*(?:return|refund)", re.I)
GST_RATES = (0.25, 3, 5, 12, 18, 28, 40)  # percent


def arithmetic(every: list[Amount], goods: int
               ) -> tuple[set[int], set[int], set[Amount], set[int]]:
    """(sums that vouch for a total, every sum, the totals the page takes further, the totals
    it leaves in doubt: _chained):
    taxable value + taxes (+ round-off) when the
    page prints them (each tax taken once: a tax-summary table repeats them), with the
    taxable value as stated and as `goods`, the item amounts' sum (a cash memo states none),
    and cash tendered less change given. Without a tax line nothing adds up: the item table's
    own "Total" row is the items' sum, not the invoice total.

    A sum is doubted (in the second set only) when the page itself says a figure in it was
    misread: with a round-off line read, a sum not in whole rupees (rounding is what the line
    is for); and the items' sum where a taxable value is stated and gives another sum (an
    item's 0 read as 8 the same way as the total's: 9690.08 and 554968.08)."""
    running, taken, contested = _chained(every)
    settled = tendered(every) | running
    taxes: dict[str, int] = {}
    for amount in every:
        kind = TAX.search(amount.label)
        # Taxes are written in rupees and paise: a bare number after "GST" is a part of
        # something else ("Bill No. GST/25-26/8525 Date: 05 Jan": its 05).
        if kind and amount.marked and not TAXABLE.search(amount.label):
            taxes.setdefault(re.sub(r"\s", "", kind.group().lower()).replace("8", "s"),
                             amount.paise)
    settled |= _column(every)
    if not taxes:
        return settled, settled, taken, contested
    if len(taxes) > 1:  # "Total GST" / "GST Amount" under CGST and SGST: their sum
        taxes.pop("gst", None)
    for one, other in (("cgst", "sgst"), ("sgst", "cgst")):  # always equal: one label lost
        if one in taxes and other not in taxes:
            taxes[other] = taxes[one]
    rounding = next((a.paise for a in every if _ROUND.search(a.label)), 0)
    stated = next((a.paise for a in every if TAXABLE.search(a.label)), None)
    if stated:
        stated = sign_read_base(stated, sum(taxes.values()))
    bases = {source: taxable + sum(taxes.values())
             for source, taxable in (("stated", stated), ("goods", goods)) if taxable}
    # Rounded to the rupee, its sign read or lost, or the round-off line itself misread.
    # With its sign lost ("Round off 0.43" taken off), the sum is the one in whole rupees
    # (bench seed 601, dot-matrix photo 95: 3,76,642.86 for 3,76,642.00).
    vouching = {source: _rounded(base, rounding) for source, base in bases.items()
                if not rounding or any((base + off) % 100 == 0 for off in (rounding, -rounding, 0))}
    sums = {source: _rounded(base, rounding) for source, base in bases.items()}
    if "stated" in vouching and vouching.get("goods", vouching["stated"]) != vouching["stated"]:
        vouching.pop("goods")
    at_rate = {goods + tax + rounding for tax in _taxes_at_rate(goods, sum(taxes.values()))
               } if stated is None and goods else set()
    # Rounded to the rupee as the round-off line says, the line itself read.
    at_rate = {paise for paise in at_rate if not rounding or paise % 100 == 0}
    return (set(vouching.values()) | settled | at_rate, set(sums.values()) | settled | at_rate,
            taken, contested)


_GROSS = re.compile(r"gross", re.I)
# A line that takes an amount off ("LESS: CD", "SCH. DISC", "Discount(5%) (-)", Hindi छूट)
_LESS = re.compile(r"\bless\b|discount|\bdisc\b|\bcd\b|rebate|\bsch(?:eme)?\b|\(-\)|"
                   r"छूट|कटौती|सूट|தள்ளுபடி|రాయితీ|ರಿಯಾಯಿತಿ|ছাড়|વળતર", re.I)
_DISCOUNT = re.compile(r"discount|\bdisc\b", re.I)
_SUMMARY_TAX = re.compile(r"total\s*(?:tax|gst)|(?:tax|gst)\s*(?:amount|amt)", re.I)
# Paid or set off against the buyer's account, taken off what the buyer owes
_PAID = re.compile(r"received|paid|advance|payment|\btds\b|credit\s*note|\bc\s*/?\s*n\b|return|"
                   r"jama|जमा|अग्रिम|प्राप्त", re.I)
_SETTLED = re.compile(r"received|paid|sav(?:ed|ings?)|in\s*words", re.I)


# A charge added to the goods, at a rate of them or not: never a tax
_CHARGE = re.compile(r"freight|packing|forwarding|p\s*&\s*f\b|transport|insurance|cartage|"
                     r"loading|handling|delivery|courier|labour", re.I)
# GST written in an Indian script (Hindi and Marathi, Tamil, Telugu, Kannada, Bengali,
# Gujarati), and Hindi's कर (tax)
_INDIC_TAX = "जीएसटी|ஜிஎஸ்டி|జీఎస్టీ|ಜಿಎಸ್\u200cಟಿ|ಜಿಎಸ್ಟಿ|জিএসটি|જીએસટી|(?<!\\S)कर(?!\\S)"
# A line between a base and its total whose label says it adds or takes off: a tax, a charge
# ("Other Charges", TCS, hamali: loading labour), a discount
_ADDS = re.compile(rf"{TAX.pattern}|{_INDIC_TAX}|{_CHARGE.pattern}|{_LESS.pattern}|"
                   r"\bcharges?\b|surcharge|\btcs\b|\bmisc|hamali|octroi", re.I)


def _gst_on(base: int, paise: int) -> bool:
    """Whether `paise`, in rupees and paise, is `base`'s GST at a rate, or half of it (CGST,
    SGST): a tax whose label was misread. A round amount ("Old Dues 2,000.00" under "Total
    10,000.00") is too often a rate of a round base by chance."""
    return paise % 100 != 0 and (_at_rate(base, abs(paise)) or _at_rate(base, 2 * abs(paise), 2.0))


def _chained(every: list[Amount]) -> tuple[set[int], set[Amount], set[int]]:
    """(totals the page's own running sum vouches for, the totals it takes further or that
    carry the buyer's account, "Total" + "Previous Balance" = "Net Amount", the totals it
    leaves in doubt): from a
    base (a taxable value, sub-total, gross amount or total) down a list of lines that each
    add or take off one amount (taxes, "Add: Freight", "Packing & Forwarding", "TCS", "Less:
    Discount", "SCH. DISC", a round-off either way) to the next total, that total is the
    base with them: Marg's GROSS AMT … NET AMT, Zoho's discount before tax, a "Total" less a
    cash discount to a "Net Amount" (the total the page takes further is not the invoice
    total). A payment or a balance between them is the buyer's account, kept apart; a second
    base or a table row (two amounts on a line) breaks the list. A line whose label names
    nothing it adds (_ADDS), its amount no GST of the sum so far at a rate (a tax, its label
    misread), may be a charge or the buyer's account read past knowing ("Shipping", "Prevs"):
    the list leaves in doubt a total base and the next total, where the list adds up to it or
    it is larger (the partner confirms whichever is read: each may be the invoice's)."""
    marked: dict[int, list[Amount]] = {}
    for amount in every:
        if amount.marked:
            marked.setdefault(amount.line, []).append(amount)

    def base(amount: Amount) -> bool:
        # its line's words ("Total 46 1,00,000.00": the item table's total row, its quantity)
        label = " ".join(a.label for a in every[:every.index(amount) + 1]
                         if a.line == amount.line)
        return bool(TAXABLE.search(label) or _GROSS.search(label) or label_weight(label))

    sums: set[int] = set()
    taken: set[Amount] = set()
    contested: set[int] = set()
    rows = sorted(marked)
    for at, row in enumerate(rows):
        first = marked[row][0]
        if len(marked[row]) != 1 or first.paise <= 0 or not base(first):
            continue
        added, summary, rounding, levied, account, unexplained = [], [], 0, 0, 0, False
        for later in rows[at + 1:]:
            if len(marked[later]) != 1:
                break
            step = marked[later][0]
            if label_weight(step.label):
                plus = sum(added) + (levied or sum(summary))
                start = sign_read_base(first.paise, levied)
                ends = {start + plus + rounding, start + plus - rounding}
                if unexplained:
                    # a total carried further adds up or is more; the tax summary's Total row
                    # under the invoice total is neither
                    if label_weight(first.label) and (step.paise in ends
                                                      or step.paise > first.paise):
                        contested |= {first.paise, step.paise}
                elif account and step.paise in {end + account for end in ends}:
                    taken.add(step)  # a running balance, not this invoice's total
                elif (plus or rounding) and step.paise in ends and step.paise != first.paise:
                    sums.add(step.paise)
                    if label_weight(first.label):
                        taken.add(first)
                break
            paid = NOT_ON_PAGE.search(step.label) and not _DISCOUNT.search(step.label)
            if paid or _SETTLED.search(step.label):
                # "Less: Advance" is paid, not taken off ("Cash Discount" is taken off); a
                # previous balance is the buyer's account, not this invoice's
                settled = _LESS.search(step.label) or _PAID.search(step.label)
                account += -abs(step.paise) if settled else step.paise
                continue
            if base(step):
                break
            if _ROUND.search(step.label):
                rounding += step.paise
            elif _SUMMARY_TAX.search(step.label):
                summary.append(step.paise)
            else:
                unexplained = unexplained or not (_ADDS.search(step.label) or _gst_on(
                    first.paise + sum(added) + levied, step.paise))
                less = _LESS.search(step.label) or step.paise < 0
                if TAX.search(step.label) and not less:
                    levied += step.paise
                else:
                    added.append(-abs(step.paise) if less else step.paise)
    return sums, taken, contested


# Lines a column of goods and taxes does not run through: an amount paid, settled or of the
# buyer's account ("Prev Bal 2,124.00" between a total and a net amount)
_OFF_COLUMN = re.compile(f"{_PAID.pattern}|{_SETTLED.pattern}|{NOT_ON_PAGE.pattern}", re.I)
# A column's taxes are its GST to the paisa of each item's halves, not to the rupee: an item
# table's own Total row over items whose last is within a rupee of a rate of the rest
# ("1,000.00", "180.00", "Total 1,180.00" before the GST lines) is no total with its tax.
COLUMN_TAX_PAISE = 5


class _Entry(NamedTuple):
    """A line of a column: its amount (taken off: negative), and whether it is a round-off
    or a charge."""

    paise: int
    rounding: bool
    charge: bool


def _column(every: list[Amount]) -> set[int]:
    """The amounts a column of the lines right above adds up to: TallyPrime prints the items'
    amounts, then each tax, then the invoice total in one Amount column, its "Total" label far
    to the left, on another line of a slanted photo (bench seed 179, Tally photo 14: the total
    read alone on its line, the items' and taxes' amounts each at the end of theirs). A run of
    lines, each ending in an amount, that sums to the amount ending the next line to the
    paisa, its upper lines (the goods) with the lower ones at a GST rate of them (the taxes,
    whatever their labels were read as: "KGSI 15,156.25", fresh seed 191, Tally photo 6),
    vouches for that amount; so do the lower lines alone, at a GST rate of a taxable value the
    page prints elsewhere that they add up to the amount with (the items misread, the tax
    summary's row read: "9,01,957.75 81,176.19", fresh seed 193, Tally photo 54), the taxable
    value the page states where it states one. The taxes are taken to COLUMN_TAX_PAISE, a
    round-off among them added, not taxed. Not so the taxes' own sum under them ("CGST
    11,491.67", "acer-9k 11,491.67", "Total Fax Amouot 22,983.34": seed 191, dot-matrix photo
    29), nor an item table's own Total row. A line ending in no amount, an amount paid or
    settled, or a total label ends the run (a base, counted in)."""
    ends: dict[int, Amount] = {}
    words: dict[int, str] = {}
    for amount in every:
        words[amount.line] = words.get(amount.line, "") + " " + amount.label
        if amount.marked and amount.last:
            ends[amount.line] = amount
    stated = {amount.paise for amount in every if amount.marked and TAXABLE.search(amount.label)}
    shown = stated or {amount.paise for amount in every if amount.marked and amount.paise > 0}
    largest = max((amount.paise for amount in every if amount.marked), default=0)
    found = set()
    for line, candidate in ends.items():
        if candidate.paise != largest:
            # An item table's own Total row over a charge at a rate ("Packing & Forwarding @3%"),
            # or a sub-total, is less than the invoice total below it, however misread that is.
            continue
        run: list[_Entry] = []  # the lines above, nearest first
        above = line - 1
        while above in ends and not _OFF_COLUMN.search(words[above]):
            rounding = bool(_ROUND.search(words[above]))
            taken_off = rounding and _LESS.search(words[above])  # "Round Off (-)0.29"
            # a charge is goods, never a tax ("Freight @5%")
            run.append(_Entry(-abs(ends[above].paise) if taken_off else ends[above].paise,
                              rounding, bool(_CHARGE.search(words[above]))))
            if _taxed_column(candidate.paise, run, shown):
                found.add(candidate.paise)
                break
            if label_weight(words[above]):
                break
            above -= 1
    return found


def _taxed_column(total: int, run: list[_Entry], shown: set[int]) -> bool:
    """Whether the amounts of `run` (nearest the total first) make `total`: its nearer lines
    the taxes at a GST rate on its farther ones, or all of them on a taxable value `shown`
    elsewhere on the page (a round-off among the taxes added, not taxed; no charge among
    them; in rupees and paise unless they are two halves, CGST and SGST)."""
    if total <= 0:
        return False
    added = sum(entry.paise for entry in run)

    def taxed(goods: int, taxes: list[_Entry]) -> bool:
        unrounded = total - sum(entry.paise for entry in taxes if entry.rounding)
        levied = [entry.paise for entry in taxes if not entry.rounding]
        # one round amount at a rate of a round total is as likely the buyer's old dues
        # ("Total 11,800.00", "0ld Dves 2,124.00", "13,924.00"); CGST and SGST are two halves
        halves = len(levied) == 2 and _halves(*levied)
        return (halves or sum(levied) % 100 != 0) and not any(
            entry.charge for entry in taxes) and taxed_at_rate(goods, unrounded, COLUMN_TAX_PAISE)

    if added == total:
        return any(taxed(sum(entry.paise for entry in run[taxes:]), run[:taxes])
                   for taxes in range(1, len(run)))
    return total - added in shown and taxed(total - added, run)


def sign_read_base(base: int, taxes: int) -> int:
    """`base` (a taxable value or sub-total) without its first digit, where that 2 or 7 is a
    "₹" read as a digit and the taxes under it are a GST rate of the rest, not of `base`:
    Vyapar's "Sub Total ₹3,47,004.00" read "23,47,004.00" over "SGST@6% ₹20,820.24" read
    without its sign, the total's sign read as 2 alike, so the misread figures added up
    (fresh seed 317, vyapar photo 23). Else `base`."""
    digits = str(base)
    if taxes <= 0 or digits[:1] not in ("2", "7") or digits[1:2] in ("", "0") \
            or _at_rate(base, taxes, 2.0):
        return base
    rest = int(digits[1:])
    return rest if _at_rate(rest, taxes, 2.0) else base


def _rounded(base: int, rounding: int) -> int:
    """`base` with the round-off added, or taken off when only that makes whole rupees."""
    if (base + rounding) % 100 and not (base - rounding) % 100:
        return base - rounding
    return base + rounding


def _taxes_at_rate(goods: int, read: int) -> set[int]:
    """The tax on `goods` at a GST rate, where the tax read is that tax with one digit misread,
    lost or added ("GST 1,27,52.68" for 1,27,592.68 on a cash memo whose items make
    7,08,848.25 at 18 %): the items and the rate say the tax the page meant. A digit lost
    from an item and from the total alike keeps the total's sum but not the rate."""
    found = set()
    for rate in GST_RATES:
        exact = goods * rate / 100
        for tax in {int(exact), -int(-exact)}:
            if tax != read and Levenshtein.distance(str(tax), str(read)) == 1:
                found.add(tax)
    return found


def tendered(every: list[Amount]) -> set[int]:
    """Cash tendered less the change given back, when a receipt prints both."""
    cash = next((a.paise for a in every if _CASH.search(a.label) and a.marked), None)
    change = next((a.paise for a in every if _CHANGE.search(a.label) and a.marked), None)
    return {cash - change} if cash and change is not None and 0 <= change < cash else set()


def tax_row_sum(every: list[Amount]) -> int | None:
    """The taxable value plus its tax that the page's widest tax row states, where no label
    is left to say so: a row of amounts whose largest is followed on its line by its tax at a
    GST rate, as one figure or as two halves (CGST and SGST, a paisa apart at most). TallyPrime's
    and Vyapar's tax summary ends in such a row ("Total 4,78,598.25 … 11,964.95 … 11,964.96
    23,929.91"); in a photo of an A4 page its words and the total's label are often lost
    while the figures are read (study seed 813, tally photo 30). None when no row says it."""
    rows: dict[int, list[int]] = {}
    for amount in every:
        if amount.marked and amount.paise > 0:
            rows.setdefault(amount.line, []).append(amount.paise)
    found: list[tuple[int, int]] = []
    for row in rows.values():
        taxable = max(row)
        after = row[row.index(taxable) + 1:]
        halves = {a + b for i, a in enumerate(after) for b in after[i + 1:] if _halves(a, b)}
        taxes = sorted(tax for tax in {*after, *halves} if _at_rate(taxable, tax))
        if taxes:
            found.append((taxable, taxable + taxes[0]))
    return max(found)[1] if found else None


def _halves(one: int, other: int) -> bool:
    """Whether two taxes are a GST's halves, CGST and SGST: a paisa apart at most (each
    rounded to the paisa)."""
    return abs(one - other) <= 1


def _at_rate(taxable: int, tax: int, within: float = 1.0) -> bool:
    """Whether `tax` is `taxable`'s GST at one of GST_RATES, to `within` paise (by default
    each half rounded to the paisa)."""
    return any(abs(tax - taxable * rate / 100) <= within for rate in GST_RATES)


def taxed_at_rate(taxable: int, total: int, within: int = 100) -> bool:
    """Whether `total` is `taxable` (more than nothing) with its GST at one of GST_RATES, to
    `within` paise (by default a rupee: rounded to the rupee or not)."""
    return taxable > 0 and _at_rate(taxable, total - taxable, within)


def adds_up(paise: int, expected: set[int]) -> bool:
    """The total is a sum, or that sum rounded to the rupee (round-off line not read)."""
    return any(paise == sum_ or (paise % 100 == 0 and abs(paise - sum_) <= 50)
               for sum_ in expected)
