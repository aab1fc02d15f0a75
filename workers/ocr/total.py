"""Find the invoice total among the amounts on a page, and how sure we are of it.

An amount is a candidate when the words before it on its line name a total ("Grand Total",
"Net Amount", "Invoice Value", "TOTAL", "कुल राशि" …) and not a part of one (sub-total,
taxable value, taxes, round-off, cash tendered, change …: workers.ocr.labels). The page then
checks the candidate two independent ways: the amount in words ("Rupees … Only") and the
page's arithmetic (workers.ocr.sums: taxable value + taxes + round-off, a running sum from a
base through the lines that add or take off, cash less change). Words and arithmetic that
agree with each other vouch for their amount even when the printed total was misread; words
misread past parsing still choose, unsure, among the amounts the page shows. An amount
without a total label (an item line, a label lost under a stamp) is the total only when one
of those checks says so, or, on a page where no total label was read at all, as a guess
(_label_lost: a reviewer checks a guessed total the partner confirms). A total that neither
check confirms is never sure on its own (below INVOICE_MIN_CONFIDENCE, so the partner
confirms it) unless a second engine read the same (workers.ocr.combine), and it is not read
at all below FLOOR. A total the page takes further
is not the invoice total, nor is one that carries the buyer's account."""

from __future__ import annotations

import re

from rapidfuzz.distance import Levenshtein

from models.invoices.read import GUESSED_TOTAL, Item
from models.invoices.values import digits_only, parse_amount
from workers.ocr import items
from workers.ocr.labels import NOT_ON_PAGE, PART, TAX, TAXABLE, Amount, as_meant, label_weight
from workers.ocr.lines import Line, closed
from workers.ocr.sums import adds_up, arithmetic, tax_row_sum, taxed_at_rate, tendered
from workers.ocr.words import (
    IN_WORDS,
    START,
    TAX_IN_WORDS,
    VOCABULARY,
    amount_in_words,
    misread,
    resembled,
    saying,
    tied,
)

# An amount as printed or as misread: 1,23,456.00  123456.00  1.23.456,00  14,420/-  ₹1,234;
# "14,420-" and "14,420/" (half of the "/-" lost in a photo); handwritten digits read as
# letters: "4773C.CC", "Z,13,570.00" (a C is a 0 only here: in a GSTIN or an invoice number it
# is a letter); a handwritten 0 before the point read as C too ("R/O -C.37", "-C.C8"). Not
# the head of an amount whose next digit was misread past reading ("GST 1,50,g8.67": no tax
# of 1.50), nor its tail after a digit read as a letter ("Total Rs. n,C38.CC": no total of 38).
_SIGNS = "Rs|INR|₹|R5|RS"  # a currency sign as printed or misread
_SIGN_FIRST = re.compile(rf"^\s*(?:{_SIGNS})\s?\.?\s?:?")  # before a figure alone on its line
# A ":" read as "." after a label ("Grand Total.71,040.00") is no decimal point; a rate is
# no amount ("CGST @ 9.00 % 9,000.00": Busy); "71,040.00Cr" as Busy and Marg print a balance.
_TOKEN = re.compile(rf"(?:(?P<cur>{_SIGNS})\s?\.?\s?:?\s?|(?<![0-9/\-,])(?<![^A-Za-z]\.)"
                    r"(?<![.,][A-Za-z]))"
                    r"(?P<sign>[-+]\s?)?"
                    r"(?P<num>(?:[0-9]|(?<![A-Za-z])(?:[OSBIlZ]|C(?=[.,][0-9C]{2})))"
                    r"(?:[0-9OSBIlZC,.]|(?<=[.,])c|(?<=[.,][0-9C])c)*(?:[0-9OC]|(?<=[.,][0-9C])c))"
                    r"(?P<dash>/ ?[-=]?|-)?"
                    r"(?:(?=[CD]r\b)|(?![0-9A-Za-z%/\-]|[.,][A-Za-z]?[0-9]|\s%))")
# A figure's characters as read: digits, the letters handwritten digits are read as, separators
_FIGURE_ONLY = re.compile(r"[\s0-9OSBIlZC,.:/=-]+")
SURE, UNSURE = 0.95, 0.7
UNLABELLED = GUESSED_TOTAL  # an amount without a label: a guess, however clearly read
LABEL_LETTERS = 3  # letters in a row that make a word naming an amount (_label_lost)
# Below this an unchecked total is not read: a partner could confirm a misread amount that
# suits them, where a typed total goes to a reviewer (models/invoice_rules.correct_total).
FLOOR = 0.3


