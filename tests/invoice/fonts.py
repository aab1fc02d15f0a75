"""Fonts for generated bills, found among what Debian's font packages install
(scripts/system-deps.sh lists them): print, monospace (thermal), handwriting, Devanagari."""

from __future__ import annotations

import functools
from pathlib import Path

from PIL import ImageFont

ROOTS = (Path("/usr/share/fonts/truetype"), Path("/usr/share/fonts/opentype"))
PRINT = ["DejaVuSans.ttf", "DejaVuSerif.ttf", "DejaVuSansCondensed.ttf", "NotoSans-Regular.ttf",
         "NotoSerif-Regular.ttf", "LiberationSans-Regular.ttf", "LiberationSerif-Regular.ttf",
         "FreeSans.ttf", "FreeSerif.ttf", "Carlito-Regular.ttf", "Caladea-Regular.ttf",
         "Lato-Regular.ttf", "Cantarell-Regular.otf", "OpenSans-Regular.ttf",
         "Roboto-Regular.ttf", "RobotoCondensed-Regular.ttf", "NimbusSans-Regular.otf",
         "NimbusRoman-Regular.otf", "NimbusSansNarrow-Regular.otf", "URWGothic-Book.otf",
         "C059-Roman.otf", "P052-Roman.otf", "LinBiolinum_R.otf", "LinLibertine_R.otf",
         "Andika-Regular.ttf", "Oxygen-Sans.ttf"]
# Weights and widths billing software sets whole bills in: bold, semibold, condensed.
WEIGHTS = ["Carlito-Bold.ttf", "NimbusSans-Bold.otf", "Roboto-Medium.ttf", "OpenSans-Semibold.ttf",
           "DejaVuSerifCondensed.ttf", "URWBookman-Light.otf", "LiberationSans-Bold.ttf",
           "DejaVuSansCondensed-Bold.ttf"]
MONO = ["DejaVuSansMono.ttf", "LiberationMono-Regular.ttf", "FreeMono.ttf",
        "NimbusMonoPS-Regular.otf", "Courier Prime.otf", "Inconsolata.otf",
        "JetBrainsMono-Regular.ttf", "Hack-Regular.ttf", "OxygenMono-Regular.ttf",
        "NotoMono-Regular.ttf"]
HAND = ["Humor-Sans.ttf", "dkg.ttf", "Breip.ttf", "KleeOne-Regular.ttf",
        "Kristi.ttf", "ComicNeue-Regular.otf"]
DEVANAGARI = ["NotoSansDevanagari-Regular.ttf", "NotoSerifDevanagari-Regular.ttf",
              "Lohit-Devanagari.ttf", "kalimati.ttf", "samanata.ttf"]


@functools.cache
def _index() -> dict[str, str]:
    found: dict[str, str] = {}
    for root in ROOTS:
        for path in sorted(root.rglob("*")):
            if path.suffix in (".ttf", ".otf"):
                found.setdefault(path.name, str(path))
    return found


def installed(names: list[str]) -> list[str]:
    """Paths of the named fonts that are installed (the generator uses what it finds)."""
    return [_index()[n] for n in names if n in _index()]


def path(name: str) -> str:
    """The path of one font by file name (KeyError if its package is missing)."""
    return _index()[name]


@functools.cache
def load(font: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(font, size)


@functools.cache
def has_rupee(font: str) -> bool:
    """Whether the font draws '₹' (else bills printed in it say 'Rs.')."""
    face = load(font, 40)
    return bytes(face.getmask("₹")) != bytes(face.getmask("\uffff"))
