"""The espeak-ng voice for each of our languages, if the installed espeak-ng has it."""

from __future__ import annotations

import logging
import subprocess
from functools import cache

log = logging.getLogger("saathi.speech")
ESPEAK = "espeak-ng"
# Our language code -> espeak-ng's (they differ for English only).
NAMES = {"en": "en-us"}


@cache
def installed() -> frozenset[str]:
    """The voice names espeak-ng lists (empty if espeak-ng is missing)."""
    try:
        listing = subprocess.run([ESPEAK, "--voices"], capture_output=True, text=True,
                                 check=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError) as exc:
        log.warning("espeak-ng unavailable", extra={"error": str(exc)})
        return frozenset()
    return frozenset(line.split()[1] for line in listing.splitlines()[1:] if line.split())


def voice_for(lang: str) -> str | None:
    """espeak-ng's voice for `lang`, or None when it does not speak it (text only, then)."""
    name = NAMES.get(lang, lang)
    return name if name in installed() else None
