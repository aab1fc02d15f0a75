"""SMS segment counting: GSM-7 (with its extension table) or UCS-2, as carriers bill them."""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.channels.text import BREAK, heading_start
from bot.i18n import N_
from models.messaging.conversation import KEPT

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


MAX_SEGMENTS = 2  # what one SMS may cost, always (issue 17)
MORE_KEY = "sms_more"  # in a conversation's kept data: the pages MORE sends next
MORE_HINT = N_("Reply MORE for the rest.")
LINK = N_("Saathi: open this link to see it: {url}")  # an image, as its own SMS
# Characters that force a whole SMS into UCS-2 (70 a segment instead of 160), each with the
# GSM-7 text that says the same: an English SMS never pays for a rupee sign or a curly quote.
# English SMS writes money one way everywhere: "Rs 1,400", as the programs' labels do.
GSM_SAFE = str.maketrans({
    "₹": "Rs ", "–": "-", "—": "-", "‑": "-", "‘": "'", "’": "'", "“": '"', "”": '"',
    "…": "...", "·": "-", "•": "-", "×": "x", "\u00a0": " ", "\u202f": " ", "\u2009": " ",
    "\t": " ", "²": "2", "³": "3", "≈": "~",
})
# "25°C" and "100 °C" as "25 deg C" and "100 deg C", "90°." as "90 deg." (one space before,
# one after where a word or a number follows).
_DEGREES = re.compile(r"\s*°(\w?)")


def gsm_safe(text: str) -> str:
    """`text` with its UCS-2-forcing punctuation in GSM-7, if that makes all of it GSM-7;
    otherwise unchanged (a Hindi SMS is UCS-2 anyway and keeps its ₹)."""
    plain = _DEGREES.sub(lambda m: " deg " + m[1] if m[1] else " deg", text)
    plain = plain.translate(GSM_SAFE).replace("Rs  ", "Rs ")  # "₹ 500" as "Rs 500"
    return plain if is_gsm7(plain) else text


def encoding(text: str) -> str:
    """"GSM-7" or "UCS-2": how a carrier encodes `text`."""
    return "GSM-7" if is_gsm7(text) else "UCS-2"


def fits(text: str, limit: int = MAX_SEGMENTS) -> bool:
    return segments(text) <= limit


def pages(text: str, hint: str, limit: int = MAX_SEGMENTS) -> list[str]:
    """Split `text` into SMS of at most `limit` segments each; every page but the last ends
    with `hint` ("Reply MORE for the rest"), and the last holds all that fits without it.
    Splits between lines, else between words, else between characters."""
    if fits(text, limit):
        return [text]
    found: list[str] = []
    page = ""
    pieces = _pieces(text, hint, limit)
    for n, piece in enumerate(pieces):
        if not page and not piece:
            continue  # a blank line between replies, at the top of a page
        joined = f"{page}\n{piece}" if page else piece
        if page and not fits(f"{joined}\n{hint}", limit):
            if fits(last := "\n".join([page, *pieces[n:]]), limit):  # all the rest: no hint
                return [*found, last]
            keep = heading_start(page, piece)  # a heading goes on with its first option
            heading = page[keep:]
            if heading and not fits(f"{heading}\n{piece}\n{hint}", limit):
                keep, heading = len(page), ""
            found.append(f"{page[:keep].rstrip()}\n{hint}")
            joined = f"{heading}\n{piece}" if heading else piece
        page = joined
    found.append(page)
    return found


def _pieces(text: str, hint: str, limit: int) -> list[str]:
    """The lines of `text` (blank ones too), each cut (at spaces, else anywhere) so it fits a
    page with `hint`."""
    pieces: list[str] = []
    for line in text.split("\n"):
        while line and not fits(f"{line}\n{hint}", limit):
            cut = _cut(line, hint, limit)
            pieces.append(line[:cut].rstrip())
            line = line[cut:].lstrip()
        pieces.append(line)
    return pieces


def _cut(line: str, hint: str, limit: int) -> int:
    """The longest prefix of `line` (ending at a space if there is one, not the one between
    "Rs" and its amount) that fits with `hint`."""
    low, high = 1, len(line)
    while low < high:  # binary search on the length that still fits
        middle = (low + high + 1) // 2
        if fits(f"{line[:middle]}\n{hint}", limit):
            low = middle
        else:
            high = middle - 1
    space = max((m.start() for m in BREAK.finditer(line, 0, low + 2) if m.start() <= low),
                default=0)
    return space if space > 0 else low


def absolute(urls: Iterable[str], base_url: str) -> list[str]:
    """Each URL, with `base_url` before the ones that are paths of ours."""
    return [base_url.rstrip("/") + url if url.startswith("/") else url for url in urls]


def with_links(text: str, media_urls: Iterable[str], base_url: str) -> str:
    """`text` with each image as a link on its own line (SMS carries no media), in GSM-7
    where it can be."""
    links = absolute(media_urls, base_url)
    return gsm_safe("\n".join([text, *links]) if text else "\n".join(links))


def keep_pages(data: dict, rest: list[str]) -> None:
    """Keep `rest` in a conversation's `data` for MORE; an empty `rest` forgets them."""
    kept = data.setdefault(KEPT, {})
    if rest:
        kept[MORE_KEY] = rest
    else:
        kept.pop(MORE_KEY, None)
    if not kept:
        data.pop(KEPT)


def next_page(data: dict) -> str | None:
    """Take the next page kept in a conversation's `data`, or None."""
    first, *rest = (data.get(KEPT) or {}).get(MORE_KEY) or [None]
    keep_pages(data, rest)
    return first
