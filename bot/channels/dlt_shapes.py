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
- `recipe`: how scripts/dlt_templates.py writes those templates, every plural form included,
  each list (options, a history's entries) at every count it can have (`counts`: a partner
  who can afford two rewards is sent the shape of two options, whatever the walk's partner
  could afford), and an answer in GSM-7 cut in UCS-2 too (a value in Devanagari makes an
  English answer UCS-2, its pages shorter).

A value longer than its variables allow (a program's 120-character name) is shortened on SMS
(`shortened`, `option_label`; a notice's text, written before its channel is known: `fitted`),
never refused.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

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
# ones that hold program content or a sentence (a consent notice, an invoice's summary), and
# for a name of `dlt.FIELDS`, as many as its longest value needs (`dlt.variables`).
SIZES = {"notice": 3, "summary": 3, "why": 3, "label": 2, "question": 2, "title": 2,
         "link": 2, **{name: dlt.variables(name) for name in dlt.FIELDS}}
# A list's lines (numbered options, a history's entries) come in any number up to this: the
# rows an SMS offers (bot/messages.py list_rows), more than a quiz's options, a history's lines
# (flows/wallet.py) or a partner's programs. Each count of a list seen in the walk is
# registered (`counts`); a list whose lines differ (a cash reward, then vouchers) in every
# count of the lines it showed, in their order (a partner sees some of a catalog's items).
REPEATS = 10
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


def shortened(values: dict[str, object]) -> dict[str, object]:
    """`values` as an SMS carries them: a name of `dlt.FIELDS` longer than its variables (a
    program's 120-character name) cut to them, "..." at its end."""
    return {name: shorten(value, longest(name)) if name in dlt.FIELDS and isinstance(value, str)
            else value for name, value in values.items()}


def fitted(text: str, lang: str) -> str:
    """`text` as an SMS carries it when it was written before its channel was known (a
    notice): on each line that says a catalog message, a value too long for its variables
    shortened (`shortened`, as a flow's answer is when it is written)."""
    return "\n".join(_fitted(line, lang) for line in text.split("\n"))


def _fitted(line: str, lang: str) -> str:
    option = _OPTION.fullmatch(line)
    head, said = (option[1], option[2]) if option else ("", line)
    found = _read(said, lang, wide=True) if len(said) > VAR_CHARS else None  # shorter: fits
    if found is None or found[0] is None:
        return line
    wording, _, values = found
    short = shortened(values)
    if short == values:
        return line
    return head + "".join(p if i % 2 == 0 else str(short[p]) for i, p in enumerate(wording.parts))


def shorten(value: str, most: int) -> str:
    """`value` in at most `most` characters: cut, "..." at its end (GSM-7: an English SMS
    writes "…" so)."""
    return value if len(value) <= most else value[:most - 3].rstrip() + "..."


def option_label(label: str, lang: str) -> str:
    """An option's `label` as an SMS carries it: program content (a program's name, not a
    catalog message) in one variable, shortened (`shorten`) if longer."""
    langs = (lang, "en") if lang != "en" else ("en",)
    line = _line(f"1. {gsm_safe(label, english=lang == 'en')}", langs)  # as it is sent
    return shorten(label, VAR_CHARS * line[2]) if line[0] == "var" else label


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
def _index(lang: str, wide: bool = False
           ) -> tuple[dict[str, Message], dict[str, list[_Wording]], list[_Wording]]:
    """`lang`'s wordings: fixed ones by their text; the others by their prefix's first two
    characters, or in a list of those that open with a placeholder. `wide`: a name of
    `dlt.FIELDS` read at its longest as written, not as an SMS carries it (`fitted`)."""
    most = (lambda name: max(longest(name), dlt.FIELDS.get(name, 0))) if wide else longest
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
                                         f"({value}{{1,{most(p)}}}?)"
                                         for i, p in enumerate(parts)))
            wording = _Wording(message, tuple(parts), pattern, fixed)
            (by_start.setdefault(parts[0][:2], []) if len(parts[0]) >= 2 else open_
             ).append(wording)
    for found in [*by_start.values(), open_]:
        found.sort(key=lambda w: -w.fixed)
    return exact, by_start, open_