def amounts(lines: list[Line]) -> list[Amount]:
    """Every amount on the page with the words that label it."""
    found: list[Amount] = []
    above = ""  # a total label alone on the line above labels this line's first amount
    used = -1  # a label alone that labelled the figure on the line above it
    headed = _headed(lines)
    for index, line in enumerate(lines):
        text, start, count = _as_read(line), 0, len(found)
        headings = headed.get(index, [])
        named = 0  # where the words that label the next amount begin
        below = lines[index + 1] if index + 1 < len(lines) else None
        # or, a photo's slant lifting the figure at the right, the one on the line below
        beside = below.text if below and _raised_beside(line, below) else ""
        for match in _TOKEN.finditer(text):
            num = match["num"]
            paise = _parsed(num, match["dash"])
            if paise is None or match.start() < start:
                continue
            marked = bool(match["cur"] or match["dash"] or re.search(r"[.,]", match["num"])
                          or _ADDED.search(text, 0, match.start()))
            end = match.end()
            if column := _paise_column(text, match):
                paise, marked, end = paise + int(column[1]), True, column.end()
            if not marked and _UNIT.match(text, match.end()):
                continue  # a quantity: the words before it label the amount after it
            label = _after_words(as_meant(text[named:match.start()]))
            heading = next((k for k, (figure, _h) in enumerate(headings) if num in figure), None)
            if heading is not None:
                label = as_meant(headings[heading][1])
                headings = headings[heading + 1:]
            # "Total:- 4560/-", "Total - 4560": a dash after a colon, or after a total's
            # label (a total is never negative), is the label's, not a minus
            minus = (match["sign"] or "").startswith("-") and not re.search(
                r":\s*$", text[:match.start("sign")]) and not label_weight(label)
            sign = -1 if minus else 1
            if start == 0 and (above or beside) and not label_weight(label):
                if not above:
                    used = index + 1
                label, beside = above or beside, ""
            last = _LINE_END.fullmatch(text[end:]) is not None
            found.append(Amount(sign * paise, label, match["num"], index, marked, last))
            start = end
            if marked or len(digits_only(num)) > 5:
                # a quantity, a rate or an HSN code is a part of its line's label ("Grand
                # Total 46 Pcs. 1,18,000.00": Busy; "IGST18 (18%) 10,836.61": Zoho)
                named = start
        above = text if len(found) == count and label_weight(text) and index != used else ""
    return found


def _paise_column(text: str, match: re.Match[str]) -> re.Match[str] | None:
    """A bill book's paise column after the figure `match` found in `text` ("G. Total 14,413
    | 00" is 14,413.00): only after a total, part or tax label, not on an item's line (an HSN
    code, then a quantity), and for rupees of at most seven digits."""
    num = match["num"]
    column = _PAISE_COLUMN.fullmatch(text, match.end())
    if column is None or "." in num or not 3 <= len(digits_only(num)) <= 7:
        return None
    head = as_meant(text[:match.start()])
    return column if label_weight(head) or PART.search(head) or TAX.search(head) else None


def _after_words(label: str) -> str:
    """The label after an amount in words that ends before it on its line ("Rupees Ninety Four
    Thousand ... and Paise Nine Grand Total 94,384.09": Busy's foot, the words at the left and
    the total at the right, read as one line, its "Rupees" made it no label at all), where
    what follows the words' last number word labels a total; else the label as it is."""
    if not START.search(label):
        return label
    said = [word for word in re.finditer(r"[A-Za-z]+", label)
            if word.group().lower() in VOCABULARY]
    rest = label[said[-1].end():] if said else ""
    return rest.strip() if label_weight(rest) else label


def _headed(lines: list[Line]) -> dict[int, list[tuple[str, str]]]:
    """Each figure of a row of figures alone, with its column heading, by line: the words of
    the line above, a line without figures, nearest over it. The GST e-invoice (IRP) prints
    its totals so: "Tax'ble Amt  CGST Amt  SGST Amt  IGST Amt  Cess  Round off  Total Inv.
    Amt" over a row of seven figures. Only a row headed by the invoice total's name, surely
    (label_weight 1.0): a receipt's GST summary ("GST% Taxable CGST SGST Total" over a rate's
    row) adds up to its own "Total", which is no invoice total."""
    found = {}
    for index in range(1, len(lines)):
        heads, figures = lines[index - 1].words, lines[index].words
        if len(figures) < 2 or len(heads) < len(figures) \
                or re.search(r"\d", lines[index - 1].text) \
                or not all(w.box and _FIGURE_WORD.fullmatch(w.text) for w in figures) \
                or not all(w.box for w in heads):
            continue
        middles = [(w.box[0] + w.box[2]) / 2 for w in figures]
        over: list[list[str]] = [[] for _ in figures]
        for word in heads:
            middle = (word.box[0] + word.box[2]) / 2
            over[min(range(len(middles)), key=lambda k: abs(middles[k] - middle))].append(
                word.text)
        headings = [" ".join(words) for words in over]
        if any(label_weight(heading) == 1.0 for heading in headings):
            found[index] = list(zip((figure.text for figure in figures), headings, strict=True))
    return found


