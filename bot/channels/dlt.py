"""India's DLT rules: every SMS sent through an Indian gateway is a registered template.

The registry (bot/channels/dlt.yaml) holds the principal entity id, the sender header and,
per template, its DLT id, category and text in every language with {#var#} placeholders
(each variable at most 30 characters, as the DLT portals allow) and {#url#} for a link;
free text (an agent's answer, a campaign's own words) is a run of adjacent variables inside a
registered wording ("Saathi support: {#var#}{#var#}…").
`match` finds the one template a text was made from, or refuses it: a text that matches no
template (or several) is never sent, because carriers would block it anyway. A text of
variables alone (nothing but {#var#} and option numbers) says nothing a DLT portal could
check: it is never written (`words`) and never matched.

Promotional templates go out between 09:00 and 21:00 IST only (TRAI); `promotional_from`
says when a promotional SMS queued at night may go.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from datetime import datetime, time
from enum import StrEnum
from functools import cache
from pathlib import Path

import yaml

from bot.channels.sms import gsm_safe
from bot.i18n import LANGUAGES, Plural, wordings
from models import yamltext
from models.messaging.quiet import QuietHours

REGISTRY = Path(__file__).with_name("dlt.yaml")
# Flows' answers and their MORE pages, generated from the SMS walk (bot/channels/dlt_shapes.py,
# scripts/dlt_templates.py --flows): the same entity and sender, templates of their own.
FLOWS = Path(__file__).with_name("dlt_flows.yaml")
PATHS = (REGISTRY, FLOWS)
# Each program's content (its lessons' text, as the flows send it), one file per program,
# written by `flask programs dlt FILE` (bot/cli/program_dlt.py): matched with the two above.
PROGRAMS = Path(__file__).with_name("dlt_programs")
FALLBACK = "sms_fallback"  # what goes instead of an SMS no template matches
VAR, URL = "{#var#}", "{#url#}"
VAR_CHARS = 30
# The most characters of the values people and programs' files write, as the models and their
# validators allow: a program's name (models/programs/schema.py, Program.name), a partner's
# name and shop (flows/enroll.py), a tier's name (schema.py).
FIELDS = {"program": 120, "name": 80, "shop": 120, "tier": 40}
# The most variables one value takes: 90 characters, what a Hindi SMS page (two UCS-2
# segments, 134 characters) holds beside the MORE hint; a program's name one, as the
# leaderboard shows it (it heads most answers: planned at 90 characters, their pages would
# be cut short for the 26 of "Shakti Cement Pro Retailer"). A longer value is shortened on
# SMS (bot/channels/dlt_shapes.py `shortened`), never refused.
SMS_VARS, CARRIED = 3, {"program": 1}
_VALUE = rf"[^\n]{{1,{VAR_CHARS}}}"
_LINK = r"https?://[^\s]{1,300}"
_PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
_VARIABLE = re.compile(r"\{#(?:var|url)#\}")
_LETTER = re.compile(r"[^\W\d_]")
PROMOTIONAL_QUIET = QuietHours(time(21), time(9))  # IST, TRAI's rule for promotional SMS


class Category(StrEnum):
    TRANSACTIONAL = "transactional"  # OTPs
    SERVICE_IMPLICIT = "service-implicit"  # follows the partner's own action
    SERVICE_EXPLICIT = "service-explicit"  # needs the partner's consent (joining counts)
    PROMOTIONAL = "promotional"  # quiet hours; never to numbers on the DND list


class DltRefused(ValueError):
    """The text matches no registered template, or more than one."""


@dataclass(frozen=True)
class Template:
    name: str
    id: str
    category: Category
    texts: dict[str, tuple[str, ...]]  # language -> its texts (one per plural form)


@dataclass(frozen=True)
class Registry:
    principal_entity_id: str
    sender: str
    templates: tuple[Template, ...]


@cache
def _pattern(text: str) -> re.Pattern:
    """A template text as a regular expression: a run of n adjacent variables (free text,
    as DLT lets a sender register it) stands for 1 to 30n characters of one line."""
    parts = re.split(r"((?:\{#var#\})+|\{#url#\})", text)
    return re.compile("".join(
        _LINK if p == URL else rf"[^\n]{{1,{VAR_CHARS * p.count(VAR)}}}" if p.startswith(VAR)
        else re.escape(p) for p in parts))


def words(text: str) -> bool:
    """Whether a template text has words of its own: a page of variables alone ("1. {#var#}
    2. {#var#}") is refused by DLT portals, so it is never written nor matched."""
    return bool(_LETTER.search(_VARIABLE.sub("", text)))


def paths() -> tuple[Path, ...]:
    """Every registry file: dlt.yaml, the flows' and each program's."""
    try:
        changed = PROGRAMS.stat().st_mtime_ns  # a file added or removed: listed again
    except FileNotFoundError:
        return PATHS
    return (*PATHS, *_listed(PROGRAMS, changed))


@cache
def _listed(folder: Path, _changed: int) -> tuple[Path, ...]:
    return tuple(sorted(folder.glob("*.yaml")))


def stamped(found: tuple[Path, ...] | None) -> tuple[tuple[Path, int], ...]:
    """The files `found` (None: `paths()`) with when each last changed: a file written
    again (a program's templates) is read again."""
    return tuple((path, path.stat().st_mtime_ns) for path in (found or paths()))


# The ids the repository's generators write (…0000000000001, flows' from …100000, programs'
# from …200000) until the operator puts in those the DLT portal gave: a carrier drops an SMS
# sent under one, and Gupshup still answers "success".
PLACEHOLDER_ID = re.compile(r"1107000000000\d{6}")


def placeholders() -> list[Template]:
    """The registered templates that still carry a placeholder id."""
    return [t for t in registry().templates if PLACEHOLDER_ID.fullmatch(t.id)]


def registry(found: tuple[Path, ...] | None = None) -> Registry:
    """The templates of the files `found` (None: all of `paths()`), with the entity and
    sender dlt.yaml names."""
    return _registry(stamped(found))


@cache
def _registry(files: tuple[tuple[Path, int], ...]) -> Registry:
    raws = [yamltext.load(path.read_text(encoding="utf-8")) for path, _ in files]
    templates = tuple(
        Template(name, str(spec["id"]), Category(spec["category"]),
                 {lang: tuple(texts) for lang, texts in (spec.get("text") or {}).items()})
        for raw in raws for name, spec in (raw.get("templates") or {}).items())
    head = yamltext.load(REGISTRY.read_text(encoding="utf-8"))  # the flows' file has none
    return Registry(str(head["principal_entity_id"]), str(head["sender"]), templates)


def match(text: str, found_in: tuple[Path, ...] | None = None) -> Template:
    """The one registered template `text` was made from; DltRefused otherwise.

    A variable may stand for words another template has fixed ("Code {#var#}: ..." also
    matches "Code X was approved: ..."): of the templates that match, the one with the most
    fixed characters is the one the text was made from; a tie is refused."""
    fixed: dict[str, tuple[int, Template]] = {}  # name -> its longest matching text's fixed
    by_start, open_ = _ready(stamped(found_in))  # characters, and the template
    for form in (*by_start.get(text[:_START], ()), *open_):
        if text.startswith(form.prefix) and form.pattern.fullmatch(text) and \
                form.fixed > fixed.get(form.template.name, (-1,))[0]:
            fixed[form.template.name] = form.fixed, form.template
    found = sorted(fixed.values(), key=lambda pair: -pair[0])
    if not found or (len(found) > 1 and found[0][0] == found[1][0]):
        names = ", ".join(t.name for _, t in found) or "none"
        raise DltRefused(f"SMS matches {len(found)} DLT templates ({names})")  # no text:
    return found[0][1]  # it may hold a name or a code


@dataclass(frozen=True)
class _Form:
    """One text of a template, ready to match: most SMS fail at the fixed text before its
    first variable, a string comparison, and never reach the regular expression. A match
    looks only at the texts that open as the SMS does (their first `_START` characters) and
    those that open with a variable: not the 12 languages of every template."""

    template: Template
    prefix: str
    pattern: re.Pattern
    fixed: int


_START = 3


@cache
def _ready(files: tuple[tuple[Path, int], ...]) -> tuple[dict[str, list[_Form]], list[_Form]]:
    """Every text of the registry `files` (but those of variables alone), by its first
    characters when it opens with at least `_START` fixed ones; the others apart."""
    by_start: dict[str, list[_Form]] = {}
    open_: list[_Form] = []
    for template in _registry(files).templates:
        for texts in template.texts.values():
            for text in filter(words, texts):
                prefix = _VARIABLE.split(text, 1)[0]
                form = _Form(template, prefix, _pattern(text), len(_VARIABLE.sub("", text)))
                (by_start.setdefault(prefix[:_START], []) if len(prefix) >= _START
                 else open_).append(form)
    return by_start, open_


def needed(config: dict, channel: str) -> bool:
    """Whether an SMS on `channel` must be a registered template: it goes through an Indian
    gateway (SMS_PROVIDER=gupshup, bot/channels/senders.py)."""
    return channel == "sms" and enforced(config)


def enforced(config: dict) -> bool:
    """Whether SMS go through an Indian gateway, which sends registered templates only."""
    return config["SMS_PROVIDER"] == "gupshup"


def promotional_from(now: datetime) -> datetime | None:
    """None if a promotional SMS may go at `now`; else the next 09:00 IST, when it may."""
    return PROMOTIONAL_QUIET.release(now)


# Writing the texts (scripts/dlt_templates.py) ------------------------------------------------

def texts_for(spec: dict, lang: str) -> list[str]:
    """Every text the template `spec` can be in `lang`, as sent (GSM-7 where it can be).

    `messages` are joined by new lines; `fill` names messages that are sent inside another
    one's placeholder (an invoice's read fields inside "I read: {summary}."); `free` names
    placeholders that hold free text (an agent's answer) and how many adjacent variables
    carry it (DLT's way to register free text: each variable at most 30 characters)."""
    fills = {name: _forms(message, lang)[0] for name, message in (spec.get("fill") or {}).items()}
    fills |= {name: VAR * count for name, count in (spec.get("free") or {}).items()}
    parts = [_forms(message, lang) for message in spec["messages"]]
    found = []
    for combination in itertools.product(*parts):
        text = "\n".join(combination)
        for name, filled in fills.items():
            text = text.replace("{" + name + "}", filled)
        text = gsm_safe(_PLACEHOLDER.sub(lambda m: URL if m[0] == "{url}" else
                                         VAR * variables(m[0][1:-1]), text))
        if text not in found:
            found.append(text)
    return found


def variables(name: str) -> int:
    """How many adjacent variables carry a value of the placeholder `name`: as many as the
    longest value of `FIELDS` needs (up to `SMS_VARS`, or what `CARRIED` says), else one."""
    return min(-(-FIELDS[name] // VAR_CHARS), CARRIED.get(name, SMS_VARS)) \
        if name in FIELDS else 1


def _forms(message: str | list[str], lang: str) -> list[str]:
    return wordings(lang, message if isinstance(message, str) else Plural(*message))


def regenerated(raw: str) -> str:
    """The registry file `raw` with every template's `text` written from the catalogs."""
    header = "".join(line for line in raw.splitlines(keepends=True) if line.startswith("#"))
    data = yamltext.load(raw)
    for spec in data["templates"].values():
        spec["text"] = {lang: texts_for(spec, lang) for lang in LANGUAGES}
    return header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
