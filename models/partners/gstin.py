"""GSTIN format, state code and checksum (the 15th character is a mod-36 check over the first
14; the first two are the state's GST code)."""

from __future__ import annotations

import re

_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_SHAPE = re.compile(r"^[0-9]{2}[A-Z]{5}[0-9]{4}[A-Z][1-9A-Z]Z[0-9A-Z]$")
# 01 Jammu & Kashmir … 38 Ladakh, 97 Other Territory, 99 Centre Jurisdiction. Checking it also
# stops OCR repair from settling on a look-alike that only the checksum vouched for.
_STATE_CODES = frozenset({f"{n:02d}" for n in range(1, 39)} | {"97", "99"})


def check_char(first14: str) -> str:
    """Return the check character for the first 14 characters of a GSTIN."""
    total = 0
    for position, char in enumerate(first14.upper()):
        product = _ALPHABET.index(char) * (2 if position % 2 else 1)
        total += product // 36 + product % 36
    return _ALPHABET[(36 - total % 36) % 36]


def is_valid_gstin(gstin: str) -> bool:
    """True if `gstin` has the GSTIN shape, a known state code and a correct check character."""
    value = gstin.strip().upper()
    return (bool(_SHAPE.match(value)) and value[:2] in _STATE_CODES
            and check_char(value[:14]) == value[14])