_FIGURE_WORD = re.compile(rf"(?:{_SIGNS})?\.?\s?[-+]?\d[\d,.]*(?:/-)?")
# A bill book's line that adds or takes off ("Transport (+) 200", "Less Disc. (-) 195"): its
# figure is an amount however bare.
_ADDED = re.compile(r"\([+-]\)\s*$")
_PAISE_COLUMN = re.compile(r" ([0-9]{2})[\s/\-=]*")
_LINE_END = re.compile(r"[\s/\-=.,:)]*(?:(?:[CD]r|only)\b[\s.]*)?", re.I)

# A quantity and its unit ("500 Bags", "95 Kgs", "66 Nos"): TallyPrime prints the total
# quantity on the Total row before the total ("Total 500 Bags ₹ 71,040.00"), where it took
# the label from the total and left it "Bags".
_UNIT = re.compile(r" ?(?:bags?|nos|pcs|kgs?|coils?|ltrs?|mtrs?|boxe?s|cans|units|sets|pairs|"
                   r"rolls|bundles|cartons|ctns|pkts|tons|qtls?|doz)\.?(?![A-Za-z])", re.I)


def sign_read_one(lines: list[Line], paise: int) -> bool:
    """Whether a total label on the page names `paise` without a 1 before its digits (see
    _one_more): a check that vouches for `paise` may vouch for a misread."""
    return _one_more(paise, amounts(lines))


def _one_more(chosen: int, every: list[Amount]) -> bool:
    """Whether a total label on the page names `chosen` without a 1 before its digits: the
    rupee sign read as a 1. Vyapar prints "₹" before every amount, and "₹ 6,243.00" and
    "₹ 7,991.04" read "16,243.00" and "17,991.04" on the Sub Total and the item table's Total
    row made a sum that vouched for the misread, where "Total 7,991.04" had it right (vyapar
    photo, study seed 701 page 15). Below combine's PLAUSIBLE_TOTAL, as both engines misread
    the sign alike."""
    return any(a.paise > 0 and chosen == a.paise + 10 ** len(str(a.paise))
               and label_weight(a.label) for a in every)


def _raised_beside(figure: Line, label: Line) -> bool:
    """Whether `label`, a total label alone on its line (no digits), labels `figure`, read as
    the line above it: a photo's slant raised the figure at the right of the label, its
    middle within the label's height (thermal photo 605/9: "391825.92" over "Net Payable")."""
    if re.search(r"\d", label.text) or not label_weight(label.text):
        return False
    if not any(figure.box) or not any(label.box):
        return False
    _left, top, right, bottom = label.box
    middle = (figure.box[1] + figure.box[3]) / 2
    return (top <= middle <= bottom and figure.box[0] > right
            and _FIGURE_ONLY.fullmatch(_SIGN_FIRST.sub("", figure.text)) is not None)


# A group's comma read as a slash ("Total Amount 2,42/641.92": bench seed 608, plain photo
# 44): only after a group of two, before a group of three with its paise (not a date's).
_SLASH_GROUP = re.compile(r"(?<=[0-9],[0-9]{2})/(?=[0-9]{3}[.,][0-9]{2}(?![0-9]))")


def _as_read(line: Line) -> str:
    """The line's text as its amounts are read: spaces inside amounts closed, a group's comma
    read as a slash made a comma again."""
    return _SLASH_GROUP.sub(",", closed(line.text))


def _parsed(num: str, dash: str | None) -> int | None:
    """Paise in an amount token as read: a handwritten or faded 0 read C or c (the paise of
    "2,78,345.c0"), two separators read where one was ("6,71,.870.46", "55,854..86"), and the
    slash of a "/-" read as a 1 ("29,9501-": 29,950, not a number at all as read)."""
    num = re.sub(r"[.,]{2,}", lambda run: run.group()[-1], num.replace("c", "C"))
    if not re.search(r"\d", num):
        return parse_amount(num)
    digits = digits_only(num.replace("C", "0"))
    paise = parse_amount(digits)
    if paise is None and dash == "-" and num.endswith("1"):
        return parse_amount(digits[:-1])
    return paise


