"""Writing systems: the script of a character, the Noto font that draws it, and text cut into
runs of one script so that each run is drawn with a font that has its glyphs.

One table (`SCRIPTS`): a new script is one line (every font here is in Debian's
fonts-noto-core); Assamese is written in the Bengali script.
A language's script is that of its own name in `bot.i18n.LANGUAGES`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from bot.i18n import LANGUAGES

log = logging.getLogger("saathi.fonts")
NOTO = Path("/usr/share/fonts/truetype/noto")  # Debian: fonts-noto-core


@dataclass(frozen=True)
class Script:
    name: str
    blocks: tuple[tuple[int, int], ...]  # inclusive code point ranges of its letters and signs
    font: str  # Noto family file stem: NOTO/<font>-Regular.ttf and -Bold.ttf

    def has(self, char: str) -> bool:
        return any(first <= ord(char) <= last for first, last in self.blocks)

    def font_path(self, bold: bool = False) -> Path:
        return NOTO / f"{self.font}-{'Bold' if bold else 'Regular'}.ttf"


LATIN = Script("Latin", ((0x41, 0x5A), (0x61, 0x7A), (0xC0, 0x24F)), "NotoSans")
SCRIPTS: tuple[Script, ...] = (
    LATIN,
    # U+0964/0965 (danda) are shared by several scripts: left out, so they join any run.
    Script("Devanagari", ((0x0900, 0x0963), (0x0966, 0x097F), (0xA8E0, 0xA8FF)),
           "NotoSansDevanagari"),
    Script("Bengali", ((0x0980, 0x09FF),), "NotoSansBengali"),
    Script("Gujarati", ((0x0A80, 0x0AFF),), "NotoSansGujarati"),
    Script("Tamil", ((0x0B80, 0x0BFF),), "NotoSansTamil"),
    Script("Telugu", ((0x0C00, 0x0C7F),), "NotoSansTelugu"),
    Script("Kannada", ((0x0C80, 0x0CFF),), "NotoSansKannada"),
    Script("Gurmukhi", ((0x0A00, 0x0A7F),), "NotoSansGurmukhi"),
    Script("Malayalam", ((0x0D00, 0x0D7F),), "NotoSansMalayalam"),
    Script("Oriya", ((0x0B00, 0x0B7F),), "NotoSansOriya"),
)


def script_of(char: str) -> Script | None:
    """The script `char` belongs to; None for characters every script uses (spaces, digits,
    punctuation, ₹, joiners)."""
    return next((s for s in SCRIPTS if s.has(char)), None)


def language_script(lang: str) -> Script:
    """The script a language is written in: that of its own name."""
    own = LANGUAGES[lang][1]
    return next((s for ch in own if (s := script_of(ch)) is not None), LATIN)


@cache
def _cmap(path: Path) -> frozenset[int]:
    from fontTools.ttLib import TTFont  # only when drawing: keeps `flask --help` quick

    try:
        with TTFont(path, lazy=True) as font:
            return frozenset(font.getBestCmap())
    except OSError as exc:
        log.warning("font missing", extra={"font": str(path), "error": str(exc)})
        return frozenset()


def covers(script: Script, char: str, bold: bool = False) -> bool:
    """Whether the script's font has a glyph for `char`."""
    return ord(char) in _cmap(script.font_path(bold))


def _shared(char: str, before: Script | None, after: Script | None, used: list[Script],
            bold: bool) -> Script:
    """The script whose font draws a character of no script: the run it is in, else the next
    one, else another script of the text, else any font that has it."""
    for candidate in (before, after, *used, *SCRIPTS):
        if candidate is not None and covers(candidate, char, bold):
            return candidate
    return before or after or LATIN


def runs(text: str, bold: bool = False) -> list[tuple[Script, str]]:
    """Cut `text` into (script, part) runs, each drawable with its script's font. Spaces,
    digits and punctuation join a neighbouring run whose font has them."""
    own = [script_of(char) for char in text]
    used = [s for s in dict.fromkeys(own) if s is not None]
    found: list[tuple[Script, str]] = []
    for index, char in enumerate(text):
        script = own[index] or _shared(
            char, found[-1][0] if found else None,
            next((s for s in own[index + 1:] if s is not None), None), used, bold)
        if found and found[-1][0] == script:
            found[-1] = (script, found[-1][1] + char)
        else:
            found.append((script, char))
    return found
