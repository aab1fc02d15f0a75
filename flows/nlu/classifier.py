"""The intent classifier: character n-grams (within words, 1-4 long, so typos and any script
share most of their features), tf-idf weighted, into a linear support vector machine,
trained with scikit-learn from the utterance files in utterances/.

Reading needs only numpy: the trained model is kept as its vocabulary, idf weights and
coefficients (an .npz file under the hash of the utterance files, so a start-up with
unchanged files loads it instead of training again, and no pickle is ever read), and one
message's score is a sum over its few n-grams. test_understanding checks the scores equal
scikit-learn's `decision_function`.

Numbers and product codes are replaced by placeholders before both training and reading:
"redeem 500" and "redeem 2000" are the same sentence to the model.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from flows.answers import fold_digits, normalize
from models import yamltext

if TYPE_CHECKING:  # scikit-learn is imported to train, never to read
    from sklearn.pipeline import Pipeline

UTTERANCES = Path(__file__).with_name("utterances")
LONGEST_GRAM = 4
SHARPNESS = 4.0  # scores (about -1..1) times this before the softmax
FAMILIAR = 0.8  # below this share of known n-grams, confidence falls ("zzzz", "asdfgh")
_CODE = re.compile(r"\b(?=[0-9a-z-]*\d)[0-9a-z]{4}(?:-?[0-9a-z]{4}){3}\b")
_NUMBER = re.compile(r"\d[\d,.]*")
_SYMBOLS = re.compile(r"[?!.,;:'\"()₹]+")


def clean(text: str) -> str:
    """The text as the model reads it: lower case, digits folded, codes and numbers as
    placeholders, punctuation gone."""
    text = normalize(fold_digits(text))
    text = _NUMBER.sub(" 9 ", _CODE.sub(" qrcode ", text))
    return " ".join(_SYMBOLS.sub(" ", text).split())


def grams(text: str) -> list[str]:
    """The character n-grams of each word padded with spaces, as scikit-learn's `char_wb`
    analyzer makes them (a word shorter than n gives itself once)."""
    found = []
    for word in text.split():
        padded = f" {word} "
        for n in range(1, LONGEST_GRAM + 1):
            found += [padded[i:i + n] for i in range(max(1, len(padded) - n + 1))]
            if len(padded) <= n:
                break
    return found


def examples(folder: Path = UTTERANCES) -> list[tuple[str, str, str]]:
    """(language file, intent, text) for every line of every utterance file."""
    found = []
    for path in sorted(folder.glob("*.yaml")):
        for intent, lines in yamltext.load(path.read_text(encoding="utf-8")).items():
            found += [(path.stem, intent, str(line)) for line in lines]
    return found


def fingerprint(folder: Path = UTTERANCES) -> str:
    """The hash the model is kept under: the files' text and the library's version."""
    digest = hashlib.sha256(version("scikit-learn").encode())
    for path in sorted(folder.glob("*.yaml")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def train(rows: list[tuple[str, str, str]]) -> Pipeline:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import Pipeline
    from sklearn.svm import LinearSVC

    model = Pipeline([
        ("grams", TfidfVectorizer(analyzer="char_wb", ngram_range=(1, LONGEST_GRAM),
                                  sublinear_tf=True)),
        ("intent", LinearSVC(C=1.0)),
    ])
    model.fit([clean(text) for _, _, text in rows], [intent for _, intent, _ in rows])
    return model


@dataclass(frozen=True)
class Guess:
    intent: str
    confidence: float  # 0-1: the softmax of the machine's scores


class Classifier:
    """A trained model's numbers: the two likeliest intents of a text."""

    def __init__(self, intents: list[str], vocabulary: list[str], idf: np.ndarray,
                 weights: np.ndarray, intercept: np.ndarray) -> None:
        self.intents = intents
        self.vocabulary = vocabulary
        self._index = {gram: i for i, gram in enumerate(vocabulary)}
        self._idf, self._weights, self._intercept = idf, weights, intercept

    @classmethod
    def of(cls, model: Pipeline) -> Classifier:
        vectorizer, machine = model.named_steps["grams"], model.named_steps["intent"]
        vocabulary = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.get)
        return cls([str(c) for c in machine.classes_], vocabulary, vectorizer.idf_,
                   np.ascontiguousarray(machine.coef_.T), machine.intercept_)

    def save(self, path: Path) -> None:
        with path.open("wb") as handle:
            np.savez(handle, intents=np.array(self.intents), vocabulary=np.array(self.vocabulary),
                     idf=self._idf, weights=self._weights, intercept=self._intercept)

    @classmethod
    def read(cls, path: Path) -> Classifier:
        with np.load(path, allow_pickle=False) as saved:
            return cls([str(i) for i in saved["intents"]], [str(g) for g in saved["vocabulary"]],
                       saved["idf"], saved["weights"], saved["intercept"])

    def scores(self, text: str) -> tuple[np.ndarray, float]:
        """The machine's decision scores, one per intent (as `decision_function`), and the
        share of the text's n-grams the model knows."""
        counts: dict[int, int] = {}
        found = grams(clean(text))
        for gram in found:
            index = self._index.get(gram)
            if index is not None:
                counts[index] = counts.get(index, 0) + 1
        if not counts:
            return self._intercept.copy(), 0.0
        indices = np.fromiter(counts, dtype=np.intp, count=len(counts))
        tf = 1.0 + np.log(np.fromiter(counts.values(), dtype=float, count=len(counts)))
        weights = tf * self._idf[indices]
        weights /= np.sqrt(weights @ weights)
        known = sum(counts.values()) / len(found)
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
    cached = cache_dir / f"intents-{fingerprint(folder)}.npz" if cache_dir else None
    if cached is not None and cached.exists():
        return Classifier.read(cached)
    model = Classifier.of(train(examples(folder)))
    if cached is not None:
        cached.parent.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(f".{os.getpid()}.partial")  # several workers may train
        model.save(partial)
        partial.replace(cached)
    return model
