"""Find the invoice total among the amounts on a page, and how sure we are of it.

An amount is a candidate when the words before it on its line name a total ("Grand Total",
"Net Amount", "Invoice Value", "TOTAL", "कुल राशि" …) and not a part of one (sub-total,
taxable value, taxes, round-off, cash tendered, change …). The page then checks the
candidate two independent ways: the amount in words ("Rupees … Only") and the tax
arithmetic (taxable value + taxes + round-off, the taxable value as stated or as the item
amounts' sum: a cash memo states none). Words and arithmetic that agree with each other
vouch for their amount even when the printed total was misread; words misread past
parsing still choose, unsure, among the amounts the page shows. An amount without a total
label (an item line, a label lost under a stamp) is the total only when one of those checks
says so. A total that neither check confirms is never sure on its own (below
INVOICE_MIN_CONFIDENCE, so the partner confirms it) unless a second engine read the same
(workers.ocr.combine), and it is not read at all below FLOOR.

Real billing software prints more between the base and the total (Marg's GROSS AMT, LESS: CD,
SCH. DISC, ADD: GST, R.OFF, NET AMT; freight, packing, TCS, a cash discount after the total):
a running sum from a base down lines that each add or take off one amount to the next total
vouches for that total, and a total the page takes further is not the invoice total; nor is
one that carries the buyer's account (a previous balance, an advance, a credit note)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from models.invoices.values import digits_only, parse_amount
from workers.ocr import items
from workers.ocr.lines import Line, closed
from workers.ocr.words import amount_in_words, misread, resembled, tied

# An amount as printed or as misread: 1,23,456.00  123456.00  1.23.456,00  14,420/-  ₹1,234;
# "14,420-" and "14,420/" (half of the "/-" lost in a photo); handwritten digits read as
# letters: "4773C.CC", "Z,13,570.00" (a C is a 0 only here: in a GSTIN or an invoice number it
# is a letter); a handwritten 0 before the point read as C too ("R/O -C.37", "-C.C8"). Not
# the head of an amount whose next digit was misread past reading ("GST 1,50,g8.67": no tax
# of 1.50), nor its tail after a digit read as a letter ("Total Rs. n,C38.CC": no total of 38).
_SIGNS = "Rs|INR|₹|R5|RS"  # a currency sign as printed or misread
# A ":" read as "." after a label ("Grand Total.71,040.00") is no decimal point; a rate is
# no amount ("CGST @ 9.00 % 9,000.00": Busy); "71,040.00Cr" as Busy and Marg print a balance.
_TOKEN = re.compile(rf"(?:(?P<cur>{_SIGNS})\s?\.?\s?:?\s?|(?<![0-9/\-,])(?<![^A-Za-z]\.)"
                    r"(?<![.,][A-Za-z]))"
                    r"(?P<sign>[-+]\s?)?"
                    r"(?P<num>(?:[0-9]|(?<![A-Za-z])(?:[OSBIlZ]|C(?=[.,][0-9C]{2})))"
                    r"(?:[0-9OSBIlZC,.]|(?<=[.,])c|(?<=[.,][0-9C])c)*(?:[0-9OC]|(?<=[.,][0-9C])c))"
                    r"(?P<dash>/ ?[-=]?|-)?"
                    r"(?:(?=[CD]r\b)|(?![0-9A-Za-z%/\-]|[.,][A-Za-z]?[0-9]|\s%))")
# Bilingual bills print the total's label in the state's language too: Hindi "कुल राशि" (total
# amount), "शुद्ध राशि" (net amount), "देय राशि" (amount payable); Marathi "एकूण रक्कम"; Gujarati
# "કુલ રકમ"; Tamil "மொத்த தொகை"; Telugu "నికర మొత్తం"; Kannada "ಒಟ್ಟು ಮೊತ್ತ"; Bengali "সর্বমোট"
# (grand total), and the word for "total" alone ("Kul" on a kachcha bill).
_LABELS = [
    (re.compile(r"grand\s*total|total\s*payable|net\s*payable|amount\s*payable|payable\s*amount|"
                r"invoice\s*(?:total|value|amount)|total\s*invoice|bill\s*(?:amount|amt)|"
                r"total\s*amount\s*after\s*tax|net\s*(?:amount|amt)|total\s*amount|"
                r"total\s*value|final\s*amount|कुल\s*(?:राशि|योग|रकम|रक्कम)|(?:देय|शुद्ध)\s*राशि|"
                r"एकूण\s*रक्कम|કુલ\s*રકમ|ચોખ્ખી\s*રકમ|மொத்த\s*(?:தொகை|மதிப்பு)|நிகர\s*தொகை|"
                r"నికర\s*మొత్తం|ಒಟ್ಟು\s*ಮೊತ್ತ|ನಿವ್ವಳ\s*ಮೊತ್ತ|সর্বমোট|মোট\s*(?:টাকা|মূল্য)", re.I),
     1.0),
    (re.compile(r"\btotal|\bkul\b|amount\s*due|\bpayable|(?<!\S)योग|कुल|एकूण|કુલ|மொத்த|మొత్తం|"
                r"ಒಟ್ಟು|মোট", re.I), 0.85),
]
# What the buyer paid and owes on account, as bill books write it too: "Jama" (paid) and
# "Baki" (left to pay) on a kachcha bill, जमा / बाकी / शेष / अग्रिम in Hindi.
# TDS is the buyer's to withhold from the payment, not off the invoice's value.
_ACCOUNT = (r"cash|tender|change|balance|outstanding|\bo\s*/\s*s\b|advance|previous|payment|"
            r"\btds\b|credit\s*note|\bc\s*/?\s*n\b|return|\bjama\b|"
            r"\bba+ki\b|\bbakaya\b|\budhaa?r\b|जमा|बाकी|बकाया|शेष|अग्रिम|पिछल|उधार|प्राप्त|"
            r"શિલ્લક|બાકી|જમા|நிலுவை|బాకీ|ಬಾಕಿ|বাকি|জমা")
# A round-off line ("Round Off", "Rounded Off", "R/O", Marg's "R.OFF"), not "Total (Rounded)".
_ROUND_OFF = r"round(?:ed|ing)?\s*[-(]?\s*off|rounding|round(?!ed)|r\s*/\s*[o0]\b|\br\s*\.\s*off\b"
# A sub-total in the state's language: उप योग, पेटा કુલ, துணை மொத்தம், ఉప మొత్తం, ಉಪ ಒಟ್ಟು, উপ-মোট
_SUB = (r"उप\s*-?\s*(?:योग|कुल|एकूण)|પેટા\s*-?\s*કુલ|துணை\s*-?\s*மொத்த|ఉప\s*-?\s*మొత్తం|"
        r"ಉಪ\s*-?\s*ಒಟ್ಟು|উপ\s*-?\s*মোট")
_PART = re.compile(r"sub\s*-?\s*total|taxable|total\s*(?:tax|gst)|tax\s*(?:amount|amt)|"
                   r"be[ft]ore\s*tax|[cs]\s*g[s8]t|ig[s8]t|gst\s*(?:amount|amt)|cess|"
                   rf"{_ROUND_OFF}|discount|\bqty|{_SUB}|कुल\s*कर(?!\S)|कर\s*योग्य|"
                   rf"quantity|items?\b|{_ACCOUNT}|"
                   r"(?:amount|amt|total)\s*(?:paid|received)|paid\s*(?:amount|amt)|"
                   r"sav(?:ed|ings?)|in\s*words|rupees|reverse\s*charge", re.I)
# The sure labels as one run of letters, to find them misread ("Billmount", "GrandTota1").
_FUZZY = ("grandtotal", "totalamount", "netamount", "invoicevalue", "amountpayable",
          "billamount", "netpayable", "invoicetotal", "totalpayable")
# "betore": f read t; Hindi कर योग्य (taxable)
_TAXABLE = re.compile(rf"taxable|sub\s*-?\s*total|be[ft]ore\s*tax|कर\s*योग्य|{_SUB}", re.I)
# A tax's S read as 8 ("IG8T 37,013.17": bench seed 608, plain photo 44)
_TAX = re.compile(r"[cs]\s*g[s8]t|ig[s8]t|cess|\bgst\b", re.I)
_ROUND = re.compile(_ROUND_OFF, re.I)  # "R/O", its O read as 0 too
# "Bupees": R read B; "Rs. Seventy One Thousand Forty Only"
_WORDS = re.compile(r"[rb]upees|\binr\b|in\s*words|\brs\b\.?(?=\s*[a-z][a-z\s-]*only)", re.I)
# A figure's characters as read: digits, the letters handwritten digits are read as, separators
_FIGURE_ONLY = re.compile(r"[\s0-9OSBIlZC,.:/=-]+")
_CASH = re.compile(r"\bcash\b|tender", re.I)
_CHANGE = re.compile(r"\bchange\b|bal(?:ance)?\.?\s*(?:return|refund)", re.I)
_NOT_ON_PAGE = re.compile(_ACCOUNT, re.I)
GST_RATES = (0.25, 3, 5, 12, 18, 28, 40)  # percent
SURE, UNSURE = 0.95, 0.7
UNLABELLED = 0.4
# Below this an unchecked total is not read: a partner could confirm a misread amount that
# suits them, where a typed total goes to a reviewer (models/invoice_rules.correct_total).
FLOOR = 0.3


@dataclass(frozen=True)
class Amount:
    paise: int  # negative for a signed "-0.48" (a round-off)
    label: str  # the words between the previous amount on the line (or its start) and this
    token: str
    line: int
    marked: bool  # a currency sign or "/-" beside it, or written with paise or grouping
    last: bool = False  # nothing but a "/-", "Cr", "Only" after it on its line


def amounts(lines: list[Line]) -> list[Amount]:
    """Every amount on the page with the words that label it."""
    found: list[Amount] = []
    above = ""  # a total label alone on the line above labels this line's first amount
    used = -1  # a label alone that labelled the figure on the line above it
    for index, line in enumerate(lines):
        text, start, count = _SLASH_GROUP.sub(",", closed(line.text)), 0, len(found)
        named = 0  # where the words that label the next amount begin
        below = lines[index + 1] if index + 1 < len(lines) else None
        # or, a photo's slant lifting the figure at the right, the one on the line below
        beside = below.text if below and _raised_beside(line, below) else ""
        for match in _TOKEN.finditer(text):
            num = match["num"]
            paise = _parsed(num, match["dash"])
            if paise is None:
                continue
            marked = bool(match["cur"] or match["dash"] or re.search(r"[.,]", match["num"]))
            if not marked and _UNIT.match(text, match.end()):
                continue  # a quantity: the words before it label the amount after it
            label = as_meant(text[named:match.start()])
            # "Total:- 4560/-", "Total - 4560": a dash after a colon, or after a total's
            # label (a total is never negative), is the label's, not a minus
            minus = (match["sign"] or "").startswith("-") and not re.search(
                r":\s*$", text[:match.start("sign")]) and not _label_weight(label)
            sign = -1 if minus else 1
            if start == 0 and (above or beside) and not _label_weight(label):
                if not above:
                    used = index + 1
                label, beside = above or beside, ""
            last = _LINE_END.fullmatch(text[match.end():]) is not None
            found.append(Amount(sign * paise, label, match["num"], index, marked, last))
            start = match.end()
            if marked or len(digits_only(num)) > 5:
                # a quantity, a rate or an HSN code is a part of its line's label ("Grand
                # Total 46 Pcs. 1,18,000.00": Busy; "IGST18 (18%) 10,836.61": Zoho)
                named = start
        above = text if len(found) == count and _label_weight(text) and index != used else ""
    return found


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
               and _label_weight(a.label) for a in every)


def _raised_beside(figure: Line, label: Line) -> bool:
    """Whether `label`, a total label alone on its line (no digits), labels `figure`, read as
    the line above it: a photo's slant raised the figure at the right of the label, its
    middle within the label's height (thermal photo 605/9: "391825.92" over "Net Payable")."""
    if re.search(r"\d", label.text) or not _label_weight(label.text):
        return False
    if not any(figure.box) or not any(label.box):
        return False
    _left, top, right, bottom = label.box
    middle = (figure.box[1] + figure.box[3]) / 2
    return (top <= middle <= bottom and figure.box[0] > right
            and _FIGURE_ONLY.fullmatch(re.sub(rf"^\s*(?:{_SIGNS})\s?\.?\s?:?", "",
                                              figure.text)) is not None)


