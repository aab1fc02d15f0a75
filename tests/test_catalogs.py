"""The gettext catalogs are complete: every message in the code is in locales/messages.pot,
translated (and compiled) in every shipped language, with the same {placeholders}.

These fail until `scripts/catalogs.sh` has been run and a translator has filled every .po.
"""

from __future__ import annotations

from pathlib import Path
from string import Formatter

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir, extract_from_file
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from bot.i18n import DEFAULT, LANGUAGES

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "locales"
# The same keywords scripts/catalogs.sh gives pybabel.
KEYWORDS = {**DEFAULT_KEYWORDS, "_": None, "N_": None, "NP_": (1, 2), "say": None,
            "retry": (2,), "translate": (2,)}
SOURCES = ["bot", "flows", "models", "workers"]
SHIPPED_LANGUAGES = [lang for lang in LANGUAGES if lang != DEFAULT]


def _msgid(message) -> str:
    return message.id if isinstance(message.id, str) else message.id[0]


def _template() -> set[str]:
    with (LOCALES / "messages.pot").open("rb") as handle:
        return {_msgid(m) for m in read_po(handle) if m.id}


def _in_code() -> set[str]:
    found = set()
    for folder in SOURCES:
        for _file, _line, message, _comments, _context in extract_from_dir(
                ROOT / folder, method_map=[("**.py", "python")], keywords=KEYWORDS):
            found.add(message if isinstance(message, str) else message[0])
    for _line, message, _comments, _context in extract_from_file(
            "python", ROOT / "app.py", keywords=KEYWORDS):
        found.add(message if isinstance(message, str) else message[0])
    return found


def _forms(message) -> list[str]:
    """Every form of a translation (one, or one per plural form)."""
    return list(message.string) if isinstance(message.string, tuple | list) else [message.string]


def _placeholders(text: str) -> set[str]:
    return {field for _literal, field, _spec, _conv in Formatter().parse(text) if field is not None}


@pytest.fixture(scope="module")
def template() -> set[str]:
    return _template()


def test_every_message_in_the_code_is_in_the_template(template):
    missing = sorted(_in_code() - template)
    assert not missing, f"run scripts/catalogs.sh; not in messages.pot: {missing[:20]}"


@pytest.mark.parametrize("lang", SHIPPED_LANGUAGES)
def test_every_message_is_translated_and_compiled(lang, template):
    folder = LOCALES / lang / "LC_MESSAGES"
    with (folder / "messages.po").open("rb") as handle:
        po = {_msgid(m): m for m in read_po(handle) if m.id}
    with (folder / "messages.mo").open("rb") as handle:
        mo = {_msgid(m): _forms(m) for m in read_mo(handle) if m.id}
    untranslated = sorted(i for i in template
                          if i not in po or not all(_forms(po[i])) or po[i].fuzzy)
    assert not untranslated, f"{lang}: {len(untranslated)} untranslated, e.g. {untranslated[:10]}"
    stale = sorted(i for i in template if mo.get(i) != _forms(po[i]))
    assert not stale, f"{lang}: messages.mo is out of date (pybabel compile): {stale[:10]}"


@pytest.mark.parametrize("lang", SHIPPED_LANGUAGES)
def test_translations_keep_every_placeholder(lang, template):
    with (LOCALES / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle)
    broken = [(m.id, m.string) for m in catalog if m.id and all(_forms(m))
              and any(_placeholders(form) != _placeholders(m.id[-1] if m.pluralizable else m.id)
                      for form in _forms(m))]
    assert not broken, f"{lang}: placeholders dropped or changed: {broken[:5]}"
