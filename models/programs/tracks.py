"""The `tracks` section of a program: modules (per-language parts, version), quizzes, tracks.

A program either writes the section inline or points at a content file kept beside it:
`tracks: {include: content/cempro.yaml}` (relative to PROGRAMS_DIR). Modules are defined once
and shared by tracks (Basic's modules are part of Specialist's). A track's version is the sum
of its modules' versions, so it rises whenever any of its modules is bumped.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from flask import current_app, has_app_context
from pydantic import BaseModel, ConfigDict, Field, model_validator

from models import yamltext
from models.programs.labels import Label as Text
from models.programs.labels import local

__all__ = ["LearningContent", "Module", "Question", "Rules", "Text", "Track", "local"]

PROGRAMS = Path(__file__).resolve().parents[2] / "programs"  # without an app: the repo's


class _Content(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Question(_Content):
    ask: Text
    options: list[Text] = Field(min_length=2, max_length=5)
    answer: int = Field(ge=1)  # 1-based index into options as written
    why: Text

    @model_validator(mode="after")
    def _answer_exists(self) -> Question:
        if self.answer > len(self.options):
            raise ValueError(f"answer {self.answer} is not one of the {len(self.options)} options")
        return self


class Module(_Content):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{1,39}$")
    version: int = Field(default=1, ge=1)
    title: Text
    parts: list[Text] = Field(min_length=1, max_length=6)
    media: str | None = Field(default=None, pattern=r"^(https://|/media/)\S+$")  # < 100 KB
    # Recorded voice notes, per language one file per part (paths inside PROGRAMS_DIR, any
    # format ffmpeg reads); parts without one get speech generated with espeak-ng.
    audio: dict[str, list[str]] = Field(default_factory=dict)
    questions: list[Question] = Field(min_length=1)

    @model_validator(mode="after")
    def _audio_per_part(self) -> Module:
        if any(len(files) > len(self.parts) for files in self.audio.values()):
            raise ValueError(f"module {self.id}: more audio files than parts")
        return self


class Track(_Content):
    code: str = Field(pattern=r"^[a-z][a-z0-9_]{1,29}$")  # matches earning.certification level
    name: Text
    modules: list[str] = Field(min_length=1)
    quiz_size: int | None = Field(default=None, gt=0)  # questions drawn per attempt; None: all
    pass_percent: int = Field(default=70, gt=0, le=100)
    credits: int | None = Field(default=None, gt=0)  # default: earning.certification[code]
    field_audit: bool = False  # a rep or admin approves (AUDIT APPROVE <id>) before granting


class Rules(_Content):
    cooldown_minutes: int = Field(default=60, ge=0)
    max_attempts_per_day: int = Field(default=3, gt=0)
    min_minutes_after_module: int = Field(default=2, ge=0)
    velocity_max_certifications: int = Field(default=2, gt=0)  # more in 2 hours -> review
    recert_credit_percent: int = Field(default=0, ge=0, le=100)


class LearningContent(_Content):
    rules: Rules = Field(default_factory=Rules)
    modules: list[Module] = Field(default_factory=list)
    tracks: list[Track] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _include(cls, data: Any) -> Any:
        if isinstance(data, dict) and "include" in data:
            return _read_include(data["include"])
        return data

    @model_validator(mode="after")
    def _references(self) -> LearningContent:
        ids = [m.id for m in self.modules]
        if len(set(ids)) != len(ids):
            raise ValueError("module ids must be unique")
        if len({t.code for t in self.tracks}) != len(self.tracks):
            raise ValueError("track codes must be unique")
        for track in self.tracks:
            missing = set(track.modules) - set(ids)
            if missing:
                raise ValueError(f"track {track.code}: unknown modules {sorted(missing)}")
        return self

    def module(self, module_id: str) -> Module:
        return next(m for m in self.modules if m.id == module_id)

    def track(self, code: str) -> Track | None:
        return next((t for t in self.tracks if t.code == code), None)

    def modules_of(self, track: Track) -> list[Module]:
        return [self.module(m) for m in track.modules]

    def version_of(self, track: Track) -> int:
        """The track's version: the sum of its modules' versions."""
        return sum(m.version for m in self.modules_of(track))

    def versions_of(self, track: Track) -> dict[str, int]:
        return {m.id: m.version for m in self.modules_of(track)}


def _read_include(name: str) -> dict:
    base = Path(current_app.config["PROGRAMS_DIR"]) if has_app_context() else PROGRAMS
    path = (base / name).resolve()
    if base.resolve() not in path.parents:
        raise ValueError(f"include {name!r} must stay inside the programs folder")
    try:
        data = yamltext.load_shared(path.read_text(encoding="utf-8"))  # callers may edit it
    except (OSError, yaml.YAMLError) as exc:
        raise ValueError(f"cannot read include {name!r}: {exc}") from None
    if not isinstance(data, dict):
        raise ValueError(f"include {name!r} must be a mapping")
    return data

