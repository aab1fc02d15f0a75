"""SMS segment counting: GSM-7 (with its extension table) or UCS-2, as carriers bill them."""

from __future__ import annotations

# GSM 03.38 basic character set (one septet each) and extension table (escape + one septet).
GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENSION = frozenset("\f^{}\\[~]|€")


def is_gsm7(text: str) -> bool:
    """True if every character fits the GSM-7 alphabet (basic or extension table)."""
    return all(c in GSM_BASIC or c in GSM_EXTENSION for c in text)


def segments(text: str) -> int:
    """Return how many SMS segments `text` takes (0 for an empty text).

    GSM-7: 160 septets in one segment, 153 per segment when concatenated; an extension
    character takes two septets and is never split across segments. UCS-2: 70 UTF-16 code
    units in one segment, 67 per segment when concatenated; a surrogate pair is never split.
    """
    if not text:
        return 0
    if is_gsm7(text):
        units = [2 if c in GSM_EXTENSION else 1 for c in text]
        single, part = 160, 153
    else:
        units = [2 if ord(c) > 0xFFFF else 1 for c in text]
        single, part = 70, 67
    if sum(units) <= single:
        return 1
    count, used = 1, 0
    for size in units:
        if used + size > part:
            count, used = count + 1, 0
        used += size
    return count
