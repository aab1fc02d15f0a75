"""What an invoice earns: its goods put in the program's categories (`invoice.categories`: words
in an item's name, else the HSN code printed on the item's line; for what the items read do
not cover, the HSN code of a verified e-invoice), each at its category's rate.

The total includes GST, so when the items read account for all the goods (they add up to at
least the total less the highest GST slab) the total is shared over their categories in
proportion to their amounts. Otherwise the items read earn on their own amounts and the rest
of the total earns at the invoice's HSN category, or at the generic rate ("*").
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

from models.invoices.invoice import Invoice
from models.programs import earning
from models.programs.schema import ProgramSpec

GENERIC = "*"
HIGHEST_GST = Decimal("0.28")


def item_category(spec: ProgramSpec, name: str) -> str:
    """The first category with one of its words (as a whole word) in an item's name, or the
    generic one."""
    return next((category for category, rule in spec.invoice.categories.items()
                 if rule.words and _any_word(tuple(rule.words)).search(name)), GENERIC)


@lru_cache(maxsize=256)
def _any_word(words: tuple[str, ...]) -> re.Pattern:
    """One pattern finding any of `words` as a whole word, in any case."""
    return re.compile("|".join(rf"\b{re.escape(word)}\b" for word in words), re.IGNORECASE)


def hsn_category(spec: ProgramSpec, hsn: str | None, amount_paise: int) -> str:
    """The category of an HSN code; of several, the one paying least on `amount_paise`."""
    if not hsn:
        return GENERIC
    matching = [category for category, rule in spec.invoice.categories.items()
                if any(hsn.startswith(prefix) for prefix in rule.hsn)]
    return min(matching, default=GENERIC,
               key=lambda c: earning.invoice_line_credits(spec, c, amount_paise))


def category_lines(spec: ProgramSpec, invoice: Invoice) -> list[tuple[str, int]]:
    """[(category, amount_paise)] that together make up the invoice's total."""
    total = invoice.total_paise or 0
    by_category: dict[str, int] = {}
    for item in invoice.items or []:
        amount = item.get("amount_paise") or 0
        if amount > 0:
            category = item_category(spec, str(item.get("name", "")))
            if category == GENERIC:
                category = hsn_category(spec, item.get("hsn"), amount)
            by_category[category] = by_category.get(category, 0) + amount
    goods = sum(by_category.values())
    if goods > total:
        by_category, goods = {}, 0  # items misread: the total alone counts
    if goods and goods * (1 + HIGHEST_GST) >= total:
        return _shared(by_category, total)
    rest = total - goods
    lines = list(by_category.items())
    if rest > 0:
        lines.append((hsn_category(spec, invoice.hsn, rest), rest))
    return lines


def _shared(by_category: dict[str, int], total: int) -> list[tuple[str, int]]:
    """`total` split over the categories in proportion to their amounts (paise add up)."""
    goods = sum(by_category.values())
    lines = [(category, total * amount // goods) for category, amount in by_category.items()]
    category, amount = lines[-1]
    lines[-1] = (category, amount + total - sum(a for _c, a in lines))
    return lines


def credits_for(spec: ProgramSpec, invoice: Invoice) -> int:
    """The credits the invoice earns before the partner's tier multiplier."""
    credits = earning.invoice_credits(spec, category_lines(spec, invoice))
    cap = spec.invoice.max_credits_per_invoice
    return min(credits, cap) if cap else credits
