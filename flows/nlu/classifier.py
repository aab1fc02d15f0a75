"""The intent classifier: character n-grams (within words, 1-4 long, so typos and any script
share most of their features) beside whole words and word pairs ("kab expire", "kitne
point": what a sentence is about, where single letters blur it), each tf-idf weighted and
normalised on its own, into a linear support vector machine, trained with scikit-learn from
the utterance files in utterances/.

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
LONGEST_PHRASE = 2  # words and word pairs
WORD_WEIGHT = 0.5  # the words' block beside the letters' (chosen on the dev set)
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


def phrases(text: str) -> list[str]:
    """The words and word pairs of a cleaned text, as scikit-learn's `word` analyzer makes
    them with the token pattern `\\S+` (Indian scripts' vowel signs are not `\\w`)."""
    words = text.split()
    return [" ".join(words[i:i + n]) for n in range(1, LONGEST_PHRASE + 1)
            for i in range(len(words) - n + 1)]


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
    from sklearn.pipeline import FeatureUnion, Pipeline
    from sklearn.svm import LinearSVC

    features = FeatureUnion([
        ("grams", TfidfVectorizer(analyzer="char_wb", ngram_range=(1, LONGEST_GRAM),
                                  sublinear_tf=True)),
        ("words", TfidfVectorizer(analyzer="word", token_pattern=r"\S+", lowercase=False,
                                  ngram_range=(1, LONGEST_PHRASE), sublinear_tf=True)),
    ], transformer_weights={"grams": 1.0, "words": WORD_WEIGHT})
    model = Pipeline([("features", features), ("intent", LinearSVC(C=1.0))])
    model.fit([clean(text) for _, _, text in rows], [intent for _, intent, _ in rows])
    return model


@dataclass(frozen=True)
class Guess:
    intent: str
    confidence: float  # 0-1: the softmax of the machine's scores


class Classifier:
    """A trained model's numbers: the two likeliest intents of a text. The vocabulary is the
    letters' n-grams, then (from `split` on) the words and word pairs; idf and weights rows
    follow the same order."""

    def __init__(self, intents: list[str], vocabulary: list[str], split: int, idf: np.ndarray,
                 weights: np.ndarray, intercept: np.ndarray) -> None:
        self.intents = intents
        self.vocabulary = vocabulary
        self.split = split
        self._grams = {gram: i for i, gram in enumerate(vocabulary[:split])}
        self._phrases = {phrase: split + i for i, phrase in enumerate(vocabulary[split:])}
        self._idf, self._weights, self._intercept = idf, weights, intercept

    @classmethod
    def of(cls, model: Pipeline) -> Classifier:
        union, machine = model.named_steps["features"], model.named_steps["intent"]
        blocks = [union.named_transformers[name] for name in ("grams", "words")]
        vocabularies = [sorted(v.vocabulary_, key=v.vocabulary_.get) for v in blocks]
        return cls([str(c) for c in machine.classes_], vocabularies[0] + vocabularies[1],
                   len(vocabularies[0]), np.concatenate([v.idf_ for v in blocks]),
                   np.ascontiguousarray(machine.coef_.T), machine.intercept_)

    def save(self, path: Path) -> None:
        with path.open("wb") as handle:
            np.savez(handle, intents=np.array(self.intents), vocabulary=np.array(self.vocabulary),
                     split=np.array(self.split), idf=self._idf, weights=self._weights,
                     intercept=self._intercept)

    @classmethod
    def read(cls, path: Path) -> Classifier:
        with np.load(path, allow_pickle=False) as saved:
            return cls([str(i) for i in saved["intents"]], [str(g) for g in saved["vocabulary"]],
                       int(saved["split"]), saved["idf"], saved["weights"], saved["intercept"])

    @staticmethod
    def _counts(found: list[str], index: dict[str, int]) -> dict[int, int]:
        """How often each known feature occurs (by its row)."""
        counts: dict[int, int] = {}
        for feature in found:
            at = index.get(feature)
            if at is not None:
                counts[at] = counts.get(at, 0) + 1
        return counts

    def _scores_of(self, counts: dict[int, int], scale: float) -> np.ndarray | None:
        """One block's contribution: its tf-idf vector (sublinear tf, l2 norm, times the
        block's weight) times the machine's coefficients."""
        if not counts:
            return None
        indices = np.fromiter(counts, dtype=np.intp, count=len(counts))
        tf = 1.0 + np.log(np.fromiter(counts.values(), dtype=float, count=len(counts)))
        weights = tf * self._idf[indices]
        weights *= scale / np.sqrt(weights @ weights)
        return weights @ self._weights[indices]

    def scores(self, text: str) -> tuple[np.ndarray, float]:
        """The machine's decision scores, one per intent (as `decision_function`), and the
        share of the text's letter n-grams the model knows."""
        cleaned = clean(text)
        found = grams(cleaned)
        letters = self._counts(found, self._grams)
        words = self._counts(phrases(cleaned), self._phrases)
        total = self._intercept.copy()
        for counts, scale in ((letters, 1.0), (words, WORD_WEIGHT)):
            part = self._scores_of(counts, scale)
            if part is not None:
                total += part
        known = sum(letters.values()) / len(found) if found else 0.0
        return total, known

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