def find(lines: list[Line]) -> tuple[int, float] | None:
    """(total in paise, confidence) of the page, or None when no total is labelled (or the
    labelled one is read too unsurely), neither the words nor the arithmetic give one and no
    figure stands where a lost label's total would (_label_lost). Below combine's
    PLAUSIBLE_TOTAL where the page leaves it in doubt, so that two engines
    reading it alike do not make it sure: a line between two totals that the reader cannot
    tell a charge from the buyer's account (sums._chained), or a total less than an item's
    amount (a discount after the items aside, which is rare): the tax's figure and its words,
    their labels lost ("65,211.96" and "INR Sixty Five Thousand Two Hundred Eleven and
    Ninety Six Paise Only" of TallyPrime's tax summary vouched for each other, sure, on a
    page whose items alone came to 5,43,433.00: fresh seed 239, tally photo 6)."""
    every = amounts(lines)
    goods_lines = items.find(lines)
    goods = _goods(goods_lines)
    expected, doubted, superseded, contested = arithmetic(every, goods)
    found = _chosen(lines, every, goods, expected, doubted, superseded)
    largest_item = max((item.amount_paise or 0 for item in goods_lines), default=0)
    if found is None or (found[0] not in contested and found[0] >= largest_item):
        return found
    return found[0], min(found[1], UNSURE - 0.1)


def _goods(found: list[Item]) -> int:
    """The item amounts' sum (the taxable value a cash memo does not state)."""
    return sum(item.amount_paise or 0 for item in found)


def _chosen(lines: list[Line], every: list[Amount], goods: int, expected: set[int],
            doubted: set[int], superseded: set[Amount]) -> tuple[int, float] | None:
    """The total find() reads, before any doubt the page's running sum casts on it."""
    in_words = next((v for i, _l in enumerate(lines) if (v := _words_at(lines, i))), None)
    largest = max((a.paise for a in every if a.marked and not NOT_ON_PAGE.search(a.label)),
                  default=0)
    best: tuple[float, Amount, bool] | None = None
    for amount in every:
        weight = _weight(amount, every)
        if not weight or amount in superseded or amount.paise <= 0:
            # a total the page takes further ("Less: Cash Discount") is not the total; nor is
            # nothing ("Total" read beside "Received 0.00" on a slanted photo)
            continue
        checks = (amount.paise == in_words) + adds_up(amount.paise, expected)
        if not (checks or label_weight(amount.label)):
            continue  # no total label: the total only if the page vouches for it
        score = weight + checks + 0.3 * (amount.paise == largest) + amount.line / 1000
        if best is None or score > best[0]:
            best = (score, amount, checks > 0)
    if not in_words and best is not None and not best[2]:
        signed = _sign_read_as_digit(best[1], expected)
        if signed is not None:
            return signed, UNSURE
    if in_words and adds_up(in_words, doubted) and (best is None or not best[2]):
        # The words and the arithmetic, read apart, agree: the printed total was misread.
        return in_words, SURE
    if in_words and (best is None or not best[2]):
        # The words over an amount nothing vouched for: handwriting and blur lose or change
        # digits more often than whole number words (bench/README.md).
        return in_words, UNSURE - 0.1
    if best is None or not best[2]:
        # Words misread past parsing still choose among the amounts the page shows (the
        # printed total, the arithmetic's sum, a total's figure without a "₹" read as its
        # first digit): never sure on that, as they vouch for nothing.
        shown = {a.paise for a in every if a.marked and a.paise > 0
                 and not NOT_ON_PAGE.search(a.label)} | doubted | {
            rest for a in every if a.marked and label_weight(a.label)
            and (rest := _sign_dropped(a) or _slash_read_one(a, lines))}
        said = saying(line.text for line in lines)
        guess = amount_in_words(said, loose=True) if said else None
        read = _total_digits(lines) + [re.sub(r"\D", "", digits_only(a.token.replace("C", "0")))
                                       for a in every if a.marked]
        # Loosely read words that digits on the page bear out go first; where the words cannot
        # tell them from an amount read ("Titv": thirty or fifty), the amount read.
        borne = {guess} if guess is not None and _near_digits(guess, read) else set()
        chosen = next((found for among in (shown | borne, shown) if said
                       and (found := resembled(said, among)) is not None), None)
        if chosen is not None and (best is None or chosen != best[1].paise):
            return chosen, UNSURE - 0.1  # below combine's PLAUSIBLE_TOTAL: two engines
            # agreeing on a pick from misread words is no evidence either
    if best is not None and not best[2] and (near := _sum_near(
            best[1], expected, {_taxable(every), goods} - {0}) or _first_digit_lost(
            best[1], tendered(every))) is not None:
        return near, UNSURE - 0.1  # below PLAUSIBLE_TOTAL: two engines pick it alike
    if best is None:
        # No total label read: the largest amount on the page, where the tax summary's last
        # row adds up to it, unsure (the partner confirms it); none where the row adds up to
        # another amount the page shows; else the largest amount as a figure whose label was
        # lost, guessed (the row misread).
        row = tax_row_sum(every)
        if row and adds_up(largest, {row}):
            return largest, UNSURE - 0.1
        if row and any(adds_up(a.paise, {row}) for a in every if a.marked):
            return None
        return _label_lost(lines, every, largest)
    _score, amount, checked = best
    said = [v for line in lines if IN_WORDS.search(line.text)
            and (v := amount_in_words(line.text, exact=True)) is not None]
    if checked and in_words in expected and amount.paise not in expected \
            and _lost_paise(amount, _as_read(lines[amount.line]), in_words):
        # The figure is the sum only rounded to the rupee, the words the sum to the paisa: the
        # figure's paise were lost ("5,84,299 20" for "5,84,299.20"). Words and arithmetic,
        # read apart, agree.
        return in_words, SURE
    if checked and said and said[0] != amount.paise:
        # The arithmetic against words read without a letter changed: a digit lost the same
        # way from an item and from the total keeps the sum (20,314.50 and 26,003.00 both read
        # without their 2). Below combine's PLAUSIBLE_TOTAL, so that a second engine losing
        # the same digit does not make the agreement sure.
        return amount.paise, UNSURE - 0.1
    if checked and amount.paise != in_words and _one_more(amount.paise, every):
        return amount.paise, UNSURE - 0.1
    if checked:
        return amount.paise, SURE
    # Nothing on the page vouched for it: never sure on one reading alone, and not read at
    # all when the engine doubts its own digits (the partner types it, a reviewer checks).
    conf = _unchecked(amount, every, lines)
    if conf is None:
        return None
    return amount.paise, min(conf, UNSURE if amount.paise == largest else UNSURE - 0.1)


