"""Look again at the figure written beside a total label, and say how well an amount fits it.

The page's recognition read the figure once, as its likeliest string; a pen's 2 and 7, 1 and
7, 4 and 9 are near each other to the recogniser, and the reading keeps only the winner. Cut
out at the photo's own resolution and recognised alone, the figure gives every column's
probabilities, against which any amount can be scored (workers.ocr.ctc), written as a hand
writes it: with Indian grouping or without, with paise or, when whole, without."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from itertools import combinations, product

import cv2
import numpy as np
from PIL import Image

from workers.ocr import ctc, rapid
from workers.ocr.lines import Box, Line, Word

# Paper around the figure's text box, in its heights: a pen's strokes leave the box, and the
# recogniser reads a figure differently with more or less around it.
PADS = (0.1, 0.25)
LOOKED = 2  # total lines looked at again, the last ones on the page
CHANGES = 2  # digits of the figure's reading swapped at most, for the amounts it can be
# A text box slanted more than this is cut out along its slant: the upright rectangle around
# a slanted figure holds parts of the lines above and below it.
SLANT = math.radians(2)
SIGN_READ = ("1", "2", "7")  # what the recogniser reads a "₹" before a figure as
_CURRENCY = re.compile(r"(?:Rs|INR|R5|RS|₹)\.?:?(?=\d)")
_FIGURE = re.compile(r"\d|^[0-9OSBIlZCqg,./=-]{3,}$")
_PAISE_END = re.compile(r"\.\d\d$")
_PAISE_APART = re.compile(r"\d\d")


@dataclass(frozen=True)
class Look:
    """The figure recognised once per crop (PADS): one crop's reading of a handwritten figure
    can lose or change a digit another keeps ("828,409.00" read "728.407." with more paper
    around it), so an amount is scored on all of them."""

    crops: tuple[np.ndarray, ...]  # each crop's columns folded into ctc.CLASSES
    bests: tuple[float, ...]  # log-likelihood of each crop's own likeliest reading
    apart: int | None = None  # paise written in a column of their own (paise_column)

    def fit(self, paise: int, *, signed: bool = False) -> float:
        """How much less likely (natural log, <= 0 mostly; the mean over the crops) the figure
        says `paise` than its own likeliest reading, in the best way an amount is written;
        `signed`: or after the digit a crop reads first (a "₹" before the figure read as a
        1, 2 or 7, which the page's reading of the figure had left out). With its paise
        apart, the crops say the rupees, and an amount with other paise not at all."""
        if self.apart is not None:
            if paise % 100 != self.apart:
                return -math.inf
            paise -= self.apart
        return float(np.mean([max(ctc.log_likelihood(columns, text)
                                  for text in _forms(paise, columns, signed)) - best
                              for columns, best in zip(self.crops, self.bests, strict=True)]))

    def reading(self) -> int | None:
        """The amount every crop's likeliest reading says (None when they differ)."""
        found = self._with_paise({_paise(ctc.reading(columns)) for columns in self.crops})
        return found.pop() if len(found) == 1 else None

    def readings(self, changes: int = CHANGES) -> set[int]:
        """The amounts the figure can be read as: its likeliest reading, that with one digit
        doubled (CTC writes a digit twice only with a gap between: "44" is easily read "4"),
        and with up to `changes` digits swapped for ones the recogniser also saw there."""
        return {paise for paise in self._with_paise(set().union(
            *(_readings(columns, changes) for columns in self.crops))) if paise is not None}

    def _with_paise(self, found: set[int | None]) -> set[int | None]:
        """Whole-rupee readings of the rupees with the paise written apart (none else)."""
        if self.apart is None:
            return found
        return {paise + self.apart for paise in found if paise is not None and paise % 100 == 0}


def _readings(columns: np.ndarray, changes: int) -> set[int]:
    chars = ctc.alternatives(columns)
    spots = [i for i, options in enumerate(chars) if len(options) > 1]
    likeliest = [options[0] for options in chars]
    # Not a digit of the paise: a third would make the figure a whole number a hundred times
    # too large ("8678.40" doubled "8678.400", 86,78,400.00: fresh seed 293, tally photo 30).
    whole = len(likeliest) - 3 if _PAISE_END.search("".join(likeliest)) else len(likeliest)
    texts = {"".join(likeliest[:i + 1] + likeliest[i:]) for i in range(whole)
             if likeliest[i].isdigit()} | {"".join(likeliest)}
    for count in range(1, changes + 1):
        for chosen in combinations(spots, count):
            for swaps in product(*(chars[i][1:] for i in chosen)):
                text = list(likeliest)
                for i, digit in zip(chosen, swaps, strict=True):
                    text[i] = digit
                texts.add("".join(text))
    return {paise for text in texts if (paise := _paise(text)) is not None}


def _paise(text: str) -> int | None:
    """Paise a figure read as digits and points says: the last two after a point are paise."""
    match = re.fullmatch(r"[\d.]*?(\d+)?(?:\.(\d\d))?\.?", text)
    digits = re.sub(r"\D", "", text[:match.start(2) - 1] if match and match[2] else text)
    if not match or not digits or len(digits) > 9:
        return None
    return int(digits) * 100 + int(match[2] or 0)


def looks(picture: Image.Image, lines: list[Line], labelled: list[int]) -> list[Look]:
    """The figures on the last LOOKED of the `labelled` lines, recognised again."""
    found = []
    for index in labelled[-LOOKED:]:
        line = lines[index]
        box = figure_box(line, picture.width)
        if box is not None:
            cut = _slanted(picture, line) or _upright(picture, box, _before(line, box))
            column = paise_column(line)
            found.append(_look(cut, None if column is None else int(column.text)))
    return found


def _figure_words(line: Line) -> list[Word]:
    """The words of the figure on a total line, without a paise column written apart."""
    column = paise_column(line)
    return [w for w in line.words if _FIGURE.search(w.text) and w is not column]


def paise_column(line: Line) -> Word | None:
    """A bill book's paise, written in a column of their own after the rupees ("G. Total
    14,413 | 00"): looked at with the rupees, the figure read "1441300", 14,41,300.00, which
    the second look took for the total (an unseen hand-filled layout). The rupees are looked
    at alone, and the paise taken as the page read them (Look.apart)."""
    figure = [w for w in line.words if _FIGURE.search(w.text)]
    if len(figure) > 1 and _PAISE_APART.fullmatch(figure[-1].text) \
            and not re.search(r"[.,]\d\d$", figure[-2].text):
        return figure[-1]
    return None


def figure_box(line: Line, width: int) -> Box | None:
    """Where the figure is on a total line: its words' text boxes, or, when the engine found
    no figure there (a faint or sprawling hand), the rest of the line after the label."""
    if not all(w.box for w in line.words):
        return None
    figure = _figure_words(line)
    label = [w for w in line.words if w not in figure and w is not paise_column(line)]
    if figure:
        boxes = [_digits_of(_part(line.words, w), w.text) for w in figure]
        return (min(b[0] for b in boxes), min(b[1] for b in boxes),
                max(b[2] for b in boxes), max(b[3] for b in boxes))
    if not label:
        return None
    right = max(_part(line.words, w)[2] for w in label)
    return right, line.box[1], width, line.box[3]


def _before(line: Line, box: Box) -> int:
    """Where what is written before the figure ends (the label, or a currency sign read in
    the figure's own word): a crop's paper around the figure stops there. With a pad of
    half a line's height, the crop of "Rs.1,16,548.60" took in the sign's "s." and read
    "5.1.16.548.6", and the total right on the page's reading gave way to the figure's
    (bench/ocr.py seed 401, dot-matrix photo 11)."""
    edges = [right for w in line.words if w.box
             for _l, _t, right, _b in [_digits_of(_part(line.words, w), w.text, sign=True)]
             if right <= box[0] + 1]
    return max(edges, default=0)


def _digits_of(box: Box, text: str, *, sign: bool = False) -> Box:
    """The share of a word's box after a currency run on to its figure ("INR417", "Rs.7,690"):
    the recogniser reads the sign's last letter as a digit (INR417 read 1417)."""
    found = _CURRENCY.match(text)
    if found is None:
        return box
    left, top, right, bottom = box
    cut = int(left + (right - left) * found.end() / len(text))
    return (left, top, cut, bottom) if sign else (cut, top, right, bottom)


def _part(words: tuple[Word, ...], word: Word) -> Box:
    """`word`'s share of the text box it was read in (several words can share one box), by
    its place among the box's characters."""
    assert word.box is not None
    left, top, right, bottom = word.box
    start, end = _shares(words, word)
    return int(left + (right - left) * start), top, int(left + (right - left) * end), bottom


def _shares(words: tuple[Word, ...], word: Word) -> tuple[float, float]:
    """Where `word` starts and ends in its text box, as shares of the box's length."""
    sharing = [w for w in words if w.box == word.box]
    total = max(sum(len(w.text) + 1 for w in sharing) - 1, 1)
    before = sum(len(w.text) + 1 for w in sharing[:sharing.index(word)])
    return before / total, (before + len(word.text)) / total


Cut = Callable[[float], np.ndarray]  # a crop (BGR) with paper a share of its height around


def _upright(picture: Image.Image, box: Box, before: int) -> Cut:
    """Crops of an upright rectangle, not reaching left of `before`."""
    left, top, right, bottom = box
    rgb = picture.convert("RGB")

    def cut(share: float) -> np.ndarray:
        pad = share * (bottom - top)
        crop = rgb.crop((max(int(left - 2 * pad), before), int(top - pad), int(right + 2 * pad),
                         int(bottom + pad)))
        return np.ascontiguousarray(np.asarray(crop)[:, :, ::-1])
    return cut


def _slanted(picture: Image.Image, line: Line) -> Cut | None:
    """Crops along the slant of the text box the figure was read in, turned level, when that
    box slants by more than SLANT (a photo taken at an angle): the upright rectangle around
    "4,27,087.68" slanted 11 degrees took in half the lines above and below, and its reading
    was no amount at all (bench/ocr.py seed 401, dot-matrix photo 23). None when the figure
    is not in one slanted box."""
    figure = _figure_words(line)
    quads = {w.quad for w in figure}
    if not figure or len(quads) != 1 or None in quads:
        return None
    corners = np.float32(quads.pop())
    (x0, y0), (x1, y1) = corners[0], corners[1]
    if abs(math.atan2(y1 - y0, x1 - x0)) < SLANT:
        return None
    start, _e = _shares(line.words, figure[0])
    _s, end = _shares(line.words, figure[-1])
    if sign := _CURRENCY.match(figure[0].text):
        start += (_e - start) * sign.end() / len(figure[0].text)
        room = 0.0
    else:
        earlier = [_shares(line.words, w)[1] for w in line.words
                   if w.quad == figure[0].quad and w not in figure]
        room = start - max(earlier) if earlier else math.inf
    length = float(np.linalg.norm(corners[1] - corners[0]))
    height = float(np.linalg.norm(corners[3] - corners[0]))
    along = (corners[1] - corners[0]) / length
    down = (corners[3] - corners[0]) / height
    top = corners[0] + along * length * start
    bgr = np.ascontiguousarray(np.asarray(picture.convert("RGB"))[:, :, ::-1])

    def cut(share: float) -> np.ndarray:
        pad = share * height
        back = min(2 * pad, room * length)
        origin = top - along * back - down * pad
        width = length * (end - start) + back + 2 * pad
        tall = height + 2 * pad
        source = np.float32([origin, origin + along * width, origin + along * width + down * tall,
                             origin + down * tall])
        size = (max(1, round(width)), max(1, round(tall)))
        target = np.float32([[0, 0], [size[0], 0], [size[0], size[1]], [0, size[1]]])
        return cv2.warpPerspective(bgr, cv2.getPerspectiveTransform(source, target), size,
                                   flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    return cut


def _look(cut: Cut, apart: int | None = None) -> Look:
    crops = []
    for share in PADS:
        probs, charset = rapid.columns(cut(share))
        crops.append(ctc.amount_classes(probs, charset))
    return Look(tuple(crops), tuple(ctc.log_likelihood(c, ctc.reading(c)) for c in crops),
                apart)


def _forms(paise: int, columns: np.ndarray, signed: bool) -> set[str]:
    """The ways `paise` is written; `signed`: each also after the sign-like digit the crop
    reads first."""
    forms = written(paise)
    lead = ctc.reading(columns)[:1] if signed else ""
    return forms | {lead + form for form in forms} if lead in SIGN_READ else forms


def written(paise: int) -> set[str]:
    """The ways a hand writes `paise`: 1,24,789.00 124789.00, and 1,24,789 124789 when whole."""
    rupees, rest = divmod(paise, 100)
    grouped = _grouped(rupees)
    forms = {f"{grouped}.{rest:02d}", f"{rupees}.{rest:02d}"}
    return forms | ({grouped, str(rupees)} if not rest else set())


def _grouped(rupees: int) -> str:
    """Indian grouping: the last three digits, then twos (12,34,567)."""
    digits = str(rupees)
    head, tail = digits[:-3], digits[-3:]
    groups = [head[max(0, end - 2):end] for end in range(len(head), 0, -2)][::-1]
    return ",".join([*groups, tail]) if head else tail
