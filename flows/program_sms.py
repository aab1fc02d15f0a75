"""The SMS a program's own content makes, and the DLT templates they need.

Each page of its lessons and each quiz question, with what an answer may hold before them
(the module before done, the quiz opening, the feedback on the answer before, an answer not
understood), a wrong answer's feedback with the quiz's result, and LEARN's list of its
tracks (its labels in the program's language when it does not offer the partner's): rendered
by the learn flow's own functions (flows/learn.py), joined and read into DLT shapes as
flows/sms.py and bot/channels/dlt_shapes.py do for every answer, in every language partners
choose (a language the program does not offer reads its content in the program's fallback
language).

Content goes in as literal text: a lesson's page is registered as it is sent, not as
variables inside a fixed wording ("Module {#var#}: {#var#}{#var#}…"). DLT portals and the
operators who approve templates refuse templates whose substance is variables (a run of
{#var#} could carry any text, which is how unregistered promotions are smuggled), and carriers
scrub a service SMS against its template's fixed words; a lesson is the substance. So every
new or edited lesson is a new template: `flask programs dlt FILE` writes them beside the
registry (bot/channels/dlt_programs/<code>.yaml) for the operator to register, and with an
Indian DLT sender configured a program whose SMS lack templates is not published. Values
that vary (a module's number, a partner's score, a quiz question short enough for its
variables) stay variables, as in every flow template. One text is one template (its name is
its digest): an edited lesson is a new one, never an old id on new words.

The program's name on a line of its own opens TIER and HIST answers (flows/sms.py `named`):
those are computed too. Not computed: a wrong answer's feedback followed by another question
(any pair of a track's questions: a feedback or a question too long for its variables is
literal, and each pair would be a template), and HIST with entries, whose dated lines are
read as literal text (no template can hold them: they go as the fallback).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import yaml
from flask import current_app

from bot import media
from bot.channels import dlt, dlt_shapes
from bot.i18n import LANGUAGES, translate
from bot.messages import Option, Reply
from bot.notices import outbound
from flows import learn, wallet
from flows import sms as sms_flow
from flows.sms import answer_text
from models import yamltext
from models.ledger import TierInfo
from models.programs.schema import ProgramSpec
from models.programs.tracks import LearningContent, Module, Question, Track, local

IDS = 1107000000000200000  # placeholder ids of program templates count up from here
HEADER = """\
# India's DLT: the SMS texts of program {code}'s own content (its lessons' pages, its quiz),
# written by `flask programs dlt` (flows/program_sms.py) as the flows send them. Register each
# text on the DLT portal and put the id it gives in place of the placeholder; an edited lesson
# is a new text (a new template), its old one dropped.
"""
# The values a quiz's result is written with: any will do, a variable holds each.
_RESULT = {"score": 3, "total": 4, "percent": 75, "n": 60, "id": "SV-7K2P-QX4M"}


def answers(spec: ProgramSpec, base_url: str) -> Iterator[tuple[str, str]]:
    """Every SMS answer (before it is paged) that holds the program's content, with the
    language of the partner who reads it."""
    for lang in LANGUAGES:
        shown = spec.content_language(lang) or lang
        for replies in _named(spec, lang):
            yield answer_text(lang, replies, base_url), lang
        for replies in _learning(spec.tracks, lang, shown) if spec.tracks else ():
            yield answer_text(lang, replies, base_url), lang
        for replies in _track_lists(spec.tracks, lang, shown) if spec.tracks and shown != lang \
                else ():  # in the partner's language: a flow's list (bot/channels/dlt_shapes.py)
            yield answer_text(lang, replies, base_url), lang


def _named(spec: ProgramSpec, lang: str) -> Iterator[list[Reply]]:
    """The answers under the program's name (flows/sms.py `named`): TIER, at each step of
    its tiers, and HIST before any credit (entries are dated: see the module's doc)."""
    yield [sms_flow.named(spec, translate(lang, wallet.NO_CREDITS))]
    if spec.tiers is None:
        return
    levels = [t.name for t in spec.tiers.levels]
    first, second, top = levels[0], levels[1] if len(levels) > 1 else None, levels[-1]
    for tier, following, distance in [(None, first, 700), (first, second, 700),
                                      (first, second, 0), (top, None, 0)]:
        info = TierInfo(name=tier, multiplier=Decimal(1), next_name=following,
                        distance=distance, metric=0, unit=spec.tiers.unit)
        if lines := wallet.tier_text(lang, spec, info):
            yield [sms_flow.named(spec, *lines)]


def _learning(content: LearningContent, lang: str, shown: str) -> Iterator[list[Reply]]:
    for track in content.tracks:
        for module in content.modules_of(track):
            yield from _module(track, module, lang, shown)
            for question in module.questions:
                yield from _quiz(track, question, lang, shown)


def _track_lists(content: LearningContent, lang: str, shown: str) -> Iterator[list[Reply]]:
    """LEARN's list of the program's tracks (flows/learn.py `tracks_prompt`) for a partner
    whose language the program does not offer (`shown`, its own, is the labels' under the
    partner's heading: a shape no other program meets), all of them at each state a track
    is listed in."""
    tracks = [(local(track.name, shown), len(track.modules)) for track in content.tracks]
    for labels in ([translate(shown, learn.MODULES_DONE, track=name, done=0, n=n)
                    for name, n in tracks],
                   *([translate(shown, state, track=name) for name, _ in tracks]
                     for state in (learn.CERTIFIED, learn.RECERTIFY, learn.WAITING))):
        yield [Reply(translate(lang, learn.CHOOSE_TRACK), options=tuple(
            Option(str(n), label) for n, label in enumerate(labels, 1)))]


def _module(track: Track, module: Module, lang: str, shown: str) -> Iterator[list[Reply]]:
    for part in range(len(module.parts)):
        page = learn.part_reply(shown, track, module, part)
        yield [page]
        yield [Reply(translate(lang, learn.PICK_NEXT)), page]
        if part == 0:
            yield [Reply(translate(lang, learn.MODULE_DONE)), page]


def _quiz(track: Track, question: Question, lang: str, shown: str) -> Iterator[list[Reply]]:
    total = track.quiz_size or 1
    asked = learn.question_reply(shown, question, list(range(len(question.options))), 1,
                                 total)
    wrong = learn.feedback_reply(shown, question, False)
    for before in (translate(lang, learn.QUIZ_OPENS, n=total), translate(lang, learn.CORRECT),
                   translate(lang, learn.PICK_ANSWER)):
        yield [Reply(before), asked]
    yield [wrong, Reply(translate(lang, learn.FAILED, **_RESULT))]
    yield [wrong, Reply(translate(lang, learn.PASSED, **_RESULT),
                        media_url=media.certificate_url(_RESULT["id"]))]


def needed(spec: ProgramSpec, base_url: str) -> dict[str, set[str]]:
    """The template texts the program's SMS need, by language (whole answers and their
    pages, as bot/channels/dlt_shapes.py `templates` writes a flow's)."""
    by_lang: dict[str, list[tuple[str, str]]] = {}
    for text, lang in answers(spec, base_url):
        by_lang.setdefault(lang, []).append((text, lang))
    known = frozenset(text for t in dlt.registry((dlt.REGISTRY,)).templates  # dlt.yaml's:
                      for texts in t.texts.values() for text in texts)  # not the programs'
    return {lang: {text for texts in dlt_shapes.templates(found, known).values()
                   for text in texts} for lang, found in by_lang.items()}


def _registered(skip: Path | None = None) -> set[str]:
    files = tuple(path for path in dlt.paths() if path != skip)
    return {text for t in dlt.registry(files).templates for texts in t.texts.values()
            for text in texts}


def missing(spec: ProgramSpec, base_url: str) -> dict[str, list[str]]:
    """The texts `needed` that no registry file has, by language."""
    registered = _registered()
    return {lang: sorted(texts - registered) for lang, texts in needed(spec, base_url).items()
            if texts - registered}


def path_of(spec: ProgramSpec) -> Path:
    return dlt.PROGRAMS / f"{spec.code.lower()}.yaml"


def write(spec: ProgramSpec, base_url: str) -> tuple[Path, int]:
    """Write the program's file (path_of) with every text it needs that no other file has,
    each its own template with a placeholder id (kept while its text lasts; none needed: no
    file); the path and how many templates it holds."""
    path = path_of(spec)
    old = yamltext.load(path.read_text(encoding="utf-8"))["templates"] if path.exists() else {}
    others = _registered(skip=path)
    ids = [int(t.id) for t in dlt.registry().templates if int(t.id) > IDS]
    free = max(ids, default=IDS) + 1
    templates: dict[str, dict] = {}
    for lang, texts in needed(spec, base_url).items():
        for text in sorted(texts - others):
            name = f"{spec.code.lower()}_{hashlib.sha1(text.encode()).hexdigest()[:10]}"
            if name not in templates:
                if name in (old or {}):
                    spec_id = old[name]["id"]
                else:
                    spec_id, free = str(free), free + 1
                templates[name] = {"id": spec_id,
                                   "category": dlt.Category.SERVICE_IMPLICIT.value, "text": {}}
            templates[name]["text"].setdefault(lang, []).append(text)
    if not templates:  # every text registered elsewhere (or no lessons): no file
        path.unlink(missing_ok=True)
        return path, 0
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HEADER.format(code=spec.code) + yaml.safe_dump(
        {"templates": dict(sorted(templates.items()))}, allow_unicode=True, sort_keys=False,
        width=100), encoding="utf-8")
    return path, len(templates)


def publish_problems(spec: ProgramSpec, source: str) -> list[str]:
    """With an Indian DLT sender configured, the one line that refuses to publish a program
    whose SMS texts lack templates (which, and what to run); else none."""
    if not dlt.enforced(current_app.config):
        return []
    gaps = missing(spec, outbound.base_url())
    if not gaps:
        return []
    count = sum(len(texts) for texts in gaps.values())
    langs = ", ".join(f"{lang} {len(texts)}" for lang, texts in sorted(gaps.items()))
    return [f"{count} SMS texts of {spec.code} have no DLT template ({langs}): run `flask "
            f"programs dlt {source}`, register the texts it writes to {path_of(spec).name} "
            "on the DLT portal with their ids, then publish again"]
