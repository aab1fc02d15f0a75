"""Render replies as plain text: options become numbered lines (SMS, WhatsApp text)."""

from __future__ import annotations

import re

from bot.messages import Reply

_OPTION = re.compile(r"\d{1,2}\. ")  # "3. Learn": an option as render_text writes it


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
