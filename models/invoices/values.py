"""Invoice values as people write them — printed on a page or typed in a chat: amounts in
rupees, dates and invoice numbers. The OCR reader and the invoice dialogue read them the same
way."""

from __future__ import annotations

import re
from datetime import date

TO_DIGIT = {"O": "0", "D": "0", "Q": "0", "I": "1", "L": "1", "|": "1", "Z": "2", "S": "5",
            "B": "8", "G": "6", "T": "7"}
MONTHS = {m: i for i, m in enumerate(
    ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"), 1)}
_DMY = re.compile(r"\b([0-3]?\d)\s?[/\-.]\s?([01]?\d)\s?[/\-.]\s?(\d{4}|\d{2})\b")
# GST invoice numbers (CGST rule 46): at most 16 letters, digits, hyphens and slashes.
_NUMBER = re.compile(r"[A-Za-z0-9/\-]{1,16}")
_DMONY = re.compile(r"\b([0-3]?\d)[\s\-/.]*([A-Z]{3})[A-Z]*[\s\-/.,]*(\d{4}|\d{2})\b", re.I)


def digits_only(text: str) -> str:
    """Read an amount token in which letters stand for digits ("1,23,4S6.0O" -> "1,23,456.00")."""
    return "".join(TO_DIGIT.get(c, c) if c.isalpha() else c for c in text.upper())


def parse_amount(token: str) -> int | None:
    """Paise in a printed amount: '1,23,456.00', '123456.00', '1.23.456,00', '14,420'."""
    digits = sum(c.isdigit() for c in token)
    text = digits_only(token) if digits >= 0.6 * sum(c.isalnum() for c in token) else token
    head, paise = text, "00"
    if re.search(r"[.,]\d{2}$", text) and not re.fullmatch(r"\d{1,3}[.,]\d{3}", text):
        head, paise = text[:-3], text[-2:]
    elif re.search(r"\.\d$", text):
        head, paise = text[:-2], text[-1] + "0"
    groups = re.split(r"[.,]", head)
    if not all(g.isdigit() for g in groups) or not groups[0] or len(groups[0]) > (
            3 if len(groups) > 1 else 9):
        return None
    if {len(g) for g in groups[1:-1]} == {2, 3}:
        # Lakh and thousand groups mixed ("161.216.87.34.01.310.62"): two figures run
        # together, each with its rupee sign read as a digit (Vyapar's item table Total row,
        # "₹61,216.87 ₹4,01,310.62": fresh seed 257, vyapar photo 79), no one amount.
        return None
    if len(groups) > 1 and (len(groups[-1]) != 3 or any(len(g) not in (2, 3)
                                                         for g in groups[1:-1])):
        # A comma lost between digits ("5,32732.00"): still one amount, never a date.
        return int("".join(groups)) * 100 + int(paise) if re.fullmatch(
            r"\d{1,3}(?:,\d+)+\.\d{2}", text) else None
    return int("".join(groups)) * 100 + int(paise)


def parse_date(text: str) -> date | None:
    """The first date in `text`: 12/03/2026, 12-03-2026, 12.03.26, 12-Mar-2026."""
    for pattern in (_DMONY, _DMY):
        for match in pattern.finditer(text):
            day, month, year = match.groups()
            month_no = MONTHS.get(month[:3].upper()) if not month.isdigit() else int(month)
            full_year = int(year) + 2000 if len(year) == 2 else int(year)
            try:
                return date(full_year, month_no or 0, int(day))
            except ValueError:
                continue
    return None


def parse_number(text: str) -> str | None:
    """An invoice number as a partner types it ("ST/2026/00417", spaces dropped), upper-cased;
    None unless it has the shape GST gives invoice numbers and holds a digit."""
    number = "".join(text.split()).upper()
    return number if _NUMBER.fullmatch(number) and any(c.isdigit() for c in number) else None