# A group's comma read as a slash ("Total Amount 2,42/641.92": bench seed 608, plain photo
# 44): only after a group of two, before a group of three with its paise (not a date's).
_SLASH_GROUP = re.compile(r"(?<=[0-9],[0-9]{2})/(?=[0-9]{3}[.,][0-9]{2}(?![0-9]))")


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


# A word one letter from "total" is "total" misread ("Potal Rs 4.46,767.00", "Tetal",
# "Totat Tax"): read as the word it was, the labels below (a total, a part of one) know it.
_TOTAL_MISREAD = re.compile(
    r"\b(?!total\b)(?:[a-z]otal|t[a-z]tal|to[a-z]al|tot[a-z]l|tota[a-z1])\b", re.I)


# Words that say an amount is not the total, as long as a misread letter leaves them plain:
# one edit away, they are the word ("Total Outetanding 12,22,712.00" was taken for the total
# over "Grand Total Rs 5,71,458/-").
_NOT_TOTAL_WORDS = ("outstanding", "balance", "received", "previous", "advance")
_WORD = re.compile(r"[A-Za-z]{6,}")


# A dot-matrix label printed letter-spaced ("N E T  A M T"): its letters are one word.
_SPACED = re.compile(r"\b[A-Za-z](?:\s{1,2}[A-Za-z]\b){2,}")


