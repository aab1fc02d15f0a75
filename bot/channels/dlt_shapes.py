"""The DLT shape of a flow's SMS: which words of each line are a catalog message's fixed
wording and which are values, read back from the text (flows never say it themselves).

A line is one of: a catalog message in the partner's language (or English, before LANG) with
its placeholders' values; a numbered option "3. label" whose label is such a message or
program content (a quiz answer, a program's or a reward's name); or program content on a line
of its own (a lesson's text, a program's name over its history), which is registered as it
is, per program. Each value becomes a run of adjacent {#var#} (DLT allows 30 characters a
variable): one, or as many as `SIZES` gives its placeholder; an option label from program
content one (quiz answers are shuffled, so never fixed).
The shape serves twice:

- `plan`: the text with every value at its longest (`longest`); SMS pages are cut on it
  (bot/channels/sms.py `pages`), so the same shape is always cut in the same places whatever
  the values, and every page is a registered template (bot/channels/dlt_flows.yaml);
- `recipe`: how scripts/dlt_templates.py writes those templates, every plural form included.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache

from babel.messages.pofile import read_po

from bot.channels import dlt, sms
from bot.channels.sms import gsm_safe
from bot.i18n import LANGUAGES, LOCALES_DIR, Message, Plural, translate, wordings

VAR, VAR_CHARS = dlt.VAR, dlt.VAR_CHARS
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
_OPTION = re.compile(r"(\d{1,2}\. )(.+)")
MIN_FIXED = 3  # a wording with less fixed text than this ("{a}: {b}") says nothing
_LINK = re.compile(r"https?://\S+")
# How many variables carry each placeholder's value: one (30 characters), or more for the
# ones that hold program content or a sentence (a consent notice, an invoice's summary).
SIZES = {"notice": 3, "summary": 3, "why": 3, "label": 2, "question": 2, "title": 2,
         "link": 2}
# The longest a value of these placeholders is, as we write them (a count in Indian grouping,
# money, a date, a code): a line is read with it (a count never swallows words) and pages are
# planned with it, not with the 30 characters DLT allows a variable (a Hindi SMS holds 134
# characters: a track list planned at 30 a count would page one track an SMS). A longer
# value is cut on the text itself (bot/channels/sms.py).
_COUNT, _MONEY, _STAMP = 8, 16, 20
PLANNED = {
    **dict.fromkeys(("n", "done", "total", "part", "parts", "score", "rank", "count",
                     "percent", "step", "added", "skipped", "limit", "most", "photo_days",
                     "message_days", "low", "high"), _COUNT),
    **dict.fromkeys(("balance", "credits", "rupees", "amount", "bonus"), _MONEY),
    **dict.fromkeys(("date", "when", "time", "id", "public_id", "ref", "ticket", "code",
                     "number", "version"), _STAMP),
    "url": 300,  # a link of ours: {#url#}, planned at its own length
}
# A wording with almost no fixed text ("{date}ত {credits}" in Assamese, "{date}న {credits}" in
# Telugu) still reads a line, but only where its values are figures: otherwise its line would
# be registered as it is, with this partner's date and amount in it.
NUMERIC = {name for name, size in PLANNED.items() if size in (_COUNT, _MONEY)} | {"date"}
_FIGURE = r"[\d.,:/\-]"


def longest(name: str) -> int:
    """The most characters a value of the placeholder `name` has."""
    return PLANNED.get(name, VAR_CHARS * SIZES.get(name, 1))


@dataclass(frozen=True)
class _Wording:
    """One wording (one plural form) of a catalog message, ready to read a line with."""

    message: Message
    parts: tuple[str, ...]  # fixed text and placeholder names, in turn ("Q", "n", "/", …)
    pattern: re.Pattern
    fixed: int


@cache
def _messages() -> tuple[Message, ...]:
    with (LOCALES_DIR / "messages.pot").open("rb") as pot:
        return tuple(Plural(*m.id) if isinstance(m.id, tuple) else m.id
                     for m in read_po(pot) if m.id)


@cache
def _index(lang: str) -> tuple[dict[str, Message], dict[str, list[_Wording]], list[_Wording]]:
    """`lang`'s wordings: fixed ones by their text; the others by their prefix's first two
    characters, or in a list of those that open with a placeholder."""
    exact: dict[str, Message] = {}
    by_start: dict[str, list[_Wording]] = {}
    open_: list[_Wording] = []
    for message in _messages():
        for form in wordings(lang, message):
            form = gsm_safe(form) if lang == "en" else form
            parts = _PLACEHOLDER.split(form)
            if len(parts) == 1:
                exact.setdefault(form, message)
                continue
            fixed = sum(len(p) for p in parts[::2])
            figures = fixed < MIN_FIXED  # "{date}ত {credits}": read only if its values are figures
            if figures and not all(p in NUMERIC for p in parts[1::2]):
                continue
            value = _FIGURE if figures else "."
            pattern = re.compile("".join(re.escape(p) if i % 2 == 0 else
                                         f"({value}{{1,{longest(p)}}}?)"
                                         for i, p in enumerate(parts)))
            wording = _Wording(message, tuple(parts), pattern, fixed)
            (by_start.setdefault(parts[0][:2], []) if len(parts[0]) >= 2 else open_
             ).append(wording)
    for found in [*by_start.values(), open_]:
        found.sort(key=lambda w: -w.fixed)
    return exact, by_start, open_


def _read(line: str, lang: str) -> tuple[_Wording | None, Message, dict[str, str]] | None:
    """The message `line` says, its wording and values: the reading with most fixed text,
    counting the fixed text of values that are messages themselves ("Next tier {tier}:
    {distance}" with "37 more credits" as its distance, not "{reward}: {n} credits" with
    "Next tier Master: 37 more" as a reward and a count): whatever the values, one line
    is always read the same way, so its pages are always cut alike."""
    exact, by_start, open_ = _index(lang)
    if line in exact:
        return None, exact[line], {}
    best: tuple[int, _Wording, dict[str, str]] | None = None
    for wording in [*by_start.get(line[:2], ()), *open_]:
        if line.startswith(wording.parts[0]) and (found := wording.pattern.fullmatch(line)):
            values = dict(zip(wording.parts[1::2], found.groups(), strict=True))
            score = wording.fixed + sum(_fixed_in(value, lang) for name, value in
                                        values.items() if name not in NUMERIC)
            if best is None or score > best[0]:
                best = score, wording, values
    return None if best is None else (best[1], best[1].message, best[2])


def _fixed_in(value: str, lang: str) -> int:
    """The fixed characters of the message `value` says, if it says one (else 0)."""
    exact, by_start, open_ = _index(lang)
    if value in exact:
        return len(value)
    return max((wording.fixed for wording in [*by_start.get(value[:2], ()), *open_]
                if value.startswith(wording.parts[0]) and wording.pattern.fullmatch(value)),
               default=0)


# A line's recipe: ("text", line) fixed as it is; ("url", head, length) a link of ours;
# ("var", head, n) a head ("3. ") and n variables; ("msg", head, message, {placeholder: n
# variables}, language it is in: a partner's own, or English before they chose one, plural
# form seen).
Recipe = tuple
Value = Callable[[str, int], str]  # (placeholder, its variables) -> what stands for it


_LANGUAGE_NAMES = {name for names in LANGUAGES.values() for name in names}


def _line(line: str, langs: tuple[str, ...]) -> Recipe:
    option = _OPTION.fullmatch(line)
    head, said = (option[1], option[2]) if option else ("", line)
    if _LINK.fullmatch(said):
        return "url", head, len(said)  # our own link: its length does not vary
    if not said.strip() or said in _LANGUAGE_NAMES:  # a language's name is ours, fixed
        return "text", line
    for lang in langs:
        if (found := _read(said, lang)) is not None:
            wording, message, values = found
            form = _forms(message, lang).index(_text(wording)) if wording else 0
            return "msg", head, message, {name: len(v) if name == "url" else
                                          SIZES.get(name, 1) for name, v in values.items()}, \
                lang, form
    return ("var", head, 1) if option else ("text", line)  # a label: one variable


def _text(wording: _Wording) -> str:
    return "".join(p if i % 2 == 0 else "{" + p + "}" for i, p in enumerate(wording.parts))


def _forms(message: Message, lang: str) -> list[str]:
    return [gsm_safe(f) if lang == "en" else f for f in wordings(lang, message)]


def recipe(text: str, lang: str) -> tuple[Recipe, ...]:
    """How each line of `text` (an SMS in `lang`) is made."""
    langs = (lang, "en") if lang != "en" else ("en",)
    return tuple(_line(line, langs) for line in text.split("\n"))


def _render(recipes: tuple[Recipe, ...], value: Value, form: int | None = None) -> str:
    """The text of `recipes` with `value` for each value, in the plural form `form` (None:
    the one seen)."""
    lines = []
    for line in recipes:
        kind, head = line[0], line[1]
        if kind == "text":
            lines.append(head)
        elif kind in ("url", "var"):
            lines.append(head + value(kind, line[2]))
        else:
            forms = _forms(line[2], line[4])
            wording = forms[line[5] if form is None else min(form, len(forms) - 1)]
            lines.append(head + _PLACEHOLDER.sub(lambda m, s=line[3]: value(m[1], s[m[1]]),
                                                 wording))
    return "\n".join(lines)


def _shaped(name: str, size: int) -> str:
    return dlt.URL if name == "url" else VAR * size


def _planner(filler: str) -> Value:
    def planned(name: str, size: int) -> str:
        return filler * (size if name == "url" else VAR_CHARS * size if name == "var"
                         else longest(name))
    return planned


def shape(text: str, lang: str) -> str:
    """`text` as a DLT template: each value a run of {#var#}."""
    return _render(recipe(text, lang), _shaped)


def plan(text: str, lang: str) -> str:
    """`text` with each value at its longest (`longest`): what its pages are cut on."""
    return _render(recipe(text, lang), _planner(sms.FILL[sms.encoding(text)]))


def key(recipes: tuple[Recipe, ...]) -> str:
    """A name for the answer's shape, the same in every language: its messages in order."""
    kinds = [r[2] if r[0] == "msg" else r[0] if r[0] != "text" or r[1].strip() else ""
             for r in recipes]
    kinds = [k.singular if isinstance(k, Plural) else k for k in kinds]
    digest = hashlib.sha1(json.dumps(kinds, ensure_ascii=False).encode()).hexdigest()
    return f"flow_{digest[:10]}"


def templates(answers: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """The flow templates that flows' `answers` (texts before paging, each with its
    language) need, by name: each answer's shape, whole when it can fit one SMS, and the
    pages it is cut into on its plan (`{name}_{page}`), in each plural form of its messages
    (an answer seen with "2 tries left" is registered with "1 try left" too); an answer
    with a value too long for a page (a consent notice in Tamil), as the walk cut it. An answer a
    template of bot/channels/dlt.yaml matches needs none, nor a page that is one of its
    texts; a text two answers share goes under the first name."""
    named: dict[str, str] = {}  # text -> name
    for answer, lang in answers:
        if _registered(answer):
            continue
        recipes = recipe(answer, lang)
        name, hint = key(recipes), translate(lang, sms.MORE_HINT)
        forms = max([len(_forms(r[2], r[4])) for r in recipes if r[0] == "msg"] + [1])
        for form in range(forms):
            whole = _render(recipes, _shaped, form)
            made = sms.planned(whole, _render(recipes, _planner(sms.FILL[sms.encoding(
                answer)]), form), hint)
            if made is None:  # a value too long to plan: the pages cut on the text itself
                made = [shape(page, lang) for page in sms.pages(answer, hint)]
            found = {name: whole} if sms.fits(whole.replace(VAR, "x")) else {}
            found |= {f"{name}_{n}": page for n, page in enumerate(made, 1) if len(made) > 1}
            for page_name, text in found.items():
                if text in _main_texts():
                    continue
                if text not in named or page_name < named[text]:
                    named[text] = page_name
    by_name: dict[str, list[str]] = {}
    for text, page_name in named.items():
        by_name.setdefault(page_name, []).append(text)
    return {n: sorted(texts) for n, texts in sorted(by_name.items())}


@cache
def _main_texts() -> frozenset[str]:
    return frozenset(text for t in dlt.registry((dlt.REGISTRY,)).templates
                     for texts in t.texts.values() for text in texts)


def _registered(text: str) -> bool:
    try:
        dlt.match(text, (dlt.REGISTRY,))
    except dlt.DltRefused:
        return False
    return True
