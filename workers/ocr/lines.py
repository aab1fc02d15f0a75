"""A page as OCR engines hand it over: lines of words, each word with its confidence."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Spaces read beside an amount's separators: "34754. 00", "5. 00. 477.60", "66342 .50",
# "2 ,04 ,742 .68"; and handwritten paise read apart ("4,116.9 4": only after a group, so
# that "Wire 2.5 4", a size then a quantity, stays two numbers).
_SEPARATOR_GAP = re.compile(r"(?<=\d) ?([.,]) ?(?=\d{2,3}(?!\d))")
_PAISE_GAP = re.compile(r"(?:(?<=\d[.,]\d\d[.,]\d)|(?<=\d[.,]\d{3}[.,]\d)) (?=\d(?![\d.,]))")

# A space read inside a group of digits, between two separators ("1.2 0,465.80", "38,45 0.00"),
# closed only where the amount it closes is grouped as amounts are printed (Indian or western
# grouping, any separators): two amounts side by side ("5,94,557.12 1,30,059.37") stay two.
_GROUP_GAP = re.compile(r"(?<=[.,]\d) (?=\d{1,2}[.,]\d)|(?<=[.,]\d\d) (?=\d[.,]\d)")
_GROUPED = re.compile(r"\d{1,3}(?:[.,]\d\d)*[.,]\d{3}[.,]\d\d|\d{1,3}(?:[.,]\d{3})*[.,]\d\d")


Box = tuple[int, int, int, int]  # left, top, right, bottom on the page
# A text box's corners as the engine found it (top left, top right, bottom right, bottom
# left): in a photo the box lies along its slanted line, not along the page's edges.
Quad = tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class Word:
    text: str
    conf: float  # the engine's confidence in the word, 0..1
    box: Box | None = None  # the text box it was read in, where the engine gives one
    quad: Quad | None = None  # that box's corners, where the engine gives them


@dataclass(frozen=True)
class Line:
    words: tuple[Word, ...]
    box: Box = (0, 0, 0, 0)

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    def conf_of(self, value: str) -> float:
        """The lowest confidence among the words that make up `value`."""
        squeezed = re.sub(r"\W", "", value.upper())
        confs = [w.conf for w in self.words
                 if (t := re.sub(r"\W", "", w.text.upper())) and (t in squeezed or squeezed in t)]
        return min(confs) if confs else 0.5


def closed(text: str) -> str:
    """`text` without the spaces OCR read inside its amounts (for totals and items alike:
    "1,8 2,700.00" is an item's amount as much as a total)."""
    return _close_groups(_PAISE_GAP.sub("", _SEPARATOR_GAP.sub(r"\1", text)))


def _close_groups(text: str) -> str:
    def close(gap: re.Match[str]) -> str:
        left = re.search(r"[\d.,]*$", text[:gap.start()])
        right = re.match(r"[\d.,]*", text[gap.end():])
        before = left.group() if left else ""
        after = right.group() if right else ""
        joined = before + after
        # "640.00 3,560.00", "62.00 4,526.00" (a rate, then the amount): two amounts; so too
        # a rate with one decimal before an amount complete in itself ("CGST 2.5 19,484.06":
        # bench seed 179, Tally photo 14), where a group's first digit is never 0
        complete = re.search(r"\d{3}[.,]\d\d$|\.\d\d$", before) or (
            re.search(r"\.\d$", before) and _GROUPED.fullmatch(after) and after[0] != "0")
        return "" if _GROUPED.fullmatch(joined) and not complete else " "

    return _GROUP_GAP.sub(close, text)
