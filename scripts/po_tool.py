"""List or fill translations of one language's catalog, keeping the .po file's format.

    scripts/po_tool.py missing hi > todo.json      # {msgid: ""} for every untranslated entry
    scripts/po_tool.py fill hi done.json           # write {msgid: translation} into hi's .po
    scripts/po_tool.py check                       # report missing entries and bad placeholders
"""

from __future__ import annotations

import json
import re
import string
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

LOCALES = Path(__file__).resolve().parent.parent / "locales"
LANGS = ("hi", "mr", "gu", "ta", "te", "kn", "bn")


def _path(lang: str) -> Path:
    return LOCALES / lang / "LC_MESSAGES" / "messages.po"


def _load(lang: str):
    with _path(lang).open("rb") as handle:
        return read_po(handle, locale=lang)


def placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


def missing(lang: str) -> dict[str, str]:
    return {m.id: "" for m in _load(lang) if m.id and not m.string}


def fill(lang: str, translations: dict[str, str]) -> int:
    catalog = _load(lang)
    count = 0
    for message in catalog:
        text = translations.get(message.id) if message.id else None
        if text:
            if placeholders(text) != placeholders(message.id):
                raise SystemExit(f"{lang}: placeholders differ for {message.id!r}")
            message.string = text
            message.flags.discard("fuzzy")
            count += 1
    with _path(lang).open("wb") as handle:
        write_po(handle, catalog, width=100, omit_header=False)
    return count


def problems() -> list[str]:
    found = []
    for lang in LANGS:
        for message in _load(lang):
            if not message.id:
                continue
            if not message.string:
                found.append(f"{lang}: untranslated: {message.id!r}")
            elif placeholders(message.string) != placeholders(message.id):
                found.append(f"{lang}: placeholders differ: {message.id!r}")
            elif re.search(r"\{[^}]*$", message.string):
                found.append(f"{lang}: broken brace: {message.id!r}")
    return found


if __name__ == "__main__":
    verb = sys.argv[1]
    if verb == "missing":
        json.dump(missing(sys.argv[2]), sys.stdout, ensure_ascii=False, indent=1)
    elif verb == "fill":
        data = json.loads(Path(sys.argv[3]).read_text(encoding="utf-8"))
        print(f"{fill(sys.argv[2], data)} entries written")
    elif verb == "check":
        issues = problems()
        print("\n".join(issues) or "all catalogs complete")
        sys.exit(1 if issues else 0)
