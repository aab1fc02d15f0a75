"""Options as WhatsApp draws them: up to 3 reply buttons, up to 10 list rows, more as
numbered text; titles shortened to WhatsApp's limits by one rule that keeps them distinct.

The limits are Meta's (Cloud API "interactive" messages) and Twilio's Content API uses the
same ones for quick replies and list pickers, so both adapters share this module.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from bot.i18n import N_
from bot.messages import Option, Reply

MAX_BUTTONS = 3
MAX_ROWS = 10
BUTTON_TITLE = 20
LIST_BUTTON = 20
ROW_TITLE = 24
ROW_DESCRIPTION = 72
SECTION_TITLE = 24
INTERACTIVE_BODY = 1024  # buttons; a list's body may be longer, but one limit keeps it simple
ELLIPSIS = "…"
LIST_LABEL = N_("Choose")  # the text of the button that opens a list


@dataclass(frozen=True)
class Choice:
    """One option as drawn: its key (the id a tap sends back), title and description."""

    key: str
    title: str
    description: str = ""


def shorten(text: str, limit: int) -> str:
    """`text` within `limit` characters, cut before a combining mark (a vowel sign or virama
    stays with its consonant) and ended with an ellipsis when cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = limit - len(ELLIPSIS)
    while cut > 1 and unicodedata.category(text[cut])[0] == "M":
        cut -= 1
    return text[:cut].rstrip() + ELLIPSIS


def titles(options: tuple[Option, ...], limit: int) -> list[Choice]:
    """Each option's title within `limit`, all distinct: if shortening makes two alike (or
    two labels are alike already), every title is numbered "1. …" as the text menu is. A
    label that had to be cut keeps its whole text as the row's description (lists only)."""
    plain = [shorten(o.label, limit) for o in options]
    if len(set(plain)) < len(plain):
        plain = [shorten(f"{n}. {o.label}", limit) for n, o in enumerate(options, start=1)]
    return [Choice(o.key, title, shorten(o.label, ROW_DESCRIPTION) if title != o.label else "")
            for o, title in zip(options, plain, strict=True)]


def rows(options: tuple[Option, ...]) -> list[dict]:
    """A list's rows: id, title, and the whole label as description when the title is cut."""
    drawn = []
    for choice in titles(options, ROW_TITLE):
        row = {"id": choice.key, "title": choice.title}
        if choice.description:
            row["description"] = choice.description
        drawn.append(row)
    return drawn


def kind(reply: Reply) -> str:
    """How a reply is drawn: "text", "buttons" or "list"."""
    count = len(reply.options)
    if not count or not reply.text or len(reply.text) > INTERACTIVE_BODY or reply.media_url:
        return "text"
    if any(not 0 < len(o.key) <= 200 for o in reply.options):
        return "text"
    if count <= MAX_BUTTONS:
        return "buttons"
    return "list" if count <= MAX_ROWS else "text"
