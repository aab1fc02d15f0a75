"""NLU benchmark: intent accuracy of the embedded classifier on the hand-written evaluation
set (bench/nlu_eval/, never used for training), per intent and language, the confusion
matrix, wrong actions at high confidence, and the time to classify one message.

    .venv/bin/python bench/nlu.py

Targets (issue 21): >= 90% overall, >= 85% in every language, <= 1% wrong actions at high
confidence, p99 under 5 ms per message.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flows.nlu import HIGH, MEDIUM
from flows.nlu.classifier import load
from flows.nlu.evaluation import Report, evaluate, share


def confusion(report: Report) -> list[str]:
    intents = sorted(report.by_intent)
    width = max(map(len, intents))
    head = " " * (width + 1) + " ".join(f"{i[:4]:>4}" for i in intents)
    rows = [f"{e:<{width}} " + " ".join(f"{report.confusion[e, g] or '.':>4}" for g in intents)
            for e in intents]
    return [head, *rows]


def main() -> None:
    began = time.perf_counter()
    model = load(None)
    print(f"trained in {time.perf_counter() - began:.2f} s; bands: high >= {HIGH}, "
          f"medium >= {MEDIUM}")
    report = evaluate(model)
    print(f"{report.total} utterances: accuracy {report.accuracy:.1%}; high confidence "
          f"{report.high / report.total:.1%} of them; wrong at high confidence "
          f"{report.wrong_high_share:.1%} ({report.wrong_high})")
    print(f"classification p99 {report.p99_ms(report.seconds):.2f} ms wall clock "
          f"({report.p99_ms(report.cpu_seconds):.2f} ms CPU), median "
          f"{sorted(report.seconds)[len(report.seconds) // 2] * 1000:.3f} ms")
    print("\nper language:")
    for lang, counter in sorted(report.by_language.items()):
        print(f"  {lang:<9} {share(counter):6.1%}  ({counter['right']}/{counter['all']})")
    print("\nper intent:")
    for intent, counter in sorted(report.by_intent.items()):
        print(f"  {intent:<13} {share(counter):6.1%}  ({counter['right']}/{counter['all']})")
    print("\nconfusion (rows: expected, columns: guessed):")
    print("\n".join(confusion(report)))


if __name__ == "__main__":
    main()
