"""Find text a partner should not read in their language: English words, or another script.

An English leak is a Latin-script word (3+ letters, not ALL CAPS, no capital inside like MPa)
that is in the English vocabulary: the words of every English msgid, of every English text in
the program files, and the English month and weekday names. What is deliberately Latin passes:
keywords and codes in capitals (MENU, JOIN, CEMPRO, GSTIN), anything with a digit
(27AAACS1234P1Z7, SV-ABCD-2345, v2), UPI ids and links, and proper names (people, shops,
programs, brands, distributors) given by the caller.

A script leak is a letter of an Indian script other than the language's own (a Hindi label in
a Tamil chat); an English conversation may contain only Latin letters.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from babel import Locale
from babel.messages.pofile import read_po

from bot.i18n import DEFAULT, LANGUAGES, LOCALES_DIR
from bot.scripts import LATIN, language_script, script_of
from models import yamltext
from models.programs.schema import read_file

ROOT = Path(__file__).resolve().parents[2]
SERVICE = "Saathi"  # the service's own name, in every language
PROGRAMS = ROOT / "programs"
_WORD = re.compile(r"[A-Za-z]+(?:'[a-z]+)?")
_LATIN_RUN = re.compile(r"[A-Za-z][A-Za-z' ,.:;()/-]*[A-Za-z.]|[A-Za-z]")
_ALLOWED = re.compile(r"\S+@\S+|https?://\S+|/media/\S+|\S*\d\S*")


def _english_texts(document: object) -> list[str]:
    """Every English text in a program document (labels and plain English fields)."""
    if isinstance(document, dict):
        found = [document["en"]] if isinstance(document.get("en"), str) else []
        return found + [t for v in document.values() for t in _english_texts(v)]
    if isinstance(document, list):
        return [t for v in document for t in _english_texts(v)]
    return []


@cache
def vocabulary() -> frozenset[str]:
    """Lower-case English words a translated message must not contain."""
    with (LOCALES_DIR / "messages.pot").open("rb") as handle:
        msgids = [t for m in read_po(handle) if m.id
                  for t in (m.id if isinstance(m.id, tuple) else (m.id,))]
    texts = [re.sub(r"\{[^}]*\}", " ", t) for t in msgids]
    for path in sorted(PROGRAMS.glob("*.yaml")):
        texts += _english_texts(read_file(path).model_dump(mode="json"))
    english = Locale.parse("en")
    for width in ("wide", "abbreviated"):
        texts += list(english.months["format"][width].values())
        texts += list(english.days["format"][width].values())
    return frozenset(w.lower() for t in texts for w in _WORD.findall(t) if len(w) >= 3)


@cache
def program_names() -> tuple[str, ...]:
    """Names a partner may read as they are: the languages (in the language menu), and the
    demo programs' programs, brands, manufacturers and distributors."""
    names = {SERVICE, *(name for both in LANGUAGES.values() for name in both)}
    for path in sorted(PROGRAMS.glob("*.yaml")):
        doc = yamltext.load_shared(path.read_text(encoding="utf-8"))
        names |= {doc["name"], doc["brand"], doc["sponsor"]["manufacturer"]}
        names |= {d["name"] for d in doc.get("distributors", [])}
    return tuple(sorted(names, key=len, reverse=True))


def _english_word(word: str, words: frozenset[str]) -> bool:
    if len(word) < 3 or word.isupper() or any(c.isupper() for c in word[1:]):
        return False
    return word.lower() in words


def _without_names(text: str, names: tuple[str, ...]) -> str:
    for name in sorted({*names, *program_names()}, key=len, reverse=True):
        text = text.replace(name, " ")
    return text


def english_in(text: str, names: tuple[str, ...] = ()) -> list[str]:
    """The runs of Latin words in `text` that hold an English word (names removed first)."""
    text = _ALLOWED.sub(" ", _without_names(text, names))
    words = vocabulary()
    return [run.strip() for run in _LATIN_RUN.findall(text)
            if any(_english_word(w, words) for w in _WORD.findall(run))]


# A character's script looked up once per run (a walk checks some 300,000 characters).
_script_of = cache(script_of)


def foreign_script_in(text: str, lang: str) -> list[str]:
    """Letters of a script that is neither the language's own nor Latin."""
    own = language_script(lang)
    allowed = {LATIN} if own == LATIN else {LATIN, own}
    return sorted({ch for ch in text if (s := _script_of(ch)) is not None and s not in allowed})


def leaks(text: str, lang: str, names: tuple[str, ...] = ()) -> list[str]:
    """What in `text` a partner reading `lang` should not see; empty when all is well."""
    foreign = foreign_script_in(_without_names(text, names), lang)
    found = [f"script: {''.join(foreign)}"] if foreign else []
    if lang != DEFAULT:
        found += [f"English: {run!r}" for run in english_in(text, names)]
    return found
