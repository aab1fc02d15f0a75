"""Translations (gettext catalogs under locales/) and Indian-style number formatting."""

from __future__ import annotations

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
}
DEFAULT = "en"


def N_(msgid: str) -> str:
    """Mark a string for extraction without translating it yet."""
    return msgid


@cache
def _catalog(lang: str) -> NullTranslations:
    if lang == DEFAULT:
        return NullTranslations()
    return Translations.load(str(LOCALES_DIR), [lang], DOMAIN)


def translate(lang: str | None, msgid: str, **values: object) -> str:
    """Return `msgid` in `lang`, with `{placeholders}` filled from `values`."""
    text = _catalog(lang if lang in LANGUAGES else DEFAULT).gettext(msgid)
    return text.format(**values) if values else text


def _locale(lang: str | None) -> str:
    return f"{lang if lang in LANGUAGES else DEFAULT}_IN"


def format_credits(credits: int, lang: str | None = None) -> str:
    """12500 -> '12,500' (Indian grouping: 1,23,456)."""
    return format_decimal(credits, locale=_locale(lang), numbering_system="latn")


def format_rupees(paise: int, lang: str | None = None) -> str:
    """12345600 -> '₹1,23,456'; paise shown only when there are any."""
    rupees = paise / 100
    pattern = "¤#,##,##0" if paise % 100 == 0 else "¤#,##,##0.00"
    return format_currency(rupees, "INR", format=pattern, locale=_locale(lang),
                           currency_digits=False, numbering_system="latn")