def as_meant(label: str) -> str:
    """`label` with a word misread from "Total" by one letter written "Total", a word one
    edit from one of _NOT_TOTAL_WORDS written as that word, and letter-spaced words closed."""
    label = _SPACED.sub(lambda run: re.sub(r"\s", "", run.group()), label)
    return _WORD.sub(_not_total_word, _TOTAL_MISREAD.sub("Total", label))


def _not_total_word(match: re.Match[str]) -> str:
    word = match.group().lower()
    return next((meant for meant in _NOT_TOTAL_WORDS
                 if Levenshtein.distance(word, meant, score_cutoff=1) <= 1), match.group())


def find(lines: list[Line]) -> tuple[int, float] | None:
    """(total in paise, confidence) of the page, or None when no total is labelled (or the
    labelled one is read too unsurely) and neither the words nor the arithmetic give one."""
    every = amounts(lines)
    in_words = next((v for i, _l in enumerate(lines) if (v := _words_at(lines, i))), None)
    goods = [item.amount_paise or 0 for item in items.find(lines)]
    expected, doubted = _arithmetic(every, sum(goods))
    superseded = _chained(every)[1]
    largest = max((a.paise for a in every if a.marked and not _NOT_ON_PAGE.search(a.label)),
                  default=0)
    best: tuple[float, Amount, bool] | None = None
    for amount in every:
        weight = _weight(amount, every)
        if not weight or amount in superseded:
            continue  # a total the page takes further ("Less: Cash Discount") is not the total
        checks = (amount.paise == in_words) + _adds_up(amount.paise, expected)
        if not (checks or _label_weight(amount.label)):
            continue  # no total label: the total only if the page vouches for it
        score = weight + checks + 0.3 * (amount.paise == largest) + amount.line / 1000
        if best is None or score > best[0]:
            best = (score, amount, checks > 0)
    if not in_words and best is not None and not best[2]:
        signed = _sign_read_as_digit(best[1], expected)
        if signed is not None:
            return signed, UNSURE
    if in_words and _adds_up(in_words, doubted) and (best is None or not best[2]):
        # The words and the arithmetic, read apart, agree: the printed total was misread.
        return in_words, SURE
    if in_words and (best is None or not best[2]):
        # The words over an amount nothing vouched for: handwriting and blur lose or change
        # digits more often than whole number words (bench/README.md).
        return in_words, UNSURE - 0.1
    if best is None or not best[2]:
        # Words misread past parsing still choose among the amounts the page shows (the
        # printed total, the arithmetic's sum): never sure on that, as they vouch for nothing.
        shown = {a.paise for a in every if a.marked and a.paise > 0
                 and not _NOT_ON_PAGE.search(a.label)} | doubted
        said = next((line.text for line in lines if _WORDS.search(line.text)), None)
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
    if best is None:
        return None
    _score, amount, checked = best
    said = [v for line in lines if _WORDS.search(line.text)
            and (v := amount_in_words(line.text, exact=True)) is not None]
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
    conf = _weight(amount, every) * lines[amount.line].conf_of(amount.token)
    if conf < FLOOR:
        return None
    return amount.paise, min(conf, UNSURE if amount.paise == largest else UNSURE - 0.1)


