"""Render replies as plain text: options become numbered lines (SMS, WhatsApp text)."""

from __future__ import annotations

import re

from bot.messages import Reply

_OPTION = re.compile(r"\d{1,2}\. ")  # "3. Learn": an option as render_text writes it
# Words whose full stop ends no sentence ("Rs. 1,400", "No. 417"), and what a number after a
# space belongs to (the space is no place to cut).
_ABBREVIATIONS = ("Rs", "No", "Nos", "Dr", "Mr", "Mrs", "Ms", "Smt", "Shri", "St", "Pvt", "Ltd",
                  "approx", "vs", "e.g", "i.e")
_BEFORE_NUMBER = ("Rs", "Rs.", "No.", "INR", "\u20b9")
# A line's end, or a sentence's (full stop, danda, ! or ?) before a space, not after a digit
# (the "1." of an option line) nor an abbreviation; spaces between words, but not one before
# a number that belongs to the word before it.
SENTENCE_END = re.compile(r"\n|(?<!\d)" + "".join(rf"(?<!\b{re.escape(a)})"
                                                  for a in _ABBREVIATIONS)
                          + r"[.!?\u0964\u0965](?=\s)")
BREAK = re.compile("".join(rf"(?<!\b{re.escape(w)})" if w[0].isalpha() else rf"(?<!{w})"
                           for w in _BEFORE_NUMBER) + r" | (?!\d)")


def render_text(reply: Reply) -> str:
    """The reply's text followed by one numbered line per option."""
    lines = [reply.text] if reply.text else []
    lines += [f"{n}. {option.label}" for n, option in enumerate(reply.options, start=1)]
    return "\n".join(lines)


def is_option(line: str) -> bool:
    return bool(_OPTION.match(line))


def heading_start(page: str, following: str) -> int:
    """Where to end `page` so that a heading never ends a page without its options: the
    start of its last line when `following` (the next page) opens with an option, that line
    is a heading (text, not an option) and something else stays on the page; else
    len(page) (a page that is only the heading keeps it: nothing else to show there)."""
    text = page.rstrip()
    cut = text.rfind("\n")
    last = text[cut + 1:]
    if cut <= 0 or not is_option(following.lstrip()) or is_option(last) \
            or not text[:cut].strip():
        return len(page)
    return cut + 1
