"""A program's voice notes at load: its learning content (module parts, quiz questions with
their options numbered aloud) and the menu of every role, in each language it offers. These
words are fixed per program and language; notes with a partner's figures in them are made
later, one by one, by a job (workers/voice_notes.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from flows import learn, menu
from models.programs.schema import ProgramSpec
from workers.speech.notes import Prepared, prepare


def prepare_program(spec: ProgramSpec, languages: list[str], programs_dir: Path,
                    threads: int = 2, progress: Callable[[int, int], None] | None = None
                    ) -> Prepared:
    return prepare(spec.tracks, languages, programs_dir, threads,
                   extra=(*menu.scripts(languages),
                          *learn.feedback_scripts(spec.tracks, languages)), progress=progress)