# An amount as Indian bills group it ("71,040.00", "2,71,040.00")
_INDIAN = re.compile(r"(?:\d{1,2},(?:\d\d,)*\d{3}|\d{1,3})\.\d\d")


def _sign_read_as_digit(amount: Amount, sums: set[int]) -> int | None:
    """The page's sum when the total's figure is that sum with the "₹" before it read as a
    digit ("271,040.00" for "₹71,040.00": grouped as no Indian amount is, the rest is)."""
    token = amount.token
    if token[:1] not in ("2", "7", "Z") or _INDIAN.fullmatch(token) or not _INDIAN.fullmatch(
            token[1:]):
        return None
    rest = parse_amount(token[1:])
    return rest if rest in sums else None


def _weight(amount: Amount, every: list[Amount]) -> float:
    """How surely the label names the invoice total (0: it does not)."""
    bare = not amount.marked
    if _PART.search(amount.label) or (bare and not (
            # a figure written bare ("Kul 4560", "Grand Total 71040") at the end of its line,
            # after a total label: a total, as a person reads it, but not a sure one
            amount.last and len(re.sub(r"\D", "", amount.token)) >= 3
            and _label_weight(amount.label))):
        return 0.0
    on_line = [a.paise for a in every if a.line == amount.line]
    if amount.paise < max(on_line):  # a tax-summary row: Total  taxable  CGST  SGST  tax
        return 0.0
    weight = _label_weight(amount.label)
    if not weight and _TAX.search(amount.label):
        return 0.0
    # An amount whose label was lost (a Hindi label, a stamp over it) is the total only if
    # the page's words or arithmetic say so (those checks outweigh any label).
    return (weight or UNLABELLED) * (0.6 if len(on_line) > 2 else 1.0) * (0.8 if bare else 1.0)


