"""Read an amount written in words, as Indian invoices print it under the total:
"Rupees One Lakh Twenty Three Thousand Four Hundred Fifty Six and Fifty Paise Only"."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from rapidfuzz.distance import Levenshtein

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
SHORT = [word for word in (*SMALL, *SCALES) if len(word) == 3]  # one, two, six, ten, lac
# A line that writes the amount in words ("Bupees": R read B; "Rupes": an e lost; "Rs.
# Seventy One Thousand Forty Only", "INt Five Thousand …": Tally's INR, its R read t), and
# where its words start: at a singular "Rupee" too ("Indian Rupee Seventy-One …"); "INR" run
# into the first number word ("INROne Lak …").
IN_WORDS = re.compile(r"[rb]upe{1,2}s|\binr(?:\b|(?-i:(?=[A-Z][a-z])))|in\s*words|"
                      r"\b(?:rs|int)\b\.?(?=\s*[a-z][a-z\s-]*only)", re.I)
START = re.compile(rf"{IN_WORDS.pattern}|rupee", re.I)
# Letters OCR takes for one another in handwriting ("Seventv", "Hcndred", "Theusand", "Iakh",
# "Eiaht": a g without its tail read a, "Tu" for two: a w written shallow): compared as the
# same letter, so such a word is still one letter from its vocabulary word. No two number
# words come nearer each other for it.
LOOKALIKE = str.maketrans("vcoiaw", "yuelgu")


def amount_in_words(text: str, loose: bool = False, exact: bool = False) -> int | None:
    """Paise written in `text` from "Rupees" (or "in words") to "Only"; None unless the
    letters between are number words and nothing else. Spaces are ignored, as OCR loses
    and adds them ("FourHundred", "Hun dred"); a word may be misread by one letter, or when
    `loose` by a third of its letters ("Thusad", "Fiaht": a guess, for a caller that checks
    it against the digits read); when `exact`, only words read without a letter changed."""
    said = _said(text)
    letters = re.sub(r"[^a-z]", "", said or "")
    if said is None or len(letters) > 200:
        return None
    limit = 0 if exact else 1 + len(letters) // (5 if loose else 12)
    if not loose:
        named = _cheapest(letters, limit)
        return named.pop() if len(named) == 1 else None
    found = _segment(letters, loose)
    # A guess keeps the words apart where the writer did ("Seventv Fiakt", not "seventy"
    # and "lakh" from "Seventvf iakt"), splitting only what ran together.
    parts = [_segment(word, loose) for word in re.sub(r"[^a-z ]", "", said).split()]
    if parts and all(parts):
        found = sum(p[0] for p in parts), tuple(w for p in parts for w in p[1])
    return _value(found[1]) if found and found[0] <= limit else None


def tied(text: str) -> set[int]:
    """The amounts words read with a letter changed name equally ("Fine Lakh": five or nine
    lakh), when they name more than one: candidates for a check that can tell them apart
    (workers.ocr.recheck), never an amount on the words alone."""
    letters = re.sub(r"[^a-z]", "", _said(text) or "")
    named = _cheapest(letters, 1 + len(letters) // 12) if 0 < len(letters) <= 200 else set()
    return named if len(named) > 1 else set()


# The tax in words, which TallyPrime prints under its tax summary ("Tax Amount (in words) :
# INR Ten Thousand Eight Hundred Only"): not the total's words. Its "Amount (in words)"
# misread past knowing ("Tax Am ocd) :INR Thirty Thousand …"), "Tax Am" still says it.
TAX_IN_WORDS = re.compile(r"\bta[xk]\s*am", re.I)


def saying(texts: Iterable[str]) -> str | None:
    """The first of `texts` that says an amount in words: eight letters or more from "Rupees"
    (or "in words") to "Only", and no figure among them; not the tax in words. Vyapar prints
    "Invoice Amount In Words" beside the sub-total's figure, its words on the line below
    (study seed 813, vyapar photo 7: the label's "Sub Total Rs. 47.660.00" was taken for the
    words)."""
    return next((text for text in texts if not TAX_IN_WORDS.search(text)
                 and len(re.sub(r"[^a-z]", "", _said(text) or "")) >= 8
                 and not re.search(r"\d", _ONLY.split(text[START.search(text).end():])[0])),
                None)


# "Only", its l read as i or 1 ("Paisa oniy": Vyapar's words, a column beside them)
_ONLY = re.compile(r"on[li1|]y", re.I)


def _said(text: str) -> str | None:
    """The words in `text` from "Rupees" (or "in words") to "Only", in lower case."""
    start = START.search(text)
    if start is None:
        return None
    # "RupeesS Six": the s of Rupees written twice, apart from the first number word
    rest = re.sub(r"^[sS](?=\s)", "", text[start.end():])
    # Zoho's "Total In Words: Indian Rupee Seventy-One Thousand Forty Only": the currency's
    # name after "in words" is no number word
    rest = re.sub(r"^[\s:.\-]*indian(?=\s*(?:rupee|inr))", "", rest, flags=re.I)
    end = _ONLY.search(rest)
    said = (rest[:end.start()] if end else _unended(rest)).lower()
    if start.group().lower() != "inr" and not re.sub(r"\band\b.*", "", said).strip():
        # "Forty One Rupees and Fifty Paisa only", as Vyapar writes it: the rupees before
        # the word, its label ("Invoice Amount In Words") on the line above
        said = f"{text[:start.start()]} {said}".lower()
    return re.sub(r"\bpaisa\b", "paise", said)


def _cheapest(letters: str, limit: int) -> set[int]:
    """The amounts named by the cheapest splits of `letters` into number words that name one
    ("Turee Hundred" after "Thousand" is three, not crore: a crore after a thousand names no
    number); more than one when a changed letter ties them."""
    named = [(cost, value) for cost, words in _splits(letters, limit)
             if (value := _value(words)) is not None]
    return {value for cost, value in named if cost == named[0][0]}


def _value(found: tuple[str, ...]) -> int | None:
    """Paise named by number words ("rupees", "only" and the like ignored)."""
    words = [w for w in found if w not in ("rupees", "rupee", "inr", "rs", "only")]
    if not words:
        return None
    if "paise" in words:
        cut = words.index("paise")
        split = max((i for i, w in enumerate(words[:cut]) if w == "and"), default=None)
        if split is None:
            return None
        rupees, paise = _number(words[:split]), _number(words[split + 1:cut])
        if split == cut - 1:  # "... Forty and Paise Fifty Only", as some software writes it
            paise = _number(words[cut + 1:])
        return None if rupees is None or paise is None or paise > 99 else rupees * 100 + paise
    rupees = _number(words)
    return None if rupees is None else rupees * 100


def _unended(rest: str) -> str:
    """The words before a misread "Only" ("Ony", "Dnlv", "Mv"): a last word of four letters
    or fewer that is no number word is dropped."""
    head, _, last = rest.rstrip(" .").rpartition(" ")
    letters = re.sub(r"[^a-z]", "", last.lower())
    # A word cut short where the line was ("Eight Lakh Eighty Four Thou") is no "Only":
    # the words before it are not the whole amount.
    # A lone letter is a word cut short too ("Sixty Nine Thousand Mine H"), never "Only"; so
    # are two letters that begin a number word ("Ninety Eight Thousand Three Hu", the line
    # cut at the photo's edge: fresh seed 271, plain photo 58), unless an "O" begins them, as
    # "Only" misread does ("On").
    shortest = 2 if letters[:1] != "o" else 3
    cut = len(letters) == 1 or (len(letters) >= shortest and any(
        w.startswith(letters) for w in (*SMALL, *SCALES)))
    only = Levenshtein.distance(letters.translate(LOOKALIKE), "enly", score_cutoff=1) <= 1
    return head if head and len(letters) <= 4 and not cut and (
        only or _nearest(letters)[0] is None) else rest


@functools.cache
def _segment(token: str, loose: bool = False) -> tuple[int, tuple[str, ...]] | None:
    """(letters changed, words) of the cheapest split of `token` into vocabulary words."""
    if not token:
        return 0, ()
    best = None
    for size in range(min(len(token), 11 if loose else 10), 1, -1):
        word, cost = _loosely(token[:size]) if loose else _nearest(token[:size])
        rest = _segment(token[size:], loose) if word else None
        if rest is not None and (best is None or cost + rest[0] < best[0]):
            best = (cost + rest[0], (word, *rest[1]))
    return best


KEEP = 12  # splits kept per rest of a word run, cheapest first


@functools.cache
def _splits(token: str, budget: int) -> tuple[tuple[int, tuple[str, ...]], ...]:
    """The cheapest splits of `token` into vocabulary words, each word as read or one letter
    from it, within `budget` letters changed: (letters changed, words), cheapest first."""
    if not token:
        return ((0, ()),)
    found = []
    for size in range(min(len(token), 10), 1, -1):
        for word in _near(token[:size]):
            cost = word != token[:size]
            if cost <= budget:
                found += [(cost + more, (word, *rest))
                          for more, rest in _splits(token[size:], budget - cost)]
    return tuple(sorted(found, key=lambda f: f[0])[:KEEP])


@functools.cache
def _nearest(piece: str) -> tuple[str | None, int]:
    """The vocabulary word `piece` is, or is one letter away from (words of 4+ letters; three
    letters are a four-letter word that lost one, "I.kh" for "Lakh", or a three-letter number
    word with one letter changed, "Twc" for "Two")."""
    near = _near(piece)
    return (near[0], int(near[0] != piece)) if near else (None, 0)


@functools.cache
def _near(piece: str) -> tuple[str, ...]:
    """The vocabulary words `piece` is, or is one letter away from (see _nearest), likeliest
    first."""
    if piece in VOCABULARY:
        return (piece,)
    if len(piece) < 3:
        return ()
    alike = piece.translate(LOOKALIKE)
    near = [word for word in VOCABULARY if len(word) >= 4 and len(word) - len(piece) < 2
            and Levenshtein.distance(alike, word.translate(LOOKALIKE), score_cutoff=1) <= 1]
    if len(piece) == 3:  # a three-letter number with a later letter misread ("Twc", not "Fne")
        # or only a lookalike changed ("Twe")
        near += [word for word in SHORT if word[0] == alike[0] and _changed(alike, word) <= 1]
    if not near and len(piece) >= 4:
        # A scale word, which says no digit, that lost more letters ("Hnded": hundred); only
        # lost, or it would swallow a number word's letters beside it ("Oehusand" is one
        # thousand, "Twc Theusand" twenty two thousand).
        near = [word for word in SCALES if 0 < (lost := len(word) - len(piece)) <= 2
                and Levenshtein.distance(alike, word.translate(LOOKALIKE)) == lost]
    # A word whose letters are all lookalikes of the piece's ("ElGHTY": "eighty") before one
    # a letter away ("eight").
    near.sort(key=lambda word: word.translate(LOOKALIKE) != alike)
    return tuple(near)


def _changed(alike: str, word: str) -> int:
    """Letters of `alike` (lookalikes translated) that differ from `word`'s, of equal length."""
    return sum(a != b for a, b in zip(alike, word.translate(LOOKALIKE), strict=True))


