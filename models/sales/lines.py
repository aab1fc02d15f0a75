"""One sale (or credit note) as a feed gives it, and its checks: what every reader (Tally XML,
CSV, XLSX, the API) produces, and what the importer credits.

A reader yields `RawLine`s of text as written; `validate` turns one into a `Sale`, or says in
one line why not (the per-row report carries it to the distributor).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache

from models.invoices.values import parse_amount
from models.partners.gstin import is_valid_gstin
from models.partners.partner import InvalidPhone, normalize_phone

MAX_PAISE = 10**12  # ₹1,000 crore: no one invoice is larger
RETURN_WORDS = ("credit note", "return", "credit")
# An amount as exports write it (1,23,456.50 5000 12345.5): read without `parse_amount`'s
# repairs of misread print, to the same paise.
_PLAIN_AMOUNT = re.compile(r"(\d{1,9}|\d{1,3}(?:,\d{2,3})*,\d{3})(?:\.(\d{1,2}))?")
_CURRENCY = re.compile(r"(?i)^(rs\.?|inr|₹)\s*")
_PINCODE = re.compile(r"[1-9]\d{5}")
_NOT_DIGIT = re.compile(r"\D")
_LEADING_NUMBER = re.compile(r"\s*(\d+)")


@dataclass
class RawLine:
    row: int  # 1-based, as the distributor sees it (a sheet's data row, a Tally voucher)
    number: str = ""
    date: str = ""
    amount: str = ""
    date_format: str = "%d-%m-%Y"
    kind: str = ""  # "Sales", "Credit Note", ...
    against: str = ""
    buyer_gstin: str = ""
    buyer_phone: str = ""
    buyer_name: str = ""
    buyer_pincode: str = ""
    items: list[dict] = field(default_factory=list)  # {"name", "hsn", "quantity", "amount"}
    refused: str = ""  # the reader's reason to refuse the row (a formula cell)


@dataclass(frozen=True)
class Sale:
    row: int
    number: str
    day: date
    total_paise: int
    is_return: bool = False
    against: str | None = None  # a return's invoice number
    buyer_gstin: str | None = None
    buyer_phone: str | None = None
    buyer_name: str | None = None
    buyer_pincode: str | None = None
    items: tuple[dict, ...] = ()  # as Invoice.items: {"name", "hsn", "quantity", "amount_paise"}


class FileRefused(ValueError):
    """The whole file cannot be read; the message says why, for the distributor."""


class Invalid(ValueError):
    """A row that cannot be a sale; the message is the report's reason."""


def validate(line: RawLine) -> Sale:
    """The sale `line` stands for; raises Invalid with the reason."""
    if line.refused:
        raise Invalid(line.refused)
    number = " ".join(line.number.split())
    if not number:
        raise Invalid("no invoice number")
    if len(number) > 40:
        raise Invalid("invoice number longer than 40 characters")
    total = amount_paise(line.amount, "amount")
    if total <= 0:
        raise Invalid("amount must be more than zero")
    is_return = any(word in line.kind.lower() for word in RETURN_WORDS)
    against = " ".join(line.against.split()) or None
    if is_return and not against:
        raise Invalid("a credit note must name the invoice it returns")
    return Sale(row=line.row, number=number, day=parse_day(line.date, line.date_format),
                total_paise=total, is_return=is_return, against=against,
                buyer_gstin=_gstin(line.buyer_gstin), buyer_phone=_phone(line.buyer_phone),
                buyer_name=" ".join(line.buyer_name.split())[:120] or None,
                buyer_pincode=_pincode(line.buyer_pincode), items=_items(line.items, total))


def amount_paise(text: str, what: str) -> int:
    """Paise in an amount as distributors write it: 1,23,456.50, 123456.5, -5310.00, ₹ 500."""
    plain = _PLAIN_AMOUNT.fullmatch(text)
    if plain:
        paise = int(plain[1].replace(",", "")) * 100 + int((plain[2] or "0").ljust(2, "0"))
        if paise > MAX_PAISE:
            raise Invalid(f"{what} is implausibly large")
        return paise
    cleaned = _CURRENCY.sub("", text.strip()).replace(" ", "")
    negative = cleaned.startswith("-") or (cleaned.startswith("(") and cleaned.endswith(")"))
    cleaned = cleaned.strip("-()")
    paise = parse_amount(cleaned) if re.fullmatch(r"[\d.,]+", cleaned or "x") else None
    if paise is None:
        raise Invalid(f"{what} {text.strip()[:20]!r} is not an amount")
    if paise > MAX_PAISE:
        raise Invalid(f"{what} is implausibly large")
    return -paise if negative else paise


@lru_cache(maxsize=4096)  # a file's rows share few dates
def parse_day(text: str, date_format: str) -> date:
    """The date in `date_format` (also accepts ISO 2026-11-20 and Tally's 20261120)."""
    text = text.strip()
    for pattern in (date_format, "%Y-%m-%d", "%Y%m%d"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise Invalid(f"date {text[:20]!r} is not in the format {date_format}")


@lru_cache(maxsize=65536)  # buyers recur through a file
def _gstin(text: str) -> str | None:
    value = text.strip().upper()
    if value and not is_valid_gstin(value):
        raise Invalid("buyer GSTIN fails its checksum")
    return value or None


@lru_cache(maxsize=65536)
def _phone(text: str) -> str | None:
    value = text.strip()
    if not value:
        return None
    try:
        return normalize_phone(value)
    except InvalidPhone:
        raise Invalid("buyer phone is not a valid number") from None


@lru_cache(maxsize=65536)
def _pincode(text: str) -> str | None:
    value = text.strip()
    if value and not _PINCODE.fullmatch(value):
        raise Invalid("buyer PIN code is not six digits")
    return value or None


def _items(items: list[dict], total: int) -> tuple[dict, ...]:
    """The items as Invoice.items holds them; a sale's only item, without an amount of its
    own, is all of the sale (a register row, an API sale of one product)."""
    whole = len(items) == 1 and not str(items[0].get("amount") or "").strip()
    out = []
    for item in items[:200]:
        hsn = _NOT_DIGIT.sub("", str(item.get("hsn") or ""))[:8] or None
        amount = str(item.get("amount") or "").strip()
        quantity = _LEADING_NUMBER.match(str(item.get("quantity") or ""))
        out.append({"name": str(item.get("name") or "")[:120], "hsn": hsn,
                    "quantity": int(quantity.group(1)) if quantity else None,
                    "amount_paise": total if whole else
                    abs(amount_paise(amount, "item amount")) if amount else None})
    return tuple(out)