def _read(line: str, lang: str, wide: bool = False
          ) -> tuple[_Wording | None, Message, dict[str, str]] | None:
    """The message `line` says, its wording and values: the reading with most fixed text,
    counting the fixed text of values that are messages themselves ("Next tier {tier}:
    {distance}" with "37 more credits" as its distance, not "{reward}: {n} credits" with
    "Next tier Master: 37 more" as a reward and a count): whatever the values, one line
    is always read the same way, so its pages are always cut alike."""
    exact, _, _ = _index(lang, wide)
    if line in exact:
        return None, exact[line], {}
    best: tuple[int, _Wording, dict[str, str]] | None = None
    for wording, values in _readings(line, lang, wide):
        score = wording.fixed + sum(_fixed_in(value, lang) for name, value in
                                    values.items() if name not in NUMERIC)
        if best is None or score > best[0]:
            best = score, wording, values
    return None if best is None else (best[1], best[1].message, best[2])


def _readings(line: str, lang: str, wide: bool = False
              ) -> Iterator[tuple[_Wording, dict[str, str]]]:
    """Each wording with placeholders `line` can be read as, with its values."""
    _, by_start, open_ = _index(lang, wide)
    for wording in [*by_start.get(line[:2], ()), *open_]:
        if line.startswith(wording.parts[0]) and (found := wording.pattern.fullmatch(line)):
            yield wording, dict(zip(wording.parts[1::2], found.groups(), strict=True))


def _fixed_in(value: str, lang: str) -> int:
    """The fixed characters of the message `value` says, if it says one (else 0)."""
    if value in _index(lang)[0]:
        return len(value)
    return max((wording.fixed for wording, _ in _readings(value, lang)), default=0)


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
            return "msg", head, message, {name: len(v) if name == "url" else 1
                                          if name in dlt.FIELDS and len(v) <= VAR_CHARS else
                                          SIZES.get(name, 1) for name, v in values.items()}, \
                lang, form
    return ("var", head, 1) if option else ("text", line)  # a label: one variable


def _text(wording: _Wording) -> str:
    return "".join(p if i % 2 == 0 else "{" + p + "}" for i, p in enumerate(wording.parts))


def _forms(message: Message, lang: str) -> list[str]:
    return [gsm_safe(f) if lang == "en" else f for f in wordings(lang, message)]


def _unit(line: Recipe) -> tuple | None:
    """What a line of a list is, its number aside (a message with values, or program content);
    None for a line no list repeats (fixed text, a link)."""
    if line[0] == "var":
        return "var", line[2]
    if line[0] == "msg" and line[3]:
        return "msg", line[2], tuple(sorted(line[3].items())), line[4]
    return None


def _number(head: str) -> int | None:
    return int(head[:-2]) if head else None


def _runs(recipes: tuple[Recipe, ...]) -> list[tuple[int, int]]:
    """Where the lists of `recipes` are, (start, end): options numbered in turn, or two lines
    and more of one message with no number (a history's entries)."""
    runs, n = [], 0
    while n < len(recipes):
        unit = _unit(recipes[n])
        number = None if unit is None else _number(recipes[n][1])
        end = n + 1
        while unit is not None and end < len(recipes) and \
                (following := _unit(recipes[end])) is not None and \
                (_number(recipes[end][1]) == number + end - n if number is not None
                 else not recipes[end][1] and following == unit):
            end += 1
        if unit is not None and (number is not None or end - n > 1):
            runs.append((n, end))
        n = end
    return runs


def _lists(run: tuple[Recipe, ...]) -> list[tuple[Recipe, ...]]:
    """The list `run` at every count it can have: 1 to `REPEATS` lines (more if seen) of one
    kind; lines of several kinds (a cash reward, then vouchers), some of each in their order."""
    groups = [list(lines) for _, lines in itertools.groupby(run, key=_unit)]
    sizes = [range(1, max(len(run), REPEATS) + 1)] if len(groups) == 1 else \
        [range(len(lines) + 1) for lines in groups]
    first = _number(run[0][1])
    found = []
    for chosen in itertools.product(*sizes):
        lines = [lines[min(k, len(lines) - 1)] for lines, count in zip(groups, chosen,
                                                                          strict=True)
                 for k in range(count)]
        if lines:
            found.append(tuple(line if first is None else (line[0], f"{first + k}. ", *line[2:])
                               for k, line in enumerate(lines)))
    return found


