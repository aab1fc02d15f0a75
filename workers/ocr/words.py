"""Read an amount written in words, as Indian invoices print it under the total:
"Rupees One Lakh Twenty Three Thousand Four Hundred Fifty Six and Fifty Paise Only"."""

from __future__ import annotations

import functools
import re

from rapidfuzz import process

SMALL = {w: n for n, w in enumerate([
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen"])}
SMALL |= {w: 10 * n for n, w in enumerate(
    ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"], 2)}
SCALES = {"hundred": 100, "thousand": 1000, "lakh": 100_000, "lakhs": 100_000, "lac": 100_000,
          "lacs": 100_000, "crore": 10_000_000, "crores": 10_000_000}
OTHER = ("and", "rupees", "rupee", "paise", "only", "inr", "rs")
VOCABULARY = (*SMALL, *SCALES, *OTHER)
START = re.compile(r"rupees|rupee|\binr\b|in\s*words", re.I)


def amount_in_words(text: str) -> int | None:
    """Paise written in `text` from "Rupees" (or "in words") to "Only"; None unless every
    word between is a number word (OCR slips of a letter or two are forgiven)."""
    start = START.search(text)
    if start is None:
        return None
    words: list[str] = []
    for token in re.findall(r"[A-Z][a-z]+|[a-z]+|[A-Z]+(?![a-z])", text[start.end():]):
        found = _vocabulary_words(token.lower())
        if words or found != ["?"]:  # "(in words): INR ..." starts at the first number word
            words += found
        if words and words[-1] == "only":
            break
    words = [w for w in words if w not in ("rupees", "rupee", "inr", "rs", "only")]
    if not words or any(w not in VOCABULARY for w in words):
        return None
    if "paise" in words:
        cut = words.index("paise")
        split = max((i for i, w in enumerate(words[:cut]) if w == "and"), default=None)
        if split is None:
            return None
        rupees, paise = _number(words[:split]), _number(words[split + 1:cut])
        return None if rupees is None or paise is None or paise > 99 else rupees * 100 + paise
    rupees = _number(words)
    return None if rupees is None else rupees * 100


def _vocabulary_words(token: str) -> list[str]:
    """The number words a token stands for: itself, several run together ("fourand"), or
    the nearest number word to a misread one ("seventeem")."""
    if token in VOCABULARY:
        return [token]
    joined = _segment(token)
    if joined:
        return joined
    if len(token) >= 4:
        best = process.extractOne(token, VOCABULARY, score_cutoff=80)
        if best:
            return [best[0]]
    return ["?"]


@functools.cache
def _segment(token: str) -> list[str] | None:
    if not token:
        return []
    for size in range(min(len(token), 9), 1, -1):
        head = token[:size]
        if head in VOCABULARY and (rest := _segment(token[size:])) is not None:
            return [head, *rest]
    return None


def _number(words: list[str]) -> int | None:
    total, current = 0, 0
    for word in words:
        if word == "and":
            continue
        if word in SMALL:
            current += SMALL[word]
        elif word == "hundred":
            current = (current or 1) * 100
        elif word in SCALES:
            total += (current or 1) * SCALES[word]
            current = 0
        else:
            return None
    return total + current if (total or current) else None
