"""Read a partner's answer to numbered options: "2", "b", "B)", or the option's text."""

from __future__ import annotations

import re
import unicodedata

from rapidfuzz import fuzz, process

from bot.messages import Option

_LETTERS = "abcdefghij"


def normalize(text: str) -> str:
    """Lower-case, fold width/compatibility forms, squeeze spaces, drop edge punctuation."""
    text = unicodedata.normalize("NFKC", text).strip().lower()
    return re.sub(r"\s+", " ", text).strip(" .,!?)(:-")


def pick(text: str, options: tuple[Option, ...] | list[Option], *, cutoff: int = 80
         ) -> str | None:
    """Return the key of the option the text chooses, or None when it chooses none clearly."""
    answer = normalize(text)
    if not answer or not options:
        return None
    if answer.isdigit():
        index = int(answer) - 1
        return options[index].key if 0 <= index < len(options) else None
    if len(answer) == 1 and answer in _LETTERS[: len(options)]:
        return options[_LETTERS.index(answer)].key
    labels = {normalize(o.label): o.key for o in options}
    labels.update({normalize(o.key): o.key for o in options})
    if answer in labels:
        return labels[answer]
    best = process.extract(answer, list(labels), scorer=fuzz.WRatio, limit=2)
    if not best or best[0][1] < cutoff:
        return None
    if len(best) > 1 and best[1][1] == best[0][1] and labels[best[1][0]] != labels[best[0][0]]:
        return None  # a tie between two different options is not a choice
    return labels[best[0][0]]
