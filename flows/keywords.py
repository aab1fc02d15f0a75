"""One-shot keywords in every language, tolerant of typos: "bal", "balance kitna", "बैलेंस",
"இருப்பு" all mean BALANCE. The words are data (flows/keywords.yaml); this module matches.

    match_keyword("balance kitna", "hi")  -> KeywordMatch(Keyword.BALANCE, "")
    match_keyword("code ab12-cd34", "en") -> KeywordMatch(Keyword.CODE, "ab12-cd34")
    match_keyword("shop", "en")           -> None (short words must be exact)

A message is a keyword when its first one to three words are one of the keyword's phrases
(within a few typing mistakes, by optimal string alignment, where a swap of two neighbours
is one mistake); what follows is the keyword's argument. Keywords that take none (BALANCE,
HELP, STOP…) allow two trailing words ("balance kitna hai") and no more: a longer message is
a sentence, not a command.
"""

from __future__ import annotations

from enum import StrEnum
from functools import cache, lru_cache
from pathlib import Path
from typing import NamedTuple

from rapidfuzz.distance import OSA

from flows.answers import normalize
from models import yamltext

LEXICON = Path(__file__).with_name("keywords.yaml")
LONGEST_PHRASE = 3  # words
TRAILING_WORDS = 2  # allowed after a keyword that takes no argument


class Keyword(StrEnum):
    BALANCE = "BALANCE"
    HISTORY = "HISTORY"
    CODE = "CODE"
    LEARN = "LEARN"
    QUIZ = "QUIZ"
    REDEEM = "REDEEM"
    TIER = "TIER"
    TOP = "TOP"  # the leaderboard
    LANGUAGE = "LANGUAGE"
    HELP = "HELP"
    STOP = "STOP"
    START = "START"
    MENU = "MENU"
    MORE = "MORE"
    JOIN = "JOIN"
    ENROLL = "ENROLL"
    BACK = "BACK"
    NEXT = "NEXT"
    SKIP = "SKIP"
    LEAVE = "LEAVE"
    MY_DATA = "MY_DATA"
    DELETE = "DELETE"
    INVITE = "INVITE"


# Answers a question expects ("aage" to read on, "chhodo" for no GSTIN), read with `means`;
# never commands of their own.
ANSWERS = frozenset({Keyword.NEXT, Keyword.SKIP})
COMMANDS = frozenset(Keyword) - ANSWERS
TAKES_ARGUMENT = frozenset({Keyword.CODE, Keyword.REDEEM, Keyword.LANGUAGE, Keyword.JOIN,
                            Keyword.ENROLL})


class KeywordMatch(NamedTuple):
    keyword: Keyword
    args: str  # as typed (codes keep their case), "" when none


class Phrase(NamedTuple):
    text: str  # normalized
    keyword: Keyword
    lang: str


@cache
def lexicon() -> dict[int, tuple[Phrase, ...]]:
    """Every phrase of keywords.yaml, normalized, by its number of words."""
    raw = yamltext.load(LEXICON.read_text(encoding="utf-8"))
    by_length: dict[int, list[Phrase]] = {}
    for name, languages in raw.items():
        keyword = Keyword(name)
        for lang, phrases in languages.items():
            for phrase in phrases:
                text = normalize(str(phrase))
                by_length.setdefault(len(text.split()), []).append(Phrase(text, keyword, lang))
    return {length: tuple(phrases) for length, phrases in by_length.items()}


def allowed_mistakes(typed: str, phrase: str) -> int:
    """Short words must be exact; one mistake from 5 letters, two from 8."""
    longest = max(len(typed), len(phrase))
    return 0 if longest <= 4 else 1 if longest <= 7 else 2


@lru_cache(maxsize=4096)  # partners type the same few things ("1", "MENU", "bal") again
def _best(typed: str, lang: str, among: frozenset[Keyword]) -> Keyword | None:
    """The keyword (of `among`) whose phrase of as many words is nearest `typed` within the
    allowed mistakes; the partner's language breaks a tie between keywords, and a tie it
    cannot break matches nothing."""
    phrases = lexicon().get(len(typed.split()), ())
    scored = [(OSA.distance(typed, p.text), p) for p in phrases
              if p.keyword in among]
    near = [(d, p) for d, p in scored if d <= allowed_mistakes(typed, p.text)]
    if not near:
        return None
    least = min(d for d, _ in near)
    nearest = [p for d, p in near if d == least]
    keywords = {p.keyword for p in nearest}
    if len(keywords) > 1:
        keywords = {p.keyword for p in nearest if p.lang == lang}
    return keywords.pop() if len(keywords) == 1 else None


def match_keyword(text: str, lang: str = "en", among: frozenset[Keyword] = COMMANDS
                  ) -> KeywordMatch | None:
    """The keyword (of `among`) `text` starts with and its argument, or None if it is not
    a command."""
    typed = normalize(text).split()
    original = text.split()
    for length in range(min(LONGEST_PHRASE, len(typed)), 0, -1):
        keyword = _best(" ".join(typed[:length]), lang, among)
        if keyword is None:
            continue
        rest = original[length:]
        if keyword not in TAKES_ARGUMENT and len(rest) > TRAILING_WORDS:
            return None
        return KeywordMatch(keyword, " ".join(rest))
    return None


def means(text: str, keyword: Keyword, lang: str = "en") -> bool:
    """True if the whole of `text` is one of `keyword`'s phrases ("आगे" is NEXT, "chhodo"
    SKIP), typos allowed as for any keyword."""
    found = match_keyword(text, lang, frozenset({keyword}))
    return found is not None and not found.args


def first_words(keyword: Keyword) -> tuple[str, ...]:
    """`keyword`'s one-word phrases in every language, upper case: a flow's first-word
    triggers on channels that read no keywords (WhatsApp)."""
    return tuple(sorted({p.text.upper() for p in lexicon().get(1, ()) if p.keyword == keyword}))