def _label_weight(label: str) -> float:
    """How surely `label` names the invoice total (0: not a total label, or a part of one)."""
    label = as_meant(label)
    if _PART.search(label):
        return 0.0
    weight = next((w for pattern, w in _LABELS if pattern.search(label)), 0.0)
    letters = re.sub(r"[^a-z]", "", label.lower())
    if not weight and len(letters) >= 8 and any(
            fuzz.partial_ratio(name, letters) >= 85 for name in _FUZZY):
        weight = 0.9
    return weight


def _arithmetic(every: list[Amount], goods: int) -> tuple[set[int], set[int]]:
    """(sums that vouch for a total, every sum): taxable value + taxes (+ round-off) when the
    page prints them (each tax taken once: a tax-summary table repeats them), with the
    taxable value as stated and as `goods`, the item amounts' sum (a cash memo states none),
    and cash tendered less change given. Without a tax line nothing adds up: the item table's
    own "Total" row is the items' sum, not the invoice total.

    A sum is doubted (in the second set only) when the page itself says a figure in it was
    misread: with a round-off line read, a sum not in whole rupees (rounding is what the line
    is for); and the items' sum where a taxable value is stated and gives another sum (an
    item's 0 read as 8 the same way as the total's: 9690.08 and 554968.08)."""
    tendered = _tendered(every) | _chained(every)[0]
    taxes: dict[str, int] = {}
    for amount in every:
        kind = _TAX.search(amount.label)
        # Taxes are written in rupees and paise: a bare number after "GST" is a part of
        # something else ("Bill No. GST/25-26/8525 Date: 05 Jan": its 05).
        if kind and amount.marked and not _TAXABLE.search(amount.label):
            taxes.setdefault(re.sub(r"\s", "", kind.group().lower()).replace("8", "s"),
                             amount.paise)
    if not taxes:
        return tendered, tendered
    if len(taxes) > 1:  # "Total GST" / "GST Amount" under CGST and SGST: their sum
        taxes.pop("gst", None)
    for one, other in (("cgst", "sgst"), ("sgst", "cgst")):  # always equal: one label lost
        if one in taxes and other not in taxes:
            taxes[other] = taxes[one]
    rounding = next((a.paise for a in every if _ROUND.search(a.label)), 0)
    stated = next((a.paise for a in every if _TAXABLE.search(a.label)), None)
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
    return set(vouching.values()) | tendered | at_rate, set(sums.values()) | tendered | at_rate


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


