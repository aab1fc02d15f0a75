"""NLU benchmark: intent accuracy of the embedded classifier on the hand-written held-out
set (bench/nlu_eval/heldout/, never used for training or tuning), per intent and language,
the confusion matrix, wrong actions at high confidence, how well the confidence is
calibrated (on the dev set, bench/nlu_eval/dev/, where HIGH was chosen, and on the held-out
set), and the time to classify one message.

    .venv/bin/python bench/nlu.py

Targets (issue 21): >= 90% overall, >= 85% in every language, <= 1% wrong actions at high
confidence, p99 under 5 ms per message.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flows.nlu import HIGH, MEDIUM
from flows.nlu.classifier import load
from flows.nlu.evaluation import DEV_SET, Report, acted_and_wrong, evaluate, reliability, share


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
          f"{sorted(report.seconds)[len(report.seconds) // 2] * 1000:.3f} ms; load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print("\nper language:")
    for lang, counter in sorted(report.by_language.items()):
        print(f"  {lang:<9} {share(counter):6.1%}  ({counter['right']}/{counter['all']})")
    print("\nper intent:")
    for intent, counter in sorted(report.by_intent.items()):
        print(f"  {intent:<13} {share(counter):6.1%}  ({counter['right']}/{counter['all']})")
    print("\nconfusion (rows: expected, columns: guessed):")
    print("\n".join(confusion(report)))
    dev = evaluate(model, DEV_SET)
    print(f"\ndev set (tuned on; optimistic): {dev.total} utterances, accuracy "
          f"{dev.accuracy:.1%}, wrong at high confidence {dev.wrong_high_share:.1%}")
    print("\ncalibration: high band's floor -> messages acted on, acted on wrongly "
          "(dev | held-out)")
    for floor in (0.4, 0.5, 0.6, 0.7, 0.8):
        (da, dw), (ha, hw) = acted_and_wrong(dev, floor), acted_and_wrong(report, floor)
        mark = "  <- HIGH" if floor == HIGH else ""
        print(f"  >= {floor:.1f}: {da:6.1%} {dw:5.2%} | {ha:6.1%} {hw:5.2%}{mark}")
    print("confidence bins -> accuracy (dev | held-out)")
    for (low, high, n, acc), (_, _, hn, hacc) in zip(reliability(dev), reliability(report),
                                                    strict=False):
        print(f"  {low:.1f}-{high:.1f}: {acc:6.1%} of {n:<4} | {hacc:6.1%} of {hn}")


if __name__ == "__main__":
    main()
