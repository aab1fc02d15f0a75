"""How well a recogniser's output fits a given amount: CTC scoring over the classes an amount
is written in.

A CTC recogniser (PP-OCR's) gives, for each column of a text image, a probability for each
character and for "blank". Its reading is the most likely character of each column; the
probability that the image says some other string is the sum over every alignment of that
string to the columns (the CTC forward algorithm). Where the image is a handwritten amount,
a letter is the digit it looks like ("C" and "O" a 0, "l" a 1, "q" a 9, "Z" a 2) and a comma
the same mark as a point (a pen's dot or tick), so the classes are merged before scoring."""

from __future__ import annotations

import numpy as np

# The characters each class of an amount is read as (PP-OCR's dictionary).
CLASSES = {"0": "0OoCcDQ", "1": "1lI|i!", "2": "2Zz", "3": "3", "4": "4", "5": "5Ss",
           "6": "6b", "7": "7", "8": "8B", "9": "9qg", ".": ".,", "-": "-=", "/": "/"}
KEYS = tuple(CLASSES)
RUNNERS_UP = 2  # other digits offered per character at most
_FLOOR = 1e-12


def amount_classes(probs: np.ndarray, charset: list[str]) -> np.ndarray:
    """The columns' probabilities (columns x charset, blank first) folded into blank and
    CLASSES (columns x 1 + len(CLASSES))."""
    index = {char: i for i, char in enumerate(charset)}
    folded = [probs[:, 0]] + [probs[:, [index[c] for c in chars if c in index]].sum(axis=1)
                              for chars in CLASSES.values()]
    return np.stack(folded, axis=1)


def reading(folded: np.ndarray) -> str:
    """The most likely string: each column's best class, repeats and blanks dropped."""
    best, out, previous = folded.argmax(axis=1), [], 0
    for label in best:
        if label and label != previous:
            out.append(KEYS[label - 1])
        previous = label
    return "".join(out)


def alternatives(folded: np.ndarray, least: float = 0.02) -> list[list[str]]:
    """The likeliest string as its characters, each with the other digits (RUNNERS_UP at most)
    the recogniser gave at least `least` where it wrote that character (a pen's 2 under its
    7), likeliest first."""
    best, found, previous = folded.argmax(axis=1), [], 0
    for column, label in enumerate(best):
        if label and label != previous:
            found.append((label, column))
        elif label and folded[column, label] > folded[found[-1][1], label]:
            found[-1] = (label, column)  # the column where the character is clearest
        previous = label
    out = []
    for label, column in found:
        char = KEYS[label - 1]
        others = [KEYS[k - 1] for k in np.argsort(-folded[column]) if k and k != label
                  and folded[column, k] >= least and KEYS[k - 1].isdigit()]
        out.append([char, *others[:RUNNERS_UP]] if char.isdigit() else [char])
    return out


def log_likelihood(folded: np.ndarray, text: str) -> float:
    """Natural log of the probability that the columns say `text` (a comma read as a point);
    -inf for a character outside CLASSES."""
    text = text.replace(",", ".")
    if any(c not in CLASSES for c in text):
        return float("-inf")
    if not text:
        return float(np.log(np.maximum(folded[:, 0], _FLOOR)).sum())
    labels = np.zeros(2 * len(text) + 1, dtype=int)  # blank, c1, blank, c2, ..., blank
    labels[1::2] = [KEYS.index(c) + 1 for c in text]
    skip = np.zeros(len(labels), dtype=bool)  # from two back: a character not its neighbour's
    skip[3::2] = labels[3::2] != labels[1:-2:2]
    logs = np.log(np.maximum(folded, _FLOOR))[:, labels]
    alpha = np.full(len(labels), -np.inf)
    alpha[:2] = logs[0, :2]
    for column in logs[1:]:
        step = alpha.copy()
        step[1:] = np.logaddexp(step[1:], alpha[:-1])
        step[2:] = np.where(skip[2:], np.logaddexp(step[2:], alpha[:-2]), step[2:])
        alpha = step + column
    return float(np.logaddexp(alpha[-1], alpha[-2]))
