"""Score the classifier on a labelled set (bench/nlu_eval/heldout/, or the older dev/ set the
model was tuned on): accuracy per intent and per
language, the confusion matrix, the share of wrong answers given with high confidence (the
ones acted on without asking) and the time per message."""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

from flows.nlu import HIGH, Classifier
from flows.nlu.classifier import examples

EVAL_ROOT = Path(__file__).resolve().parents[2] / "bench" / "nlu_eval"
EVAL_SET = EVAL_ROOT / "heldout"  # written after tuning; never trained or tuned on
DEV_SET = EVAL_ROOT / "dev"  # the first evaluation set, used while tuning: optimistic


@dataclass
class Report:
    total: int = 0
    right: int = 0
    wrong_high: int = 0  # wrong intents at high confidence: actions taken by mistake
    high: int = 0
    by_language: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    by_intent: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    confusion: Counter = field(default_factory=Counter)  # (expected, guessed) -> count
    confidences: list[tuple[float, bool]] = field(default_factory=list)  # (confidence, right)
    seconds: list[float] = field(default_factory=list)  # wall clock, per message
    cpu_seconds: list[float] = field(default_factory=list)  # this thread's CPU, per message

    @property
    def accuracy(self) -> float:
        return self.right / self.total

    @property
    def wrong_high_share(self) -> float:
        return self.wrong_high / self.total

    @staticmethod
    def p99_ms(seconds: list[float]) -> float:
        ordered = sorted(seconds)
        return ordered[int(len(ordered) * 0.99)] * 1000


def share(counter: Counter) -> float:
    return counter["right"] / counter["all"]


def evaluate(model: Classifier, folder: Path = EVAL_SET) -> Report:
    report = Report()
    for lang, intent, text in examples(folder):
        began, cpu = time.perf_counter(), time.thread_time()
        guess, _ = model.guess(text)
        report.seconds.append(time.perf_counter() - began)
        report.cpu_seconds.append(time.thread_time() - cpu)
        right = guess.intent == intent
        report.total += 1
        report.right += right
        report.high += guess.confidence >= HIGH
        report.wrong_high += not right and guess.confidence >= HIGH
        for counter in (report.by_language[lang], report.by_intent[intent]):
            counter["all"] += 1
            counter["right"] += right
        report.confusion[intent, guess.intent] += 1
        report.confidences.append((guess.confidence, right))
    return report


def acted_and_wrong(report: Report, threshold: float) -> tuple[float, float]:
    """With `threshold` as the high band's floor: the share of messages acted on, and the
    share acted on wrongly (of all messages). How HIGH was chosen, on the dev set."""
    acted = [right for confidence, right in report.confidences if confidence >= threshold]
    return len(acted) / report.total, acted.count(False) / report.total


def reliability(report: Report, edges: tuple[float, ...] = (0.0, 0.3, 0.6, 0.8, 1.01)
                ) -> list[tuple[float, float, int, float]]:
    """(from, to, messages, accuracy) per confidence bin: is a confidence what it says?"""
    bins = []
    for low, high in pairwise(edges):
        inside = [right for confidence, right in report.confidences if low <= confidence < high]
        if inside:
            bins.append((low, min(high, 1.0), len(inside), inside.count(True) / len(inside)))
    return bins
