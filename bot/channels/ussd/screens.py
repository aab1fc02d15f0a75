"""Turn replies into USSD screens that fit: options as numbered lines, long text paged.

A gateway shows at most a fixed number of characters per screen and counts them its own way
(UCS-2 code units, code points, or GSM septets); `Counter` holds that rule. A reply longer
than one screen is cut into pages at line or sentence ends (or spaces) with "98 More" and
"0 Back" lines, which the web layer answers from the stored pages without asking the flows
again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.channels.sms import GSM_EXTENSION, is_gsm7
from bot.channels.text import BREAK, SENTENCE_END, heading_start, render_text
from bot.i18n import N_, translate
from bot.messages import Reply

MORE, BACK, MENU = "98", "0", "00"  # the keys a partner presses on any screen
MORE_LABEL = N_("More")
BACK_LABEL = N_("Back")
MENU_LABEL = N_("Main menu")


def utf16_units(text: str) -> int:
    """UCS-2/UTF-16 code units: what most USSD gateways count for non-Latin text."""
    return len(text.encode("utf-16-le")) // 2


def gsm_septets(text: str) -> int:
    """GSM-7 septets when the text fits that alphabet, else UCS-2 code units."""
    if not is_gsm7(text):
        return utf16_units(text)
    return sum(2 if c in GSM_EXTENSION else 1 for c in text)


COUNTERS: dict[str, Callable[[str], int]] = {"utf16": utf16_units, "chars": len,
                                             "gsm7": gsm_septets}


@dataclass(frozen=True)
class Screen:
    """How one gateway draws a screen: its length limit and how it counts."""

    limit: int
    rule: str = "utf16"

    def count(self, text: str) -> int:
        return COUNTERS[self.rule](text)

    def fits(self, text: str) -> bool:
        return self.count(text) <= self.limit


def body(replies: Sequence[Reply]) -> str:
    """Every reply's text with its options as numbered lines; media are not shown (USSD
    carries text only)."""
    return "\n".join(text for text in (render_text(r) for r in replies) if text)


def with_menu_key(text: str, lang: str | None) -> str:
    """`text` with a last line "00 Main menu": for a screen that ends what the partner was
    doing (a code credited, a quiz scored) and offers nothing to press, so the session does
    not wait on a screen that says no key."""
    return f"{text}\n{MENU} {translate(lang, MENU_LABEL)}"


def paginate(text: str, screen: Screen, lang: str | None) -> list[str]:
    """Cut `text` into pages that each fit `screen`, footers included."""
    more = f"{MORE} {translate(lang, MORE_LABEL)}"
    back = f"{BACK} {translate(lang, BACK_LABEL)}"
    if screen.fits(text):
        return [text]
    pages: list[str] = []
    rest = text
    while rest:
        last_footer = f"\n{back}" if pages else ""
        if screen.fits(rest + last_footer):
            pages.append(rest + last_footer)
            break
        footer = f"\n{more}" + (f"\n{back}" if pages else "")
        head = _longest_head(rest, screen, footer)
        head = head[:heading_start(head, rest[len(head):])]  # a heading goes with its options
        pages.append(head.rstrip() + footer)
        rest = rest[len(head):].lstrip()
    return pages


def _longest_head(text: str, screen: Screen, footer: str) -> str:
    """The longest start of `text` that fits with `footer`, cut at its last line or sentence
    end, else at its last space: mid-sentence only where the last sentence end would leave
    the page less than half full, mid-word only for a word longer than a screen."""
    low, high = 1, len(text)
    while low < high:  # the largest n with text[:n] + footer fitting
        mid = (low + high + 1) // 2
        if screen.fits(text[:mid].rstrip() + footer):
            low = mid
        else:
            high = mid - 1
    if low == len(text):
        return text
    cuts = [max((m.end() for m in boundary.finditer(text, 0, low + 1) if m.end() <= low),
                default=0) for boundary in (SENTENCE_END, BREAK)]
    full = next((cut for cut in cuts if cut >= low // 2), max(cuts))
    return text[:full or low]
