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


_NOT_GSM7 = re.compile("[^" + re.escape("".join(sorted(GSM_BASIC | GSM_EXTENSION))) + "]")


def is_gsm7(text: str) -> bool:
    """True if every character fits the GSM-7 alphabet (basic or extension table)."""
    return _NOT_GSM7.search(text) is None


def segments(text: str) -> int:
    """Return how many SMS segments `text` takes (0 for an empty text).

    GSM-7: 160 septets in one segment, 153 per segment when concatenated; an extension
    character takes two septets and is never split across segments. UCS-2: 70 UTF-16 code
    units in one segment, 67 per segment when concatenated; a surrogate pair is never split.
    Counted without a loop over the characters where none takes two units: a program's DLT
    check (flows/program_sms.needed) counts millions of pages.
    """
    if not text:
        return 0
    gsm7 = is_gsm7(text)
    if gsm7:
        double, single, part = sum(text.count(c) for c in GSM_EXTENSION), 160, 153
    else:
        double, single, part = len(text.encode("utf-16-le")) // 2 - len(text), 70, 67
    if len(text) + double <= single:
        return 1
    if not double:
        return -(-len(text) // part)
    count, used = 1, 0
    for char in text:
        size = 2 if (char in GSM_EXTENSION if gsm7 else ord(char) > 0xFFFF) else 1
        if used + size > part:
            count, used = count + 1, 0
        used += size
    return count


MAX_SEGMENTS = 2  # what one SMS may cost, always (issue 17)
MORE_KEY = "sms_more"  # in a conversation's kept data: the pages MORE sends next
MORE_HINT = N_("Reply MORE for the rest.")
ASK_NUMBER = N_("Reply with a number.")  # over a last page of options alone (`planned`)
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


def gsm_safe(text: str, english: bool = False) -> str:
    """`text` with its UCS-2-forcing punctuation in GSM-7, if that makes all of it GSM-7 or
    the text is `english` (its wording is registered so: a partner's name in Devanagari makes
    the SMS UCS-2, not its "Rs 500"); otherwise unchanged (a Hindi SMS keeps its ₹)."""
    plain = _DEGREES.sub(lambda m: " deg " + m[1] if m[1] else " deg", text)
    plain = plain.translate(GSM_SAFE).replace("Rs  ", "Rs ")  # "₹ 500" as "Rs 500"
    return plain if english or is_gsm7(plain) else text


def encoding(text: str) -> str:
    """"GSM-7" or "UCS-2": how a carrier encodes `text`."""
    return "GSM-7" if is_gsm7(text) else "UCS-2"


def fits(text: str, limit: int = MAX_SEGMENTS) -> bool:
    return segments(text) <= limit


def pages(text: str, hint: str, limit: int = MAX_SEGMENTS, plan: str | None = None,
          ask: str | None = None) -> list[str]:
    """Split `text` into SMS of at most `limit` segments each; every page but the last ends
    with `hint` ("Reply MORE for the rest"), and the last holds all that fits without it.
    Splits between lines, else between words, else between characters.

    `plan` is `text` with every value at its longest (bot/channels/dlt_shapes.py), line for
    line: a text that does not fit is cut where its plan is (`planned`), so a text of one
    DLT shape is always cut in the same places, whatever its values, and each page is a
    registered template. A value longer than planned is cut on the text itself. `ask`
    ("Reply with a number.") heads a last page of options alone (`planned`)."""
    if fits(text, limit):
        return [text]
    if plan is not None and (found := planned(text, plan, hint, limit, ask)) is not None \
            and all(fits(page, limit) for page in found):
        return found
    return planned(text, text, hint, limit, ask) or [text]


def planned(text: str, plan: str, hint: str, limit: int = MAX_SEGMENTS,
            ask: str | None = None) -> list[str] | None:
    """The pages of `text` cut where `plan` (the same lines, longer) is cut; None when a line
    of `text` that differs from its plan would have to be cut inside. A last page of values
    alone (a quiz's answers after a question too long to share their page) opens with `ask`
    when it fits: a DLT portal registers no template of variables alone."""
    if fits(plan, limit):
        return [text]
    pieces = _pieces(text, plan, hint, limit)
    if pieces is None:
        return None
    plans = [p for p, _ in pieces]
    groups = _groups(plans, hint, limit)
    made = [_page([pieces[n][1] for n in group], hint if n < len(groups) - 1 else None)
            for n, group in enumerate(groups)]
    last = "\n".join(plans[n] for n in groups[-1])
    if ask and len(made) > 1 and not _has_words(last) and fits(f"{ask}\n{last}", limit):
        made[-1] = f"{ask}\n{made[-1]}"
    return made


def _page(lines: list[str], hint: str | None) -> str:
    text = "\n".join(lines)
    return f"{text.rstrip()}\n{hint}" if hint is not None else text


def _groups(pieces: list[str], hint: str, limit: int) -> list[list[int]]:
    """Which pieces go on which page (see `pages`), by their index."""
    def joined(group: list[int]) -> str:
        return "\n".join(pieces[n] for n in group)

    found: list[list[int]] = []
    page: list[int] = []
    for n, piece in enumerate(pieces):
        if not page and not piece:
            continue  # a blank line between replies, at the top of a page
        if page and not fits(f"{joined([*page, n])}\n{hint}", limit):
            if fits(joined(rest := [*page, *range(n, len(pieces))]), limit):
                return _worded([*found, rest], pieces, limit)  # all the rest: no hint
            keep = _heading(pieces, page, piece)  # a heading goes on with its first option
            heading = page[keep:]
            if heading and not fits(f"{joined([*heading, n])}\n{hint}", limit):
                keep, heading = len(page), []
            found.append(page[:keep])
            page = heading
        page = [*page, n]
    return _worded([*found, page], pieces, limit)


def _worded(found: list[list[int]], pieces: list[str], limit: int) -> list[list[int]]:
    """`found` with words on its last page: a page of values alone (options of program
    content, a link) takes the lines before it from the page before, as long as it fits (DLT
    portals refuse a template of variables alone; the other pages end with the hint)."""
    while len(found) > 1 and len(found[-2]) > 1 and not any(
            _has_words(pieces[n]) for n in found[-1]):
        moved = [found[-2][-1], *found[-1]]
        if not fits("\n".join(pieces[n] for n in moved), limit):
            break
        found = [*found[:-2], found[-2][:-1], moved]
    return found


def _has_words(plan: str) -> bool:
    """Whether lines of a plan hold a word of their own (not a value, not an option's number)."""
    return any(_WORD.search(_FILLED.sub("", _HEAD.sub("", line))) for line in plan.split("\n"))


def _heading(pieces: list[str], page: list[int], following: str) -> int:
    """Where `page` ends so that a heading goes on with its options (text.heading_start)."""
    text = "\n".join(pieces[n] for n in page)
    cut = heading_start(text, following)
    return len(page) if cut == len(text) else text[:cut].count("\n")


def _pieces(text: str, plan: str, hint: str, limit: int) -> list[tuple[str, str]] | None:
    """The lines of `plan` and `text` (blank ones too), side by side, each cut (at spaces,
    else anywhere) so it fits a page with `hint`: where the plan is cut, in its fixed words
    or before a value (`_aligned`); None if a value alone is too long."""
    lines, planned = text.split("\n"), plan.split("\n")
    if len(lines) != len(planned):
        return None
    pieces: list[tuple[str, str]] = []
    for line, line_plan in zip(lines, planned, strict=True):
        while line and not fits(f"{line_plan}\n{hint}", limit):
            cut = at = _cut(line_plan, hint, limit)
            if line != line_plan:
                cut, at = _aligned(line, line_plan, cut) or (0, 0)
            if not at:
                return None
            pieces.append((line_plan[:cut].rstrip(), line[:at].rstrip()))
            line, line_plan = line[at:].lstrip(), line_plan[cut:].lstrip()
        pieces.append((line_plan, line))
    return pieces


# A value at its longest, in a plan (bot/channels/dlt_shapes.py): a character that takes the
# encoding's one unit and never stands in a fixed word in such a run.
FILL = {"GSM-7": "@", "UCS-2": "\ue000"}
_FILLED = re.compile("@{8,}|\ue000+")
_HEAD = re.compile(r"^\d{1,2}\. ")
# a word: two letters, or a letter and an Indic vowel sign or virama (not \w: "கேள்வி")
_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|[\u0900-\u0dff])")