def _chained(every: list[Amount]) -> tuple[set[int], set[Amount]]:
    """(totals the page's own running sum vouches for, the totals it takes further or that
    carry the buyer's account, "Total" + "Previous Balance" = "Net Amount"): from a
    base (a taxable value, sub-total, gross amount or total) down a list of lines that each
    add or take off one amount (taxes, "Add: Freight", "Packing & Forwarding", "TCS", "Less:
    Discount", "SCH. DISC", a round-off either way) to the next total, that total is the
    base with them: Marg's GROSS AMT … NET AMT, Zoho's discount before tax, a "Total" less a
    cash discount to a "Net Amount" (the total the page takes further is not the invoice
    total). A payment, a balance, a second base or a table row (two amounts on a line)
    between them breaks the list."""
    marked: dict[int, list[Amount]] = {}
    for amount in every:
        if amount.marked:
            marked.setdefault(amount.line, []).append(amount)

    def base(amount: Amount) -> bool:
        # its line's words ("Total 46 1,00,000.00": the item table's total row, its quantity)
        label = " ".join(a.label for a in every[:every.index(amount) + 1]
                         if a.line == amount.line)
        return bool(_TAXABLE.search(label) or _GROSS.search(label) or _label_weight(label))

    sums: set[int] = set()
    taken: set[Amount] = set()
    rows = sorted(marked)
    for at, row in enumerate(rows):
        first = marked[row][0]
        if len(marked[row]) != 1 or first.paise <= 0 or not base(first):
            continue
        added, summary, rounding, taxed, account = [], [], 0, False, 0
        for later in rows[at + 1:]:
            if len(marked[later]) != 1:
                break
            step = marked[later][0]
            if _label_weight(step.label):
                plus = sum(added) + (0 if taxed else sum(summary))
                ends = {first.paise + plus + rounding, first.paise + plus - rounding}
                if account and step.paise in {end + account for end in ends}:
                    taken.add(step)  # a running balance, not this invoice's total
                elif (plus or rounding) and step.paise in ends and step.paise != first.paise:
                    sums.add(step.paise)
                    if _label_weight(first.label):
                        taken.add(first)
                break
            paid = _NOT_ON_PAGE.search(step.label) and not _DISCOUNT.search(step.label)
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
                taxed = taxed or bool(_TAX.search(step.label))
                less = _LESS.search(step.label) or step.paise < 0
                added.append(-abs(step.paise) if less else step.paise)
    return sums, taken


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


