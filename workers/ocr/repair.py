"""Undo Tesseract's look-alike confusions (O/0, I/1, Z/2, S/5, B/8) where the shape demands it."""

from __future__ import annotations

from itertools import product

from models.invoices.values import TO_DIGIT
from models.partners.gstin import is_valid_gstin

TO_LETTER = {"0": "O", "1": "I", "2": "Z", "5": "S", "8": "B", "6": "G", "7": "T", "4": "A",
             ")": "J", "]": "J", "|": "I"}
# Letters a small print face draws nearly as a digit, tried beside TO_LETTER's ("J1ZP" read
# "11ZP": a J's hook lost in a photo; a thermal or dot-matrix D, its corners rounded, read 0:
# "...B529503Z6" for "...B5295D3Z6", bench/ocr.py seed 401, thermal photo 15). A whole shape
# changed, so O stays the nearer repair of a 0.
ALSO_LETTER = {"1": "J", "0": "D"}
# The GSTIN shape, position by position: d digit, a letter, x either, z the fixed "Z".
_SHAPE = "ddaaaaaddddaxzx"
_MAX_CANDIDATES = 1024


# Digits that blur into each other in phone photos.
DIGIT_PEERS = {"3": "8", "8": "3", "6": "8", "7": "1", "1": "7"}
# A letter and a digit most fonts draw alike: reading one for the other is a smaller change
# than a blurred digit ("…W2Z0" is "…W2ZO" before it is "…9512…" for "…9572…").
SAME_GLYPH = {frozenset("O0"), frozenset("I1")}


def _choices(char: str, kind: str) -> set[str]:
    if kind == "d":
        if char.isdigit():
            return {char, DIGIT_PEERS[char]} if char in DIGIT_PEERS else {char}
        return {TO_DIGIT[char]} if char in TO_DIGIT else set()
    if kind == "a":
        if char.isalpha():
            return {char}
        return ({TO_LETTER[char]} if char in TO_LETTER else set()) | set(
            ALSO_LETTER.get(char, ""))
    if kind == "z":
        return {"Z"} if char in "Z27" else set()
    options = {char}
    options |= {TO_DIGIT[char]} if char in TO_DIGIT else set()
    options |= {TO_LETTER[char]} if char in TO_LETTER else set()
    options |= set(ALSO_LETTER.get(char, ""))
    return options


def gstin_candidates(text: str) -> list[str]:
    """Every checksum-valid GSTIN that `text` (15 characters) can be by swapping look-alikes."""
    value = text.strip().upper()
    if len(value) != 15:
        return []
    if is_valid_gstin(value):
        return [value]
    choices = [sorted(_choices(c, k)) for c, k in zip(value, _SHAPE, strict=True)]
    count = 1
    for options in choices:
        count *= len(options)
    if count == 0 or count > _MAX_CANDIDATES:
        return []
    return [s for s in ("".join(p) for p in product(*choices)) if is_valid_gstin(s)]


def _swap_cost(read: str, meant: str) -> float:
    if read == meant:
        return 0.0
    return 0.5 if frozenset((read, meant)) in SAME_GLYPH else 1.0


# How a GSTIN was found in what was read (repair_gstin).
AS_READ = "as read"
# Only the changes its shape demands: a character that cannot stand where it was read (a
# digit where a letter must be, "Z" read 2) made what it looks like, or O/0 and I/1 (one
# shape in most fonts) changed, or a stray first character (the label's colon) dropped.
DEMANDED = "demanded"
# Some character that could stand where it was read was changed for another ("8" for "3",
# "2" for "Z" in the entity place, a stray character dropped in between). The checksum
# passing is then partly luck: among the variants tried, about one in 36 passes by chance,
# so where a character was misread past repair (a dot-matrix "Y" read "V") another GSTIN
# passes in its place (bench/ocr.py seed 601, dot-matrix clean 47 and 71, photo 113).
GUESSED = "guessed"


def find_gstin(run: str) -> tuple[str | None, bool]:
    """Repair a run of characters read where a GSTIN stands, allowing one stray extra character.

    Candidates are tried by the number of changes they need (swaps, plus one for dropping a
    character); the first number of changes with any candidate must have exactly one.
    Returns (GSTIN, repaired?) or (None, False).
    """
    found, how = repair_gstin(run)
    return found, how not in (AS_READ, None)


def repair_gstin(run: str) -> tuple[str | None, str | None]:
    """(GSTIN, how it was found: AS_READ, DEMANDED or GUESSED), or (None, None): as
    find_gstin."""
    run = run.upper()
    variants = {run[:15]: (0, True)}
    if len(run) >= 16:
        for k in range(16):
            variants.setdefault((run[:k] + run[k + 1:])[:15], (1, k == 0))
    by_cost: dict[float, dict[str, bool]] = {}
    for variant, (dropped, lead) in variants.items():
        for found in gstin_candidates(variant):
            cost = dropped + sum(_swap_cost(a, b) for a, b in zip(variant, found, strict=True))
            cost += 0.5 * (found[12].isalpha() and variant[12] != found[12])  # mostly "1"
            demanded = lead and all(_demanded(a, b, kind) for a, b, kind
                                    in zip(variant, found, _SHAPE, strict=True))
            same = by_cost.setdefault(cost, {})
            same[found] = same.get(found, False) or demanded
    if not by_cost:
        return None, None
    best = by_cost[min(by_cost)]
    if len(best) != 1:
        return None, None
    found, demanded = best.popitem()
    if found == run[:15]:
        return found, AS_READ
    return found, DEMANDED if demanded else GUESSED


def _demanded(read: str, meant: str, kind: str) -> bool:
    """Whether reading `meant` where `read` was read is a change the shape demands (or none)."""
    if read == meant or frozenset((read, meant)) in SAME_GLYPH:
        return True
    allowed = {"d": read.isdigit(), "a": read.isalpha(), "z": read == "Z"}.get(kind, True)
    return not allowed
