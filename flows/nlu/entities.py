"""What a sentence carries besides its intent: an amount ("500", "₹1,500", "paanch sau",
"पाँच सौ", "ஐநூறு"), a product code ("ye code ABCD-1234-EFGH-5678 nahi chala") and a
language's name ("tamil me bhejo", "हिंदी में", "বাংলায়").

Number words are data (numbers.yaml). Words alone ("do", "ek") are never an amount: an
amount in words needs a scale (sau, हज़ार, ஆயிரம்) or is one word that holds it (पाचशे).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import NamedTuple

from bot.i18n import LANGUAGES
from flows.answers import fold_digits, normalize
from models import yamltext
from models.codes.format import CodeError, find_codes

NUMBERS = Path(__file__).with_name("numbers.yaml")
_DIGITS = re.compile(r"\d[\d,]*")
_CODE = re.compile(r"(?<![0-9A-Za-z])[0-9A-Za-z]{4}(?:-?[0-9A-Za-z]{4}){3}(?![0-9A-Za-z])")
_VIRAMAS = "\u094d\u0bcd\u0c4d\u0ccd\u09cd\u0acd"  # a name's last sign, dropped before a suffix
# Roman and other spellings of each language's name, besides LANGUAGES' own two.
ALIASES = {
    "en": ("angrezi", "angreji", "inglish", "अंग्रेज़ी", "अंग्रेजी", "इंग्रजी", "અંગ્રેજી",
           "ஆங்கிலம்", "ఇంగ్లీష్", "ಇಂಗ್ಲಿಷ್", "ইংরেজি"),
    "hi": ("hindi", "हिंदी", "हिन्दी", "હિન્દી", "இந்தி", "ஹிந்தி", "హిందీ", "ಹಿಂದಿ", "হিন্দি"),
    "mr": ("marathi", "मराठी", "મરાઠી", "மராத்தி", "మరాఠీ", "ಮರಾಠಿ", "মারাঠি"),
    "gu": ("gujarati", "gujrati", "गुजराती", "ગુજરાતી", "குஜராத்தி", "గుజరాతీ", "ಗುಜರಾತಿ",
           "গুজরাটি"),
    "ta": ("tamil", "तमिल", "તમિલ", "தமிழ்", "తమిళం", "ತಮಿಳು", "তামিল"),
    "te": ("telugu", "तेलुगु", "તેલુગુ", "தெலுங்கு", "తెలుగు", "ತೆಲುಗು", "তেলুগু"),
    "kn": ("kannada", "कन्नड़", "कन्नड", "કન્નડ", "கன்னடம்", "కన్నడ", "ಕನ್ನಡ", "কন্নড়"),
    "bn": ("bengali", "bangla", "बांग्ला", "बंगाली", "બંગાળી", "வங்காளம்", "బెంగాలీ", "ಬಂಗಾಳಿ",
           "বাংলা", "বাঙালি"),
}


class Entities(NamedTuple):
    amount: int | None = None
    code: str | None = None  # 16 characters, as models/codes reads them
    language: str | None = None  # a code of LANGUAGES


def extract(text: str) -> Entities:
    return Entities(amount(text), code(text), language(text))


@cache
def _numbers() -> dict[str, dict[str, int]]:
    raw = yamltext.load(NUMBERS.read_text(encoding="utf-8"))
    return {part: {normalize(str(w)): int(v) for w, v in words.items()}
            for part, words in raw.items()}


def amount(text: str) -> int | None:
    """The first amount in digits (any script, grouping commas allowed), else in words."""
    folded = fold_digits(text)
    found = _DIGITS.search(folded)
    if found is not None:
        return int(found.group().replace(",", "")) or None
    return _in_words(normalize(folded).replace("-", " ").split())


def _in_words(words: list[str]) -> int | None:
    numbers = _numbers()
    units, scales, whole = numbers["units"], numbers["scales"], numbers["whole"]
    total = current = 0
    scaled = False
    for word in words:
        if word in whole and not scaled:
            return whole[word]
        if word in units:
            current += units[word]
        elif word in scales:
            current = max(current, 1) * scales[word]
            scaled = True
            if scales[word] >= 1000:
                total, current = total + current, 0
        elif scaled:
            break
        else:
            current = 0
    return total + current if scaled else None


def code(text: str) -> str | None:
    """The first product code written inside the text (with or without its dashes)."""
    for candidate in _CODE.findall(text):
        if not any(c.isdigit() for c in candidate):
            continue
        try:
            return find_codes(candidate)[0]
        except CodeError:
            continue
    return None


@cache
def _names() -> tuple[tuple[str, str], ...]:
    """(name without its last virama, code), longest first."""
    names = {normalize(n): c for c, (english, own) in LANGUAGES.items() for n in (english, own)}
    names.update({normalize(n): c for c, spellings in ALIASES.items() for n in spellings})
    stems = {n.rstrip(_VIRAMAS): c for n, c in names.items()}
    return tuple(sorted(stems.items(), key=lambda item: -len(item[0])))


def language(text: str) -> str | None:
    """The language a word of the text names, suffixes allowed ("tamil-la", "हिंदीत")."""
    for word in normalize(text).split():
        for stem, lang in _names():
            if len(stem) >= 4 and word.startswith(stem) and len(word) <= len(stem) + 6:
                return lang
    return None
