"""Per-language texts written in program files (catalog labels, tier and currency names, track
names, module texts): one text per language code, English ("en") required; a plain string in
the YAML is English.

A partner whose language has no text of its own reads the English one: `missing()` lists every
such gap so the admin's check (`flask programs check`) shows them before a partner meets them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

from pydantic import BeforeValidator

ENGLISH = "en"


def _from_yaml(value: Any) -> Any:
    label = {ENGLISH: value} if isinstance(value, str) else value
    if isinstance(label, dict) and not str(label.get(ENGLISH, "")).strip():
        raise ValueError("every text needs an English ('en') version")
    return label


Label = Annotated[dict[str, str], BeforeValidator(_from_yaml)]


def local(label: dict[str, str], lang: str | None) -> str:
    """Return `label` in `lang`, falling back to English."""
    return label.get(lang or ENGLISH) or label[ENGLISH]


def _is_label(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get(ENGLISH), str) and \
        all(isinstance(text, str) for text in value.values())


def _name(item: Any, index: int) -> str:
    if isinstance(item, dict):
        for field in ("key", "id", "code", "name"):
            if isinstance(item.get(field), str):
                return item[field]
    return str(index)


def label_paths(document: Any, path: str = "") -> Iterator[tuple[str, dict[str, str]]]:
    """Every label in a program document (its JSON form) with its path:
    ("catalog.items[upi].label", {"en": ..., "hi": ...}), ..."""
    if _is_label(document):
        yield path, document
    elif isinstance(document, dict):
        for key, value in document.items():
            yield from label_paths(value, f"{path}.{key}" if path else str(key))
    elif isinstance(document, list):
        for index, item in enumerate(document):
            yield from label_paths(item, f"{path}[{_name(item, index)}]")


def missing(document: Any, languages: list[str]) -> dict[str, list[str]]:
    """Every label in a program document (its JSON form) that lacks one of `languages`:
    {"catalog.items[upi].label": ["ta", "te"], ...}."""
    found: dict[str, list[str]] = {}
    for path, label in label_paths(document):
        gaps = [lang for lang in languages if not label.get(lang, "").strip()]
        if gaps:
            found[path] = gaps
    return found
