"""A page as OCR engines hand it over: lines of words, each word with its confidence."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Word:
    text: str
    conf: float  # the engine's confidence in the word, 0..1


@dataclass(frozen=True)
class Line:
    words: tuple[Word, ...]
    box: tuple[int, int, int, int] = (0, 0, 0, 0)  # left, top, right, bottom on the page

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    def conf_of(self, value: str) -> float:
        """The lowest confidence among the words that make up `value`."""
        squeezed = re.sub(r"\W", "", value.upper())
        confs = [w.conf for w in self.words
                 if (t := re.sub(r"\W", "", w.text.upper())) and (t in squeezed or squeezed in t)]
        return min(confs) if confs else 0.5