def _tendered(every: list[Amount]) -> set[int]:
    """Cash tendered less the change given back, when a receipt prints both."""
    cash = next((a.paise for a in every if _CASH.search(a.label) and a.marked), None)
    change = next((a.paise for a in every if _CHANGE.search(a.label) and a.marked), None)
    return {cash - change} if cash and change is not None and 0 <= change < cash else set()


def _adds_up(paise: int, expected: set[int]) -> bool:
    """The total is a sum, or that sum rounded to the rupee (round-off line not read)."""
    return any(paise == sum_ or (paise % 100 == 0 and abs(paise - sum_) <= 50)
               for sum_ in expected)


# The tax in words, which TallyPrime prints under its tax summary ("Tax Amount (in words) :
# INR Ten Thousand Eight Hundred Only"): not the total's words.
_TAX_IN_WORDS = re.compile(r"\bta[xk]\s*(?:amount|amt)\s*\(?\s*in\s*words", re.I)


def _words_at(lines: list[Line], index: int) -> int | None:
    text = lines[index].text
    if not _WORDS.search(text) or _TAX_IN_WORDS.search(text):
        return None
    found = amount_in_words(text)
    if found is None and not re.search(r"only", text, re.I) and index + 1 < len(lines):
        # The words ran on to the next line, or their "Only" was misread: the line alone
        # goes first ("... Seven Hundlred Thirty Ony" above "For Kumar & Sons").
        found = amount_in_words(text + " " + lines[index + 1].text)
    return found


def labelled(lines: list[Line]) -> list[int]:
    """The lines where a total's figure is written: each line with a total label, or, for a
    label without digits, the next line when that is the label's figure, the line before when
    a photo's slant raised it there (else the label's own line, whose figure the engine did
    not read)."""
    found = []
    for index, line in enumerate(lines):
        if _label_weight(line.text):
            below = lines[index + 1] if index + 1 < len(lines) else None
            alone = not re.search(r"\d", line.text) and below and _figure_of(line, below)
            raised = index and _raised_beside(lines[index - 1], line)
            found.append(index + 1 if alone else index - 1 if raised else index)
    return found


def strongest(lines: list[Line]) -> list[int]:
    """`labelled` lines whose label names the total most surely ("Grand Total" over a
    "Total" row, or over "ota ax Amount", a tax's label misread and like "Total Amount")."""
    weighed = [(index, _label_weight(lines[index].text)
                or (index and _label_weight(lines[index - 1].text))
                or (index + 1 < len(lines) and _label_weight(lines[index + 1].text)))
               for index in labelled(lines)]
    most = max((weight for _i, weight in weighed), default=0.0)
    return [index for index, weight in weighed if weight == most]


def _figure_of(label: Line, line: Line) -> bool:
    """Whether `line` is the figure of a total `label` read alone on its line: an amount
    however misread ("3.25.77 81-", "815 809.00", "Z,13,570.0C") and nothing else (a stamp's
    "Br0g 0.00", another label's "CGST 1,234.00" are not), beside or under the label (its
    middle at most a label's height below the label, not left of it)."""
    figure = re.sub(r"^\s*(?:Rs|INR|₹|R5|RS)\s?\.?\s?:?", "", line.text)
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
    return max((a.paise for a in every if a.marked and _TAXABLE.search(a.label)), default=0)


def added_up(lines: list[Line]) -> set[int]:
    """The totals the page's tax arithmetic vouches for (and those rounded to the rupee)."""
    return _sums(lines)[0]


def _sums(lines: list[Line]) -> tuple[set[int], set[int]]:
    sums, doubted = _arithmetic(amounts(lines),
                                sum(item.amount_paise for item in items.find(lines)))
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
        if _WORDS.search(line.text):
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