def _label_lost(lines: list[Line], every: list[Amount], largest: int) -> tuple[int, float] | None:
    """The page's largest amount where no total label was read at all and that amount stands
    as a total's figure whose label was lost: alone on its line, nothing before it on its line
    that names it (a word of LABEL_LETTERS letters or more, a quantity's unit aside: a part, a
    tax, the buyer's account, an item), no part or account on the line above where that has
    no amount of its own ("Previous Balance" over its figure), no "Dr" or "Cr" after it (a
    balance), below other amounts and every item line.
    TallyPrime prints "Total" at the far left of the item table's last row and the figure at
    the far right; on a defocused A4 photo the short word was missed and the figure read
    ("90,153.00" alone: study seed 211, tally photo 70). Vouched for by nothing: read as
    surely as any unlabelled amount (UNLABELLED times the engine's confidence in it), which
    is a guess (models.invoices.read.GUESSED_TOTAL: a reviewer checks it once confirmed)."""
    found = [a for a in every if a.paise == largest and a.marked]
    if len(found) != 1 or not largest or any(label_weight(line.text) for line in lines):
        return None
    amount = found[0]
    above = lines[amount.line - 1].text if amount.line else ""
    # PART: a part or the buyer's account, in Indian scripts too (whose vowel signs break a
    # run of letters); above, only those: a stamp's words over the page name nothing
    named = re.search(rf"[^\W\d_]{{{LABEL_LETTERS},}}", _UNIT.sub(" ", amount.label)) or \
        PART.search(amount.label) or (
            PART.search(above) and not any(a.line == amount.line - 1 for a in every))
    alone = [a for a in every if a.line == amount.line] == [amount]
    balance = re.search(r"\b[CD]r\b", lines[amount.line].text) is not None
    below = any(a.line < amount.line for a in every if a.marked) and all(
        index < amount.line for index, _item in items.found_at(lines))
    if named or not alone or balance or not below:
        return None
    conf = _unchecked(amount, every, lines)
    return None if conf is None else (amount.paise, conf)


def _unchecked(amount: Amount, every: list[Amount], lines: list[Line]) -> float | None:
    """How sure `amount` is as the total where nothing on the page vouches for it: as its
    label and the engine's reading of its figure say; None under FLOOR."""
    conf = _weight(amount, every) * lines[amount.line].conf_of(amount.token)
    return conf if conf >= FLOOR else None


