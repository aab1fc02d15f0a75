"""Understand what a partner types in their own words (issue 21): an intent with a confidence,
and the amount, product code and language named in it.

    understand("paanch sau nikalo") -> Understanding(intent="redeem", band=Band.HIGH,
                                                     entities=Entities(amount=500, ...))

The model is trained from utterances/ (flows/nlu/classifier.py) the first time it is needed
and kept under NLU_CACHE_DIR by the files' hash; nothing is fetched from outside.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path

from flask import current_app, has_app_context

from flows.nlu.classifier import Classifier, Guess, load
from flows.nlu.entities import Entities, extract

HIGH = 0.6  # at or above: act on it
MEDIUM = 0.3  # at or above (and below HIGH): ask "did you mean 1) … 2) …?"


class Band(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


@dataclass(frozen=True)
class Understanding:
    intent: str
    confidence: float
    band: Band
    runner_up: Guess  # the second likeliest, offered beside the first when unsure
    entities: Entities


def band(confidence: float) -> Band:
    return Band.HIGH if confidence >= HIGH else Band.MEDIUM if confidence >= MEDIUM else Band.LOW


@cache
def _model(cache_dir: str | None) -> Classifier:
    return load(Path(cache_dir) if cache_dir else None)


def model() -> Classifier:
    """The classifier, trained (or loaded from the cache) once per process."""
    cache_dir = current_app.config.get("NLU_CACHE_DIR") if has_app_context() else None
    return _model(cache_dir or None)


def understand(text: str) -> Understanding:
    first, second = model().guess(text)
    return Understanding(first.intent, first.confidence, band(first.confidence), second,
                         extract(text))
