"""The words that label an amount on a page, and what they say it is: the invoice total (and
how surely), a part of one (sub-total, taxable value, taxes, round-off), or the buyer's
account (cash tendered, change, a balance, an advance), read as meant where a letter of
"Total" or of the words that say an amount is not the total was misread."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

# Bilingual bills print the total's label in the state's language too: Hindi "कुल राशि" (total
# amount), "शुद्ध राशि" (net amount), "देय राशि" (amount payable); Marathi "एकूण रक्कम"; Gujarati
# "કુલ રકમ"; Tamil "மொத்த தொகை"; Telugu "నికర మొత్తం"; Kannada "ಒಟ್ಟು ಮೊತ್ತ"; Bengali "সর্বমোট"
# (grand total), and the word for "total" alone ("Kul" on a kachcha bill).
_LABELS = [
    (re.compile(r"grand\s*total|total\s*payable|net\s*payable|amount\s*payable|payable\s*amount|"
                r"invoice\s*(?:total|value|amount)|total\s*invoice|total\s*inv\b|bill\s*(?:amount|amt)|"
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
_ACCOUNT = (r"cash|tender|change|balance|\bbal\b|outstanding|\bo\s*/\s*s\b|advance|previous|"
            r"\bdues\b|arrears?|"
            r"\bprev|opening|payment|"
            r"\btds\b|credit\s*note|\bc\s*/?\s*n\b|return|\bjama\b|"
            r"\bba+ki\b|\bbakaya\b|\budhaa?r\b|जमा|बाकी|बकाया|शेष|अग्रिम|पिछल|उधार|प्राप्त|"
            r"શિલ્લક|બાકી|જમા|நிலுவை|బాకీ|ಬಾಕಿ|বাকি|জমা")
# A round-off line ("Round Off", "Rounded Off", "R/O", Marg's "R.OFF"), not "Total (Rounded)".
ROUND_OFF = r"round(?:ed|ing)?\s*[-(]?\s*off|rounding|round(?!ed)|r\s*/\s*[o0]\b|\br\s*\.\s*off\b"
# A sub-total in the state's language: उप योग, पेटा કુલ, துணை மொத்தம், ఉప మొత్తం, ಉಪ ಒಟ್ಟು, উপ-মোট
_SUB = (r"उप\s*-?\s*(?:योग|कुल|एकूण)|પેટા\s*-?\s*કુલ|துணை\s*-?\s*மொத்த|ఉప\s*-?\s*మొత్తం|"
        r"ಉಪ\s*-?\s*ಒಟ್ಟು|উপ\s*-?\s*মোট")
# In words, a letter of "words" misread too ("In Wonds", Tally's "(in weed)"): Vyapar's
# "Invoice Amount In Words" beside its sub-total is no "Invoice Amount" label (study seed 811,
# vyapar photo 7: the second look at the sub-total's figure put it over the total).
# "Sub Total" with a letter of "Sub" misread ("Scb Totdl 13727 00": a bill book's handwriting,
# an unseen layout; its figure outweighed the Grand Total's in the second look)
_SUB_TOTAL = r"(?:sub|\bs[a-z]b|\b[a-z]ub)\s*-?\s*total"
PART = re.compile(rf"{_SUB_TOTAL}|tax[a']?ble|total\s*(?:tax|gst)|tax\s*(?:amount|amt)|"
                  r"be[ft]ore\s*tax|[cs]\s*g[s8]t|ig[s8]t|gst\s*(?:amount|amt)|cess|"
                  rf"{ROUND_OFF}|discount|\bqty|{_SUB}|कुल\s*कर(?!\S)|कर\s*योग्य|"
                  rf"quantity|items?\b|{_ACCOUNT}|"
                  r"(?:amount|amt|total)\s*(?:paid|received)|paid\s*(?:amount|amt)|"
                  r"sav(?:ed|ings?)|in\s*w[a-z]{1,3}ds?\b|rupees|reverse\s*charge", re.I)
# The sure labels as one run of letters, to find them misread ("Billmount", "GrandTota1").
_FUZZY = ("grandtotal", "totalamount", "netamount", "invoicevalue", "amountpayable",
          "billamount", "netpayable", "invoicetotal", "totalpayable")
# "betore": f read t; the e-invoice's "Tax'ble Amt"; Hindi कर योग्य (taxable)
TAXABLE = re.compile(rf"tax[a']?ble|{_SUB_TOTAL}|be[ft]ore\s*tax|कर\s*योग्य|{_SUB}", re.I)
# A tax's S read as 8 ("IG8T 37,013.17": bench seed 608, plain photo 44)
TAX = re.compile(r"[cs]\s*g[s8]t|ig[s8]t|cess|\bgst\b", re.I)
NOT_ON_PAGE = re.compile(_ACCOUNT, re.I)


@dataclass(frozen=True)
class Amount:
    paise: int  # negative for a signed "-0.48" (a round-off)
    label: str  # the words between the previous amount on the line (or its start) and this
    token: str
    line: int
    marked: bool  # a currency sign or "/-" beside it, or written with paise or grouping
    last: bool = False  # nothing but a "/-", "Cr", "Only" after it on its line


# A word one letter from "total" is "total" misread ("Potal Rs 4.46,767.00", "Tetal",
# "Totat Tax", "Toal Rs.2,164.00", a letter read in "Totail Rs. 1,01,835.03": fresh seed 293,
# vyapar photo 31): read as the word it was, the labels below (a total, a part of one) know it.
_TOTAL_MISREAD = re.compile(
    r"\b(?!total\b)(?:[a-z]otal|t[a-z]tal|to[a-z]al|tot[a-z]l|tota[a-z1]|otal|ttal|toal|totl|tota|"
    r"t[a-z]otal|to[a-z]tal|tot[a-z]al|tota[a-z]l)\b", re.I)


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


def label_weight(label: str) -> float:
    """How surely `label` names the invoice total (0: not a total label, or a part of one)."""
    label = as_meant(label)
    if PART.search(label):
        return 0.0
    weight = next((w for pattern, w in _LABELS if pattern.search(label)), 0.0)
    letters = re.sub(r"[^a-z]", "", label.lower())
    if not weight and len(letters) >= 8 and any(
            fuzz.partial_ratio(name, letters) >= 85 for name in _FUZZY):
        weight = 0.9
    return weight