def _sum_near(amount: Amount, sums: set[int], taxables: set[int]) -> int | None:
    """The one sum of the page's arithmetic that the total's figure, vouched for by nothing,
    reads with a digit or two taken for a lookalike, where that sum is a taxable value the
    page states (or its items make) with the GST at a rate: dot-matrix 0s read as 6, 8 or 9
    ("72,098.96" beside "Total before Tax 61,100.00" and 18 % of it: bench seed 179,
    dot-matrix photo 13). Not a sum of taxes misread, or of a misread taxable value, which no
    rate gives (a
    quarter-frame photo's "2.92.210.00" for 2,91,210.00 beside its taxes: the figure was
    right). Unsure, as the figure and the sum disagree (the partner confirms it)."""
    read = re.sub(r"\D", "", amount.token.replace("C", "0"))
    near = {paise for paise in sums if _misread_as(str(paise), read)
            and any(taxed_at_rate(taxable, paise) for taxable in taxables)}
    return near.pop() if len(near) == 1 else None


def _first_digit_lost(amount: Amount, sums: set[int]) -> int | None:
    """The cash tendered less the change (`sums`) where it is the total's figure, vouched for
    by nothing, with a first digit it lost: a receipt's double-height "NET AMOUNT 9,859.00"
    read "859.00" beside "CASH TENDERED 9,900.00" and "CHANGE DUE 41.00" (an unseen POS
    layout, clean). Not a sum of taxes: Vyapar's "₹" read as a 7 on its Sub Total makes one
    a digit longer than a right total. Unsure, as the figure and the sum disagree (the partner
    confirms it)."""
    lost = {paise for paise in sums if len(str(paise)) == len(str(amount.paise)) + 1
            and str(paise).endswith(str(amount.paise))}
    return lost.pop() if len(lost) == 1 else None


# Digits a recogniser takes for one another in faint, dotted or blurred print (a dot-matrix
# 0 read as 6, 8 or 9; 1 and 7; 3, 5 and 8), not digits of other shapes ("1,00,000.00"
# against "1,18,000.00" is no misreading: a reverse-charge bill's total and its value with
# the tax the buyer pays).
_LOOKALIKES = {frozenset(pair) for pair in ("06", "08", "09", "68", "69", "89", "38", "35",
                                            "56", "58", "17", "14", "47", "27")}


def _misread_as(printed: str, read: str) -> bool:
    """Whether `read` is `printed` with one or two digits taken for their lookalikes."""
    if len(printed) != len(read):
        return False
    changed = [frozenset(pair) for pair in zip(printed, read, strict=True) if pair[0] != pair[1]]
    return 0 < len(changed) <= 2 and all(pair in _LOOKALIKES for pair in changed)


def _lost_paise(amount: Amount, text: str, in_words: int | None) -> bool:
    """Whether `amount`'s figure is `in_words` with its decimal point lost: printed without
    paise, the same rupees, and the words' paise after it, ending its line ("5,84,299 20";
    `text` the line as read: _as_read). A total printed rounded ("5,84,299.00") keeps the
    round figure, whatever paise the words say; nor is a quantity or an amount after the
    figure ("5,84,299 20 Nos") its paise."""
    if in_words is None or in_words % 100 == 0 or amount.paise != in_words // 100 * 100:
        return False
    if re.search(r"[.,][0-9OCc]{2}$", amount.token):
        return False
    lost = (rf"(?<![0-9.,]){re.escape(amount.token)}\s?[ .,:]?\s?{in_words % 100:02d}"
            rf"{_LINE_END.pattern}$")
    return re.search(lost, text, re.I) is not None


# The digits (and the letter) a "₹" before a figure is read as
SIGN_READ = ("1", "2", "3", "7", "Z")


def _sign_dropped(amount: Amount, *, grouped: bool = False) -> int | None:
    """The figure without its first digit, where that digit may be a "₹" misread: a
    candidate only for words that say it ("Total 276977.00" over "INR Seventy Six Thousand
    Nine Hundred Seventy Seven Only", TallyPrime's "₹ 76,977.00" on a blurred photo: fresh
    seed 257, tally photo 14). Not a figure grouped as Indian bills print one ("16,000.00"),
    unless `grouped`: its first digit is a digit, and words that lost "teen" would choose
    6,000.00."""
    token = amount.token
    if token[:1] not in SIGN_READ or not token[1:2].isdigit() or (
            not grouped and _INDIAN.fullmatch(token)):
        return None
    return parse_amount(token[1:])


