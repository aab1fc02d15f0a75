"""A second look at a total the first reading was not sure of (a hand-filled cash memo's
handwritten figure and amount in words both misread, mostly).

The figure beside the total label is recognised again alone (workers.ocr.figure), and every
candidate amount is scored by how well that image says it (CTC, workers.ocr.ctc) less
LETTER per letter the words read differ from its spelling. The candidates: the amounts the
page states apart from the figure (workers.ocr.total.witnesses: the words as read and as
guessed, the tax arithmetic), the figure's readings (a digit swapped for one the recogniser
also saw there, or doubled) and the first reading's total. The best is taken when the image
fits it nearly as well as its own likeliest reading and it scores CLEAR above the rest: sure
only when the image offers it and words read closely or the arithmetic say it too (two
readings of the page meeting), else unsure, so the partner confirms it. A total the image
does not fit at all gives way, unsure, to the figure's own reading. Else the page's own
reading (unless guessed from words misread) gives way only to an amount the words read
closely or the arithmetic vouch for, or to one scoring OWN above it however little the image
fits it: the figure's image recognised alone misses a digit or reads one wrong as often as
the page's reading did. Costs one recognition of
a small image twice (two crops) per total line looked at: about 0.1 s of CPU."""

from __future__ import annotations

from PIL import Image

from models.invoices.read import InvoiceRead
from workers.ocr import figure, total, words
from workers.ocr.lines import Line

FITS = 3.0  # the image says an amount at least e**-3 (5 %) as likely as its own reading
CLEAR = 2.0  # the amount taken scores e**2 (7x) above any other
CLOSE = 1.0  # the image says a vouched amount at least e**-1 (37 %) as likely as its reading
LETTER = 1.5  # nats per letter the words read differ from an amount spelled out
OWN = 3.0  # an amount nothing else backs replaces the page's reading scoring e**3 (20x) above


