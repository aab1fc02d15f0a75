"""The intent classifier: character n-grams (within words, 1-4 long, so typos and any script
share most of their features) into a linear support vector machine, trained from the utterance files
in utterances/ and kept on disk under the hash of their text, so a start-up with unchanged
files loads the model instead of training it again (about a second).

Numbers and product codes are replaced by placeholders before both training and reading:
"redeem 500" and "redeem 2000" are the same sentence to the model.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import re
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import yaml

if TYPE_CHECKING:  # scikit-learn is imported when a model is trained or loaded, not before
    from sklearn.pipeline import Pipeline

from flows.answers import fold_digits, normalize

UTTERANCES = Path(__file__).with_name("utterances")
_CODE = re.compile(r"\b(?=[0-9a-z-]*\d)[0-9a-z]{4}(?:-?[0-9a-z]{4}){3}\b")
_NUMBER = re.compile(r"\d[\d,.]*")
SHARPNESS = 4.0  # scores (about -1..1) times this before the softmax
FAMILIAR = 0.8  # below this share of known n-grams, confidence falls ("zzzz", "asdfgh")
_SYMBOLS = re.compile(r"[?!.,;:'\"()₹]+")


def clean(text: str) -> str:
    """The text as the model reads it: lower case, digits folded, codes and numbers as
    placeholders, punctuation gone."""
    text = normalize(fold_digits(text))
    text = _NUMBER.sub(" 9 ", _CODE.sub(" qrcode ", text))
    return " ".join(_SYMBOLS.sub(" ", text).split())


def examples(folder: Path = UTTERANCES) -> list[tuple[str, str, str]]:
    """(language file, intent, text) for every line of every utterance file."""
    found = []
    for path in sorted(folder.glob("*.yaml")):
        for intent, lines in yaml.safe_load(path.read_text(encoding="utf-8")).items():
            found += [(path.stem, intent, str(line)) for line in lines]
    return found


def fingerprint(folder: Path = UTTERANCES) -> str:
    """The hash the cached model is kept under: the files' text and the library's version."""
    digest = hashlib.sha256(version("scikit-learn").encode())
    for path in sorted(folder.glob("*.yaml")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def train(rows: list[tuple[str, str, str]]) -> Pipeline:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import Pipeline
    from sklearn.svm import LinearSVC

    model = Pipeline([
        ("grams", TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 4), sublinear_tf=True)),
        ("intent", LinearSVC(C=1.0)),
    ])
    model.fit([clean(text) for _, _, text in rows], [intent for _, intent, _ in rows])
    return model


@dataclass(frozen=True)
class Guess:
    intent: str
    confidence: float  # 0-1: the softmax of the machine's scores


class Classifier:
    """A trained model: the two likeliest intents of a text.

    Reading one message goes around scikit-learn's sparse matrices (a millisecond each on a
    busy machine): the same analyzer, tf-idf weights and coefficients, summed over the few
    n-grams of the message with numpy (test_nlu_classifier checks the scores agree)."""

    def __init__(self, model: Pipeline) -> None:
        self.model = model
        grams, machine = model.named_steps["grams"], model.named_steps["intent"]
        self.intents: list[str] = [str(c) for c in machine.classes_]
        self._analyze = grams.build_analyzer()
        self._index = grams.vocabulary_
        self._idf = grams.idf_
        self._weights = np.ascontiguousarray(machine.coef_.T)
        self._intercept = machine.intercept_

    def scores(self, text: str) -> tuple[np.ndarray, float]:
        """The machine's decision scores, one per intent (as `decision_function`), and the
        share of the text's n-grams the model knows."""
        counts: dict[int, int] = {}
        grams = self._analyze(clean(text))
        for gram in grams:
            index = self._index.get(gram)
            if index is not None:
                counts[index] = counts.get(index, 0) + 1
        if not counts:
            return self._intercept.copy(), 0.0
        indices = np.fromiter(counts, dtype=np.intp, count=len(counts))
        tf = 1.0 + np.log(np.fromiter(counts.values(), dtype=float, count=len(counts)))
        weights = tf * self._idf[indices]
        weights /= np.sqrt(weights @ weights)
        known = sum(counts.values()) / len(grams)
        return weights @ self._weights[indices] + self._intercept, known

    def guess(self, text: str) -> tuple[Guess, Guess]:
        scores, known = self.scores(text)
        scores = scores * SHARPNESS
        probabilities = np.exp(scores - scores.max())
        probabilities /= probabilities.sum()
        probabilities *= min(1.0, known / FAMILIAR) ** 2  # mostly unknown letters: unsure
        first, second = probabilities.argsort()[::-1][:2]
        return (Guess(self.intents[first], float(probabilities[first])),
                Guess(self.intents[second], float(probabilities[second])))


def load(cache_dir: Path | None, folder: Path = UTTERANCES) -> Classifier:
    """The model for today's utterance files: from `cache_dir` if trained before, else
    trained now (and kept there)."""
    cached = cache_dir / f"intents-{fingerprint(folder)}.pickle" if cache_dir else None
    if cached is not None and cached.exists():
        return Classifier(pickle.loads(cached.read_bytes()))
    model = train(examples(folder))
    if cached is not None:
        cached.parent.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(f".{os.getpid()}.partial")  # several workers may train
        partial.write_bytes(pickle.dumps(model))
        partial.replace(cached)
    return Classifier(model)