def counts(recipes: tuple[Recipe, ...]) -> list[tuple[Recipe, ...]]:
    """`recipes` with each of its lists (`_runs`) at every count it can have (`_lists`), the
    one seen first: a partner who can afford two rewards gets the shape of two options."""
    found = [recipes]
    for start, end in reversed(_runs(recipes)):
        found = [made[:start] + lines + made[end:] for made in found
                 for lines in _lists(recipes[start:end])]
    return list({repr(made): made for made in [recipes, *found]}.values())


def recipe(text: str, lang: str) -> tuple[Recipe, ...]:
    """How each line of `text` (an SMS in `lang`) is made. A name of `dlt.FIELDS` takes one
    variable where its values all fit one (most: the answer is planned and cut as ever),
    else all its placeholder has (`_widths`)."""
    langs = (lang, "en") if lang != "en" else ("en",)
    lines = tuple(_line(line, langs) for line in text.split("\n"))
    return _widened(lines, {name for line in lines if line[0] == "msg"
                            for name, size in line[3].items() if name in dlt.FIELDS and size > 1})


def _widened(recipes: tuple[Recipe, ...], names: set[str]) -> tuple[Recipe, ...]:
    """`recipes` with the placeholders `names` in all their variables (`SIZES`), the other
    names of `dlt.FIELDS` in one."""
    return tuple((*line[:3], {name: SIZES[name] if name in names else 1 if name in dlt.FIELDS
                              else size for name, size in line[3].items()}, *line[4:])
                 if line[0] == "msg" else line for line in recipes)


def _widths(recipes: tuple[Recipe, ...]) -> list[tuple[Recipe, ...]]:
    """`recipes` with its names of `dlt.FIELDS` each in one variable or in all its own: an
    answer with a short name is planned and cut as one with a long one is not."""
    names = sorted({name for line in recipes if line[0] == "msg" for name in line[3]
                    if name in dlt.FIELDS and SIZES[name] > 1})
    return [_widened(recipes, {name for name, wide in zip(names, chosen, strict=True) if wide})
            for chosen in itertools.product((False, True), repeat=len(names))]


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
        return filler * (size if name == "url" else VAR_CHARS * size
                         if name == "var" or name in dlt.FIELDS else longest(name))
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


def outline(text: str, lang: str) -> tuple[str, list[str]]:
    """`text`'s shape for a log line, without its values or words of its own: its name
    (`key`) and each line as a catalog message's English id, {#var#}, {#url#}, or "<text>"
    (program content or words no message has, which may hold a name: never logged)."""
    recipes = recipe(text, lang)
    lines = []
    for line in recipes:
        kind, head = line[0], line[1]
        if kind == "msg":
            lines.append(head + (line[2].singular if isinstance(line[2], Plural) else line[2]))
        elif kind in ("url", "var"):
            lines.append(head + _shaped(kind, line[2] if kind == "var" else 1))
        else:
            lines.append("<text>" if head.strip() else "")
    return key(recipes), lines


def templates(answers: Iterable[tuple[str, str]], known: frozenset[str] | None = None
              ) -> dict[str, list[str]]:
    """The flow templates that flows' `answers` (texts before paging, each with its
    language) need, by name: each answer's shape with each of its lists at every count
    (`counts`), whole when it can fit one SMS, and the pages it is cut into on its plan
    (`{name}_{page}`), in each plural form of its messages (an answer seen with "2 tries
    left" is registered with "1 try left" too); an answer in GSM-7 is cut in UCS-2 too (an
    English answer with a name in Devanagari is UCS-2: 67 characters a segment, not 153);
    an answer with a value too long for a page (a consent notice in Tamil), as the walk cut
    it. An answer a template of bot/channels/dlt.yaml matches needs none, nor a page that is
    one of its texts or of `known` (default: those and the programs' texts), nor a page of
    variables alone (a DLT portal refuses it, and dlt.match never matches it); a text two
    answers share goes under the first name."""
    named: dict[str, str] = {}  # text -> name
    registry = dlt.stamped((dlt.REGISTRY,))  # read once: a check walks thousands of answers
    for answer, lang in dict.fromkeys(answers):
        for page_name, text in _answer_templates(answer, lang, registry):
            if text not in named or page_name < named[text]:
                named[text] = page_name
    skip = _main_texts() if known is None else known
    runs: dict[str, list[tuple[int, ...]]] = {}  # a text, its runs of variables as one
    for text in [*named, *skip]:
        form, lengths = _var_runs(text)
        runs.setdefault(form, []).append(lengths)
    by_name: dict[str, list[str]] = {}
    for text, page_name in named.items():
        form, lengths = _var_runs(text)
        if not any(other != lengths and all(map(int.__le__, lengths, other))
                   for other in runs[form]) and text not in skip and dlt.words(text):
            by_name.setdefault(page_name, []).append(text)
    return {n: sorted(texts) for n, texts in sorted(by_name.items())}