def recheck(picture: Image.Image, lines: list[Line], read: InvoiceRead) -> None:
    """Correct `read`'s total, or its confidence, where the figure's image decides."""
    labelled = total.strongest(lines)
    seen = figure.looks(picture, lines, labelled)
    if not seen:
        return
    witnesses = total.witnesses(lines)
    current = read.total_paise
    readings = set().union(*(look.readings() for look in seen))
    # A total is more than nothing and no less than the taxable value or an item: the
    # figure of a total's tax ("Total Tax Amount" misread "ota ax Amount", a total label to
    # the page's reading) or a memo's "CC.CC" is no candidate (bench/ocr.py seed 302, clean
    # dot-matrix 17 and memo 16: a correct total replaced by 1,173.06 and by 0).
    least = total.least(lines)
    amounts = {paise for paise in set(witnesses) | readings if paise > least} | (
        {current} - {None})
    fits = {paise: max(look.fit(paise) for look in seen) for paise in amounts}
    said = words.saying(line.text for line in lines) or ""
    # The page's reading may have left out a "₹" the figure, looked at alone, reads as a digit
    # ("₹6,90,202.06" read "16,90,202.06" or "76,90,202.06" beside words that say 6,90,202.06:
    # vyapar photo, study seed 903 page 31): to choose, the image says the reading as well as
    # the figure with the digit, and the words decide. Only to choose: a figure that truly
    # has that digit must not make the reading without it sure.
    chosen = fits | ({current: max(look.fit(current, signed=True) for look in seen)}
                     if current is not None else {})
    scores = {paise: _score(fit, said, paise) for paise, fit in chosen.items() if fit >= -FITS}
    # An amount the tax arithmetic vouches for that the image offers nearly as well as its
    # own likeliest reading is taken before amounts nothing vouches for, however the
    # misread words score them ("Run Hendued": four or nine hundred). Not so for words read
    # closely: a letter changed can name another number ("Geven": seven for eleven).
    vouched = {paise for paise in total.added_up(lines) & set(scores) & readings
               if fits[paise] >= -CLOSE}
    best = vouched.pop() if len(vouched) == 1 else _clear(scores)
    # The page's own reading is not left for an amount nothing else on the page backs unless
    # the image and the words say that amount OWN better than they say the reading, however
    # little the image fits the reading (a figure read without a digit the words have:
    # "65586.00" beside "One Lakh Sixty Five Thousand ...", clean memo 404/0). Not so for a
    # reading guessed from words misread: the image decides between such guesses.
    if (best is not None and best not in (current, *_vouching(witnesses))
            and current is not None and witnesses.get(current) is not False
            and scores[best] - _score(chosen[current], said, current) < OWN):
        return
    if best is not None:
        # Sure only where two readings meet: the image itself offers the amount (as read or a
        # digit changed for one it also saw, and as it is, not after a sign read as a digit),
        # and words read closely or the arithmetic say it.
        sure = witnesses.get(best, False) and best in readings and fits[best] >= -FITS
        # Nor, unless the words say it, where a Total label names it without a leading 1: the
        # rupee sign read as a 1, in the figure looked at as on the page (vyapar photo, study
        # seed 701 page 15); a 1 lost from a figure the words vouch for (memo 404/0) is not.
        sure = sure and (best == words.amount_in_words(said)
                         or not total.sign_read_one(lines, best))
        # Nor against words read without a letter changed that say another amount: a
        # dot-matrix 0 read as 8 in the taxable value and in the total alike kept the sum
        # ("37,696.48" beside "... Ninety Six and Forty Paise": fresh seed 311, dot-matrix
        # photo 13, credited wrong without asking).
        closely = words.amount_in_words(said, exact=True) if said else None
        sure = sure and closely in (None, best)
        # A total the page's reading left out stays out unless sure (the partner types it:
        # workers.ocr.total.FLOOR), or unless it is one of the amounts words read with a
        # letter changed tie ("Fine Lakh"), the image choosing, or the amount guessed from
        # words misread further that the image offers too ("Minety Tu Paise" and a figure
        # read "6,0,733.7"): unsure, as the words alone would have given it.
        tie = current is None and (best in words.tied(said) or (
            best in readings and best == words.amount_in_words(said, loose=True)))
        if sure or tie or current not in (None, best):
            _replace(read, best, total.SURE if sure else total.UNSURE - 0.1)
        return
    # Amounts as a total is written (a currency sign, paise or grouping): a bare "60" on the
    # item table's "Total" row is its quantity (bench seed 602, dot-matrix photo 47: "rotal 60"
    # replaced the net total 7,296 read beside "Bet Total: Rs.").
    shown = {a.paise for a in total.amounts(lines) if a.line in labelled and a.marked}
    if current is not None and fits[current] < -FITS:
        # What the page's reading chose, the figure does not say (words read short, a sum
        # of misread items): the figure's own reading, unsure, where the page's reading of
        # the figure and the second look agree on it.
        likeliest = {p for look in seen if (p := look.reading()) is not None and p > least
                     } & shown
        if len(likeliest) == 1:
            _replace(read, likeliest.pop(), total.UNSURE - 0.1)


def _score(fit: float, said: str, paise: int) -> float:
    """How well the figure's image says `paise` (its `fit`), less LETTER per letter the words
    differ."""
    return fit - LETTER * (words.misread(said, paise) or 0)


def _vouching(witnesses: dict[int, bool]) -> set[int]:
    return {paise for paise, vouches in witnesses.items() if vouches}


def _clear(scores: dict[int, float]) -> int | None:
    """The amount that scores best, when it scores CLEAR above any other."""
    if not scores:
        return None
    best = max(scores, key=scores.__getitem__)
    others = [score for paise, score in scores.items() if paise != best]
    return best if not others or scores[best] - max(others) >= CLEAR else None


def _replace(read: InvoiceRead, paise: int, conf: float) -> None:
    read.confidence.pop("total_paise", None)
    read.set("total_paise", paise, conf)
