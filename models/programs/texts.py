"""How complete a program's texts are in each language it offers: missing, stale and
placeholder-mismatched translations.

A translation is *stale* when the English text it translates has changed since it was
written. Each program file has a small record of sources beside it
(`programs/sources/<file stem>.yaml`, written by `flask programs stamp`): for each text and
language, a hash of the English text and of the translation at the time they were stamped.
A translation whose English hash differs from today's English while the translation itself
is unchanged was made from an older source; a translation edited since is taken as new
(stamping again records it).
"""

from __future__ import annotations

import hashlib
import string
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from models import yamltext
from models.programs.labels import ENGLISH, label_paths

Stamps = dict[str, dict[str, str]]  # text path -> language -> "<english hash>:<translation hash>"


def digest(text: str) -> str:
    """A short hash of a text, enough to tell versions of one text apart."""
    return hashlib.sha1(" ".join(text.split()).encode("utf-8")).hexdigest()[:10]


def placeholders(text: str) -> set[str]:
    try:
        return {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}
    except ValueError:  # a lone brace: not a template
        return {"<broken brace>"}


@dataclass
class LanguageReport:
    """What a language lacks: text paths missing, stale, or with other {placeholders}."""

    missing: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    placeholders: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.missing and not self.placeholders

    def lines(self) -> Iterator[str]:
        for kind, paths in (("missing", self.missing), ("stale", self.stale),
                            ("placeholders differ", self.placeholders)):
            for path in paths:
                yield f"{kind}: {path}"


def report(document: Any, languages: list[str], stamps: Stamps) -> dict[str, LanguageReport]:
    """Per language (English left out), what its texts lack against the English ones."""
    found = {lang: LanguageReport() for lang in languages if lang != ENGLISH}
    for path, label in label_paths(document):
        source = label[ENGLISH]
        for lang, gaps in found.items():
            text = label.get(lang, "")
            if not text.strip():
                gaps.missing.append(path)
                continue
            if placeholders(text) != placeholders(source):
                gaps.placeholders.append(path)
            stamp = stamps.get(path, {}).get(lang)
            if stamp and stamp != f"{digest(source)}:{digest(text)}" \
                    and stamp.endswith(f":{digest(text)}"):
                gaps.stale.append(path)
    return found


def incomplete(document: Any, languages: list[str]) -> list[str]:
    """What keeps a program from completing the languages it offers: "pa: missing: <path>",
    "ta: placeholders differ: <path>" (stale texts are reported by the check, not here)."""
    return [f"{lang}: {line}" for lang, gaps in report(document, languages, {}).items()
            for line in gaps.lines()]


def stamp(document: Any, stamps: Stamps, languages: list[str], force: bool = False) -> Stamps:
    """Record each present translation in `languages` as made from today's English, except
    those already stamped and stale (still unchanged since an older English): they stay
    stale until a translator rewrites them, or `force` says they are still right."""
    fresh: Stamps = {path: dict(by_lang) for path, by_lang in stamps.items()}
    for path, label in label_paths(document):
        for lang in languages:
            text = label.get(lang, "")
            if lang == ENGLISH or not text.strip():
                continue
            old = stamps.get(path, {}).get(lang)
            if old and old.endswith(f":{digest(text)}") and not force:
                continue  # unchanged translation: keeps the source it was made from
            fresh.setdefault(path, {})[lang] = f"{digest(label[ENGLISH])}:{digest(text)}"
    return fresh


def stamps_path(program_file: str | Path) -> Path:
    path = Path(program_file)
    return path.parent / "sources" / f"{path.stem}.yaml"


def read_stamps(program_file: str | Path) -> Stamps:
    path = stamps_path(program_file)
    if not path.exists():
        return {}
    return yamltext.load(path.read_text(encoding="utf-8")) or {}


def write_stamps(program_file: str | Path, stamps: Stamps) -> Path:
    path = stamps_path(program_file)
    path.parent.mkdir(exist_ok=True)
    header = ("# Which English text each translation was made from (flask programs stamp);\n"
              "# flask programs check reports a translation as stale when its English changed.\n")
    path.write_text(header + yaml.safe_dump(stamps, allow_unicode=True, sort_keys=True,
                                            width=100), encoding="utf-8")
    return path