def _slash_read_one(amount: Amount, lines: list[Line]) -> int | None:
    """The figure without its last digit, where that 1 may be the slash of a "/-" misread: a
    candidate only for words that say it ("G. Total 142371-" beside "Fourteen Thousand Two
    Hundred Thirty Seven Only", a bill book's "14237/-": an unseen handwritten layout)."""
    token = amount.token
    if not token.endswith("1") or "." in token or len(token) < 3 or not re.search(
            rf"(?<![\d.,]){re.escape(token)}-", _as_read(lines[amount.line])):
        return None
    return parse_amount(token[:-1])


# An amount as Indian bills group it ("71,040.00", "2,71,040.00")
_INDIAN = re.compile(r"(?:\d{1,2},(?:\d\d,)*\d{3}|\d{1,3})\.\d\d")


def _sign_read_as_digit(amount: Amount, sums: set[int]) -> int | None:
    """The page's sum when the total's figure is that sum with the "₹" before it read as a
    digit ("271,040.00" for "₹71,040.00": grouped as no Indian amount is, the rest is; or
    grouped as one is, "73,98,976.00" for "₹3,98,976.00" beside a Sub Total and an IGST that
    add up to the rest: fresh seed 307, vyapar photo 7). Not a 1 or a 3: "1160.00" is a total
    as often as a sum of 160.00 is on the page (a GST slab's)."""
    if amount.token[:1] not in ("2", "7", "Z") or not _INDIAN.fullmatch(amount.token[1:]):
        return None
    rest = _sign_dropped(amount, grouped=True)
    return rest if rest in sums else None


def _weight(amount: Amount, every: list[Amount]) -> float:
    """How surely the label names the invoice total (0: it does not)."""
    bare = not amount.marked
    if PART.search(amount.label) or (bare and not (
            # a figure written bare ("Kul 4560", "Grand Total 71040") at the end of its line,
            # after a total label: a total, as a person reads it, but not a sure one
            amount.last and len(re.sub(r"\D", "", amount.token)) >= 3
            and label_weight(amount.label))):
        return 0.0
    on_line = [a.paise for a in every if a.line == amount.line]
    # a tax-summary row: Total  taxable  CGST  SGST  tax; not a bare code's digits beside the
    # total ("IFSC: PUNB0314821  Total 43,828.00": Zoho's bank details at the left of its
    # total, read as one line: an unseen layout's photo)
    if amount.paise < max((a.paise for a in every if a.line == amount.line and not _code(a)),
                          default=0):
        return 0.0
    weight = label_weight(amount.label)
    if not weight and TAX.search(amount.label):
        return 0.0
    # An amount whose label was lost (a Hindi label, a stamp over it) is the total only if
    # the page's words or arithmetic say so (those checks outweigh any label).
    return (weight or UNLABELLED) * (0.6 if len(on_line) > 2 else 1.0) * (0.8 if bare else 1.0)


def _code(amount: Amount) -> bool:
    """Whether `amount` is the digits of a code run on from its letters ("PUNB0314821", an
    IFSC), written bare: no amount."""
    return not amount.marked and re.search(r"[A-Za-z]$", amount.label) is not None


def _words_at(lines: list[Line], index: int) -> int | None:
    text = lines[index].text
    if not IN_WORDS.search(text) or TAX_IN_WORDS.search(text):
        return None
    found = amount_in_words(text)
    if found is None and not re.search(r"only", text, re.I) and index + 1 < len(lines):
        # The words ran on to the next line, or their "Only" was misread: the line alone
        # goes first ("... Seven Hundlred Thirty Ony" above "For Kumar & Sons").
        found = amount_in_words(text + " " + lines[index + 1].text)
    if found is None and not re.search(r"only", text, re.I):
        # or on to two lines, to "Only", a column at the left of the total's label and figure
        # (a bill book's "Rupees (in words)" box: "Fourteen Thousand Two Hundred Thirty G.
        # Total 142371-", then "Seven Only"): each line's words up to the label or figure
        text = re.sub(r"\(\s*in\s*words\s*\)", "", text, flags=re.I)  # a box's heading
        for line in lines[index + 1:index + 3]:
            text = f"{text} {_RUN_ON.split(line.text)[0]}"
            if re.search(r"only", line.text, re.I):
                break
        found = amount_in_words(text)
    return found


# Where the words running on beside a total's label and figure stop
_RUN_ON = re.compile(r"[/\d]|\b(?:g\.|grand|net|total)\b", re.I)