def _aligned(line: str, plan: str, cut: int) -> tuple[int, int] | None:
    """Where `plan` and `line` are cut when the plan would be cut at `cut`: in the same fixed
    words (the values between them stand for any text), or before the value `cut` falls in
    or that only spaces part it from ("{notice} {program}": a notice has spaces too, so
    that space is no place to cut), at an earlier space of the fixed words before it if
    there is one; None if that leaves nothing before."""
    def pattern(part: str) -> str:
        return "(?:.+?)".join(re.escape(fixed) for fixed in _FILLED.split(part))

    values = [(m.start(), m.end()) for m in _FILLED.finditer(plan)]
    while cut > 0:
        before = [(start, end) for start, end in values if start < cut]
        after = [start for start, _ in values if start >= cut]
        if after and (not before or before[-1][1] <= cut) and not plan[cut:after[0]].strip():
            cut = after[0]  # "for {name}, {item}": after "for", right before the value
        clear = not before or (before[-1][1] <= cut and plan[before[-1][1]:cut].strip())
        clear = clear and (not after or after[0] == cut or plan[cut:after[0]].strip())
        if clear:
            found = re.fullmatch(f"{pattern(plan[:cut])}(?P<cut>){pattern(plan[cut:])}", line,
                                 re.S)
            return (cut, found.start("cut")) if found else None
        fixed = before[-1][1] if before else 0  # where the fixed words before `cut` start
        earlier = [m.start() for m in BREAK.finditer(plan, fixed, cut) if fixed < m.start()]
        cut = earlier[-1] if fixed <= cut and earlier else before[-1][0] if before else 0
    return None


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
