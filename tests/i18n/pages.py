"""Pages of a long answer (SMS pages for MORE, USSD screens for 98): record every one a walk
makes, and find a heading left on a page without its options."""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise

from bot.channels.text import is_option


def record(monkeypatch, module, name: str) -> list[list[str]]:
    """Every list of pages `module.name` returns while the test runs."""
    made: list[list[str]] = []
    original: Callable[..., list[str]] = getattr(module, name)

    def paged(*args, **kwargs) -> list[str]:
        made.append(original(*args, **kwargs))
        return made[-1]

    monkeypatch.setattr(module, name, paged)
    return made


def orphaned(pages: list[str], content: Callable[[str], str],
             apart: Callable[[str, str], bool] = lambda heading, option: False) -> list[str]:
    """Pages that end with a heading while its options open the next page, though the
    page holds something else (so the heading could have gone on with them). `content` is
    a page without its footer lines; `apart(heading, option)` says when they may not go on
    together (an SMS page planned with its values at their longest)."""
    found = []
    for page, following in pairwise(pages):
        lines = content(page).rstrip().split("\n")
        option = content(following).lstrip().split("\n")[0]
        if is_option(option) and not is_option(lines[-1]) and not apart(lines[-1], option) \
                and any(line.strip() for line in lines[:-1]):
            found.append(f"{page!r} then {following!r}")
    return found
