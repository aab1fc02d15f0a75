"""What a voice note says: a module part, or a quiz question with its options numbered aloud,
in one language. The flows name a note by this text (bot/media.voice_url) and the speech
worker records or generates the same text when a program loads, so both always agree."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from models.programs.labels import local
from models.programs.tracks import LearningContent, Module, Question


@dataclass(frozen=True)
class Script:
    """One voice note to prepare: its language, its words, and a recording if there is one."""

    lang: str
    text: str
    recording: str | None = None  # path inside PROGRAMS_DIR


def part_script(module: Module, part: int, lang: str) -> str:
    return local(module.parts[part], lang)


def question_script(question: Question, lang: str) -> str:
    """The question, then each option with its number, in the order written (a partner who
    listens gets the options in this order, so the numbers they hear are the ones to send)."""
    options = "\n".join(f"{n}. {local(option, lang)}"
                        for n, option in enumerate(question.options, start=1))
    return f"{local(question.ask, lang)}\n{options}"


def scripts(content: LearningContent, languages: list[str]) -> Iterator[Script]:
    """Every voice note of a program's learning content in `languages`."""
    for lang in languages:
        for module in content.modules:
            recorded = module.audio.get(lang, [])
            for part in range(len(module.parts)):
                yield Script(lang, part_script(module, part, lang),
                             recorded[part] if part < len(recorded) else None)
            for question in module.questions:
                yield Script(lang, question_script(question, lang))
