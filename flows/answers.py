"""Read a partner's answers: numbered options ("2", "b", "B)", the option's text) and numbers.

Numbers come in any script's decimal digits: a partner may type Devanagari ०-९, Tamil ௦-௯,
Bengali ০-৯, Gurmukhi ੦-੯, Gujarati ૦-૯, Telugu ౦-౯, Kannada ೦-೯, Odia ୦-୯ or Malayalam
൦-൯ on purpose, and gets the same answer as for ASCII digits. Other numerals (superscripts
"²", Ethiopic "፩", Kharosthi "𐩀", Roman "Ⅲ", fractions) are not digits: the question is
asked again. Every flow reads numbers here, never with isdigit() and int().
"""

from __future__ import annotations

import re
import unicodedata

from rapidfuzz import fuzz, process

from bot.messages import Option

_LETTERS = "abcdefghij"
_EDGES = " .,!?)(:-"
_GROUPING = re.compile(r"(?<=[0-9])[,\s](?=[0-9])")  # 1,500 · 1 500 · 1,50,000
MAX_DIGITS = 18  # a larger number is nobody's amount (and int() refuses past 4,300 digits)


def normalize(text: str) -> str:
    """Lower-case, fold width/compatibility forms, squeeze spaces, drop edge punctuation."""
    text = unicodedata.normalize("NFKC", text).strip().lower()
    return re.sub(r"\s+", " ", text).strip(_EDGES)


def first_word(text: str) -> str:
    """The first word, upper case, without trailing punctuation: a keyword like JOIN."""
    words = text.strip().split(maxsplit=1)
    return words[0].upper().strip(".!,") if words else ""


def fold_digits(text: str) -> str:
    """Write every decimal digit of any script as its ASCII digit; leave everything else."""
    return "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in text)


def digits(text: str) -> str | None:
    """The ASCII digits of a number typed in any script, with grouping commas or spaces
    between digits ("१,५००" -> "1500", "123 456" -> "123456"); None if anything else is
    there (a sign, a point, letters, other numerals)."""
    found = _GROUPING.sub("", fold_digits(text.strip()))
    if not found or not found.isascii() or not found.isdigit():
        return None
    return found


def number(text: str) -> int | None:
    """The whole number typed (see `digits`), or None."""
    found = digits(text)
    return int(found) if found is not None and len(found) <= MAX_DIGITS else None


def is_numeric(text: str) -> bool:
    """True if the answer is a number of any kind (digits, "²", "Ⅲ", "½"): an attempt at a
    numbered choice, right or wrong, rather than words."""
    core = text.strip().strip(_EDGES)
    return bool(core) and core.isnumeric()


def choice(text: str) -> int | None:
    """The option number a partner typed: digits of any script without a leading zero ("3",
    "३"); "03" or "000003" is not a choice."""
    found = digits(text.strip().strip(_EDGES))
    if found is None or found.startswith("0") or len(found) > 2:
        return None
    return int(found)


def pick(text: str, options: tuple[Option, ...] | list[Option], *, cutoff: int = 80
         ) -> str | None:
    """Return the key of the option the text chooses, or None when it chooses none clearly."""
    if not options:
        return None
    if is_numeric(text):
        index = choice(text)
        return options[index - 1].key if index and index <= len(options) else None
    answer = normalize(text)
    if not answer:
        return None
    if len(answer) == 1 and answer in _LETTERS[: len(options)]:
        return options[_LETTERS.index(answer)].key
    labels = {normalize(o.label): o.key for o in options}
    labels.update({normalize(o.key): o.key for o in options})
    if answer in labels:
        return labels[answer]
    best = process.extract(answer, list(labels), scorer=fuzz.WRatio, limit=2)
    if not best or best[0][1] < cutoff:
        return None
    if len(best) > 1 and best[1][1] == best[0][1] and labels[best[1][0]] != labels[best[0][0]]:
        return None  # a tie between two different options is not a choice
    return labels[best[0][0]]