# A program's check (the admin's upload, then its apply) walks some 4,000 answers in 12
# languages: about 13 s of CPU the first time, 1 s once they are kept. An answer's templates
# depend only on the catalogs, which a process loads once, and on dlt.yaml (`registry`: its
# path and when it was written).
@lru_cache(maxsize=16384)
def _answer_templates(answer: str, lang: str, registry: tuple) -> tuple[tuple[str, str], ...]:
    """The templates (name, text) one answer needs (`templates`), before those of other
    answers and of the registry files are taken out."""
    if _registered(answer, tuple(path for path, _ in registry)):
        return ()
    seen, hint = recipe(answer, lang), translate(lang, sms.MORE_HINT)
    ask = translate(lang, sms.ASK_NUMBER)
    fills = {sms.encoding(answer), "UCS-2"}
    found = [named for recipes in [wide for made in counts(seen) for wide in _widths(made)]
             for named in _named(recipes, fills, hint, ask)]
    planner = _planner(sms.FILL[sms.encoding(answer)])
    if any(sms.planned(_render(seen, _shaped, form), _render(seen, planner, form), hint)
           is None for form in range(_form_count(seen))):  # a value too long to plan
        made = [shape(page, lang) for page in sms.pages(answer, hint, ask=ask)]  # as sent
        found += [(f"{key(seen)}_{n}" if len(made) > 1 else key(seen), text)
                  for n, text in enumerate(made, 1)]
    return tuple(found)


_VARS = re.compile(f"(?:{re.escape(VAR)})+")


def _var_runs(text: str) -> tuple[str, tuple[int, ...]]:
    """`text` with each run of variables as one, and the runs' lengths. A template that is
    another's but for shorter runs ("{#var#}" beside "{#var#}{#var#}{#var#}": a value alone
    on a page) is not registered: every text it matches, the other matches too (a tie,
    refused)."""
    return _VARS.sub(VAR, text), tuple(m[0].count(VAR) for m in _VARS.finditer(text))


def _form_count(recipes: tuple[Recipe, ...]) -> int:
    return max([len(_forms(r[2], r[4])) for r in recipes if r[0] == "msg"] + [1])


def _named(recipes: tuple[Recipe, ...], fills: set[str], hint: str, ask: str
           ) -> Iterable[tuple[str, str]]:
    """The templates of the shape `recipes` (name, text): whole, and its pages cut on its
    plan in each encoding of `fills`, in each plural form."""
    name = key(recipes)
    for form in range(_form_count(recipes)):
        whole = _render(recipes, _shaped, form)
        if sms.fits(whole.replace(VAR, "x")):
            yield name, whole
        for fill in sorted(fills):
            made = sms.planned(whole, _render(recipes, _planner(sms.FILL[fill]), form), hint,
                               ask=ask)
            if made is not None and len(made) > 1:
                yield from ((f"{name}_{n}", page) for n, page in enumerate(made, 1))


def _main_texts() -> frozenset[str]:
    """The texts of dlt.yaml and of the programs' files (bot/channels/dlt_programs): a flow
    template never repeats one (two templates of one text would tie in `dlt.match`)."""
    return _texts(dlt.stamped(tuple(path for path in dlt.paths() if path != dlt.FLOWS)))


@cache
def _texts(files: tuple) -> frozenset[str]:
    return frozenset(text for t in dlt.registry(tuple(path for path, _ in files)).templates
                     for texts in t.texts.values() for text in texts)


def _registered(text: str, registry: tuple[Path, ...]) -> bool:
    try:
        dlt.match(text, registry)
    except dlt.DltRefused:
        return False
    return True