@functools.cache
def _loosely(piece: str) -> tuple[str | None, int]:
    """The vocabulary word nearest `piece` within about a third of its letters ("Fiaht":
    eight), and how many letters it takes."""
    word, _cost = _nearest(piece)
    if word is not None:  # counted by the letters changed: "Seventv" is seventy as it is
        return word, Levenshtein.distance(piece.translate(LOOKALIKE), word.translate(LOOKALIKE))
    if len(piece) == 3:  # "Mne": one
        return next(((w, 1) for w in SHORT if _changed(piece.translate(LOOKALIKE), w) == 1),
                    (None, 0))
    if len(piece) == 2:  # "Sx": six, "Tu": two
        word = next((w for w in SHORT if Levenshtein.distance(
            piece.translate(LOOKALIKE), w.translate(LOOKALIKE), score_cutoff=1) <= 1), None)
        return word, 1
    if len(piece) < 4:
        return None, 0
    alike = piece.translate(LOOKALIKE)
    near = sorted((Levenshtein.distance(alike, word.translate(LOOKALIKE)), word)
                  for word in VOCABULARY if len(word) >= 4 and abs(len(word) - len(piece)) <= 2)
    near = [(d, word) for d, word in near if d <= (len(word) + 1) // 3]
    return (near[0][1], near[0][0]) if near else (None, 0)


def _number(words: list[str]) -> int | None:
    """The number the words name; None unless each of thousand, lakh and crore comes after a
    larger one ("seventy lakh" after "one lakh forty thousand" names no number) and a number
    word below twenty follows only a tens word ("eighty eight", never "eight eight")."""
    total, current, last = 0, 0, None
    for word in words:
        if word == "and":
            continue
        if word in SMALL:
            below = current % 100
            if below and (below % 10 or below < 20 or SMALL[word] >= 10):
                return None
            current += SMALL[word]
        elif word == "hundred":
            current = (current or 1) * 100
        elif word in SCALES:
            if last is not None and SCALES[word] >= last:
                return None
            total += (current or 1) * SCALES[word]
            current, last = 0, SCALES[word]
        else:
            return None
    return total + current if (total or current) else None


def spelled(paise: int) -> str:
    """`paise` as an Indian invoice writes it in words, in lower case: "one lakh twenty five
    thousand forty and fifty paise only"."""
    rupees, rest = divmod(paise, 100)
    text = _spell(rupees) or "zero"
    return f"{text} and {_spell(rest)} paise only" if rest else f"{text} only"


def _spell(n: int) -> str:
    names = {v: w for w, v in SMALL.items()}
    parts = []
    for scale, name in ((10_000_000, "crore"), (100_000, "lakh"), (1000, "thousand"),
                        (100, "hundred")):
        if n >= scale:
            parts.append(f"{_spell(n // scale)} {name}")
            n %= scale
    if n >= 20:
        parts.append(names[n - n % 10] + (f" {names[n % 10]}" if n % 10 else ""))
    elif n:
        parts.append(names[n])
    return " ".join(parts)


# Words misread beyond parsing ("Mne Iakh Tirtv Six ... Titv Six Dnlv") still name one amount
# when they are this close to its spelling (edits per letter) and clearly closer than to any
# other amount's (MARGIN edits).
RESEMBLES = 0.3
MARGIN = 2


def resembled(text: str, candidates: set[int]) -> int | None:
    """The one amount among `candidates` that the words after "Rupees" in `text` resemble: close
    to its spelling and at least MARGIN edits closer than to any other candidate's. Words
    misread this badly vouch for nothing on their own; they only choose among amounts the page
    shows."""
    distances = sorted((d, c) for c in candidates if (d := misread(text, c)) is not None)
    if not distances:
        return None
    best, found = distances[0]
    runner_up = distances[1][0] if len(distances) > 1 else None
    if best > RESEMBLES * len(_letters(spelled(found))):
        return None
    return found if runner_up is None or runner_up - best >= MARGIN else None


def misread(text: str, paise: int) -> int | None:
    """How many letters of the words that say an amount in `text` (as amount_in_words takes
    them: after "Rupees" to "Only", or Vyapar's "… Rupees and … Paise Only") differ from
    `paise` spelled out (look-alike letters the same); None without such words (8 letters
    at least). Vyapar's words counted from "Rupees" on made a short amount's spelling the
    nearer (study seed 813, vyapar photo 7: 2,00,030 over the 53,379.20 the words say)."""
    read = _letters(_said(text) or "")
    if len(read) < 8:
        return None
    meant = _letters(spelled(paise))  # ends "only": the words may have run into it ("Fentyony")
    return min(Levenshtein.distance(read, meant), Levenshtein.distance(read, meant[:-4]))


def _letters(text: str) -> str:
    return re.sub(r"[^a-z]", "", text.lower()).translate(LOOKALIKE)
