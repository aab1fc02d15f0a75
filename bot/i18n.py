"""Translations (gettext catalogs under locales/) and Indian-style number formatting.

A message is a msgid marked with `N_("...")`, or, when it holds a count, both English forms
marked with `NP_("{n} try left.", "{n} tries left.")`: the catalogs then carry as many forms
as the language has (its Plural-Forms header), and `translate(lang, message, n=count)` picks
the right one and fills `{n}` with the count in Indian grouping (1,23,456).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from babel.numbers import format_currency, format_decimal
from babel.support import NullTranslations, Translations

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "messages"

# Code -> (name in English, name in its own script). Order is the order partners see.
LANGUAGES: dict[str, tuple[str, str]] = {
    "en": ("English", "English"),
    "hi": ("Hindi", "हिन्दी"),
    "mr": ("Marathi", "मराठी"),
    "gu": ("Gujarati", "ગુજરાતી"),
    "ta": ("Tamil", "தமிழ்"),
    "te": ("Telugu", "తెలుగు"),
    "kn": ("Kannada", "ಕನ್ನಡ"),
    "bn": ("Bengali", "বাংলা"),
    "pa": ("Punjabi", "ਪੰਜਾਬੀ"),
    "ml": ("Malayalam", "മലയാളം"),
    "or": ("Odia", "ଓଡ଼ିଆ"),
    "as": ("Assamese", "অসমীয়া"),
}
DEFAULT = "en"


def N_(msgid: str) -> str:
    """Mark a string for extraction without translating it yet."""
    return msgid


@dataclass(frozen=True)
class Plural:
    """A message with a count, in its two English forms (the catalogs hold every form)."""

    singular: str
    plural: str


def NP_(singular: str, plural: str) -> Plural:
    """Mark a message with a count (`{n}`) for extraction with its plural form."""
    return Plural(singular, plural)


Message = str | Plural


@cache
def _catalog(lang: str) -> NullTranslations:
    if lang == DEFAULT:
        return NullTranslations()
    return Translations.load(str(LOCALES_DIR), [lang], DOMAIN)


def translate(lang: str | None, msgid: Message, n: int | None = None, **values: object) -> str:
    """Return `msgid` in `lang`, with `{placeholders}` filled from `values`; a Plural takes
    the form for the count `n`, which also fills `{n}`."""
    catalog = _catalog(lang if lang in LANGUAGES else DEFAULT)
    if isinstance(msgid, Plural):
        if n is None:
            raise TypeError(f"{msgid.singular!r} needs the count n")
        text = catalog.ngettext(msgid.singular, msgid.plural, n)
        values["n"] = format_credits(n, lang)
    else:
        text = catalog.gettext(msgid)
        if n is not None:
            values["n"] = n
    return text.format(**values) if values else text


def wordings(lang: str, msgid: Message) -> list[str]:
    """Every wording of `msgid` in `lang`, placeholders unfilled: one, or one per plural
    form the language has (for registering texts with a regulator, as DLT asks)."""
    catalog = _catalog(lang if lang in LANGUAGES else DEFAULT)
    if not isinstance(msgid, Plural):
        return [catalog.gettext(msgid)]
    found: list[str] = []
    for n in (0, 1, 2, 3, 5, 11, 21, 101):  # meets every plural form of the languages we speak
        form = catalog.ngettext(msgid.singular, msgid.plural, n)
        if form not in found:
            found.append(form)
    return found


def locale_of(lang: str | None) -> str:
    """The Babel locale for dates and numbers in `lang` (Indian variants: hi_IN, ta_IN…)."""
    return f"{lang if lang in LANGUAGES else DEFAULT}_IN"


def format_credits(credits: int, lang: str | None = None) -> str:
    """12500 -> '12,500' (Indian grouping: 1,23,456)."""
    return format_decimal(credits, locale=locale_of(lang), numbering_system="latn")


def format_rupees(paise: int, lang: str | None = None) -> str:
    """12345600 -> '₹1,23,456'; paise shown only when there are any."""
    rupees = paise / 100
    pattern = "¤#,##,##0" if paise % 100 == 0 else "¤#,##,##0.00"
    return format_currency(rupees, "INR", format=pattern, locale=locale_of(lang),
                           currency_digits=False, numbering_system="latn")


def language_code(cell: str) -> str | None:
    """Read a language written as its code or one of its names: "hi", "Hindi", "हिन्दी" -> "hi"."""
    wanted = cell.strip().lower()
    return next((code for code, names in LANGUAGES.items()
                 if wanted == code or wanted in (n.lower() for n in names)), None)