def labelled(lines: list[Line]) -> list[int]:
    """The lines where a total's figure is written: each line with a total label, or, for a
    label without digits, the next line when that is the label's figure, the line before when
    a photo's slant raised it there (else the label's own line, whose figure the engine did
    not read)."""
    found = []
    for index, line in enumerate(lines):
        if label_weight(line.text):
            below = lines[index + 1] if index + 1 < len(lines) else None
            alone = not re.search(r"\d", line.text) and below and _figure_of(line, below)
            raised = index and _raised_beside(lines[index - 1], line)
            found.append(index + 1 if alone else index - 1 if raised else index)
    return found


def strongest(lines: list[Line]) -> list[int]:
    """`labelled` lines whose label names the total most surely ("Grand Total" over a
    "Total" row, or over "ota ax Amount", a tax's label misread and like "Total Amount")."""
    weighed = [(index, label_weight(lines[index].text)
                or (index and label_weight(lines[index - 1].text))
                or (index + 1 < len(lines) and label_weight(lines[index + 1].text)))
               for index in labelled(lines)]
    most = max((weight for _i, weight in weighed), default=0.0)
    return [index for index, weight in weighed if weight == most]


def _figure_of(label: Line, line: Line) -> bool:
    """Whether `line` is the figure of a total `label` read alone on its line: an amount
    however misread ("3.25.77 81-", "815 809.00", "Z,13,570.0C") and nothing else (a stamp's
    "Br0g 0.00", another label's "CGST 1,234.00" are not), beside or under the label (its
    middle at most a label's height below the label, not left of it)."""
    figure = _SIGN_FIRST.sub("", line.text)
    if not (_FIGURE_ONLY.fullmatch(figure) and re.search(r"[1-9]", figure)):
        return False
    if not any(label.box) or not any(line.box):
        return True  # no boxes (a reading without positions): the text alone says it
    left, top, _right, bottom = label.box
    middle = (line.box[1] + line.box[3]) / 2
    return top <= middle <= bottom + (bottom - top) and line.box[2] > left


def least(lines: list[Line]) -> int:
    """What the total is at least: the taxable value the page states and each item's amount
    (0 when none is read)."""
    return max([_taxable(amounts(lines)), *(i.amount_paise or 0 for i in items.find(lines))])


def _taxable(every: list[Amount]) -> int:
    return max((a.paise for a in every if a.marked and TAXABLE.search(a.label)), default=0)


def added_up(lines: list[Line]) -> set[int]:
    """The totals the page's tax arithmetic vouches for (and those rounded to the rupee)."""
    return _sums(lines)[0]


def _sums(lines: list[Line]) -> tuple[set[int], set[int]]:
    sums, doubted, _taken, _contested = arithmetic(amounts(lines), _goods(items.find(lines)))
    return {paise for total in sums for paise in (total, round(total, -2))}, doubted


def witnesses(lines: list[Line]) -> dict[int, bool]:
    """Amounts the page states apart from its total's figure, each True when it vouches for
    itself: the amount in words read with at most one letter changed in all, and the tax
    arithmetic's sums (and those rounded to the rupee); False, the amount words read with a
    letter changed a word give past that (clean memo 612/3: "S× Lakh Twenty Nine Thousand
    ..." read as 1,29,098.68, its figure 6,29,098.68), the amount guessed from words misread
    further, and each of the amounts words read with a letter changed tie."""
    sums, doubted = _sums(lines)
    found = {paise: True for paise in sums}
    for total in doubted:  # the image may choose one, unsure
        found.setdefault(total, False)
    for index, line in enumerate(lines):
        if IN_WORDS.search(line.text):
            if (strict := _words_at(lines, index)) is not None:
                said = misread(line.text, strict)
                found[strict] = found.get(strict, False) or (said is not None and said <= 1)
            if (guess := amount_in_words(line.text, loose=True)) is not None:
                found.setdefault(guess, False)
            for paise in tied(line.text):  # "Fine Lakh": five and nine, for the image to choose
                found.setdefault(paise, False)
    return found


def _total_digits(lines: list[Line]) -> list[str]:
    """The digits read on each line that carries a total label (or under a label alone on
    its line), however their separators were read ("1,46,93 / -", "1.40.371890")."""
    found = [re.sub(r"\D", "", lines[index].text.replace("C", "0").replace("O", "0"))
             for index in labelled(lines)]
    return [digits for digits in found if digits]


def _near_digits(paise: int, read: list[str]) -> bool:
    """Whether `paise` is written (with its paise, or in rupees) within one digit of one of
    the digit runs `read`, two for a run of seven digits or more."""
    forms = {str(paise)} | ({str(paise // 100)} if paise % 100 == 0 else set())
    return any(Levenshtein.distance(form, digits) <= (1 if len(digits) < 7 else 2)
               for form in forms for digits in read)
