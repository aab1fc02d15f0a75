"""List or fill translations of one language's catalog, keeping the .po file's format.

    scripts/po_tool.py languages                   # the catalog languages (all but English)
    scripts/po_tool.py missing hi > todo.json      # {msgid: ""} (plurals: {msgid: ["", ""]})
    scripts/po_tool.py fill hi done.json           # write {msgid: translation or [forms]}
    scripts/po_tool.py plural-forms                # set each catalog's Plural-Forms from CLDR
    scripts/po_tool.py check                       # report missing entries and bad placeholders
"""

from __future__ import annotations

import json
import re
import string
import sys
from pathlib import Path

from babel import Locale
from babel.messages.pofile import read_po, write_po
from babel.plural import to_gettext

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bot.i18n import DEFAULT, LANGUAGES  # noqa: E402

LOCALES = ROOT / "locales"
LANGS = tuple(lang for lang in LANGUAGES if lang != DEFAULT)


def _path(lang: str) -> Path:
    return LOCALES / lang / "LC_MESSAGES" / "messages.po"


def _load(lang: str):
    with _path(lang).open("rb") as handle:
        return read_po(handle, locale=lang)


def placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


def _key(message) -> str:
    return message.id[0] if message.pluralizable else message.id


def _forms(message) -> list[str]:
    return list(message.string) if message.pluralizable else [message.string]


def missing(lang: str) -> dict[str, object]:
    catalog = _load(lang)
    return {_key(m): ([""] * catalog.num_plurals if m.pluralizable else "")
            for m in catalog if m.id and not all(_forms(m))}


def fill(lang: str, translations: dict[str, object]) -> int:
    catalog = _load(lang)
    count = 0
    for message in catalog:
        text = translations.get(_key(message)) if message.id else None
        if not text:
            continue
        forms = text if isinstance(text, list) else [text]
        wanted = placeholders(message.id[-1] if message.pluralizable else message.id)
        if any(placeholders(form) != wanted for form in forms):
            raise SystemExit(f"{lang}: placeholders differ for {_key(message)!r}")
        message.string = tuple(forms) if message.pluralizable else forms[0]
        message.flags.discard("fuzzy")
        count += 1
    with _path(lang).open("wb") as handle:
        write_po(handle, catalog, width=100, omit_header=False)
    return count


def plural_forms(lang: str) -> str:
    """The gettext Plural-Forms of `lang`'s CLDR rule, in the usual short spelling."""
    rule = Locale.parse(lang).plural_form
    if rule.tags == {"one"}:
        ones = [n for n in range(0, 200) if rule(n) == "one"]
        if ones == [1]:
            return "nplurals=2; plural=(n != 1);"
        if ones == [0, 1]:
            return "nplurals=2; plural=(n > 1);"
    return to_gettext(rule)


def set_plural_forms(lang: str) -> None:
    path = _path(lang)
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r'"Plural-Forms: [^"\\]*\\n"',
                           f'"Plural-Forms: {plural_forms(lang)}\\\\n"', text, count=1),
                    encoding="utf-8")


def problems() -> list[str]:
    found = []
    for lang in LANGS:
        for message in _load(lang):
            if not message.id:
                continue
            wanted = placeholders(message.id[-1] if message.pluralizable else message.id)
            forms = _forms(message)
            if not all(forms):
                found.append(f"{lang}: untranslated: {_key(message)!r}")
            elif any(placeholders(form) != wanted for form in forms):
                found.append(f"{lang}: placeholders differ: {_key(message)!r}")
            elif any(re.search(r"\{[^}]*$", form) for form in forms):
                found.append(f"{lang}: broken brace: {_key(message)!r}")
    return found


if __name__ == "__main__":
    verb = sys.argv[1]
    if verb == "languages":
        print(" ".join(LANGS))
    elif verb == "missing":
        json.dump(missing(sys.argv[2]), sys.stdout, ensure_ascii=False, indent=1)
    elif verb == "fill":
        data = json.loads(Path(sys.argv[3]).read_text(encoding="utf-8"))
        print(f"{fill(sys.argv[2], data)} entries written")
    elif verb == "plural-forms":
        for code in LANGS:
            set_plural_forms(code)
    elif verb == "check":
        issues = problems()
        print("\n".join(issues) or "all catalogs complete")
        sys.exit(1 if issues else 0)
