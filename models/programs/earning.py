"""Earning rules of a program: how many credits an invoice, a QR code or a certification pays.

Pure functions over the program spec; the callers (invoice, scan, learning) pass the result
to `ledger.earn`, which applies the tier multiplier.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_DOWN, Decimal

from models.programs.schema import InvoiceRule, ProgramSpec


def _rule_for(rules: Iterable[InvoiceRule], category: str) -> InvoiceRule | None:
    rules = list(rules)
    wanted = category.strip().lower()
    exact = next((r for r in rules if r.category.lower() == wanted), None)
    return exact or next((r for r in rules if r.category == "*"), None)


def invoice_line_credits(spec: ProgramSpec, category: str, amount_paise: int) -> int:
    """Credits for one invoice line of `amount_paise` in `category` (0 if no rule applies)."""
    rule = _rule_for(spec.earning.invoice, category)
    if rule is None or amount_paise < rule.min_amount_rupees * 100 or amount_paise <= 0:
        return 0
    if rule.cashback_percent is not None:
        value = Decimal(amount_paise) * Decimal(str(rule.cashback_percent)) / 100
        credits = value / spec.credit_value_paise
    else:
        assert rule.credits is not None and rule.per_rupees is not None
        credits = Decimal(amount_paise // (rule.per_rupees * 100) * rule.credits)
    return int(credits.to_integral_value(ROUND_DOWN))


def invoice_credits(spec: ProgramSpec, lines: Iterable[tuple[str, int]]) -> int:
    """Credits for an invoice given as [(category, amount_paise), ...]."""
    return sum(invoice_line_credits(spec, category, amount) for category, amount in lines)


def qr_credits(spec: ProgramSpec, product: str) -> int:
    """Credits for scanning a code on `product` (SKU or category; "*" rule as fallback)."""
    wanted = product.strip().lower()
    rules = spec.earning.qr_code
    rule = next((r for r in rules if r.product.lower() == wanted), None)
    rule = rule or next((r for r in rules if r.product == "*"), None)
    return rule.credits if rule else 0


def certification_credits(spec: ProgramSpec, level: str) -> int:
    """Credits for a certification at `level` (0 if the program pays none)."""
    wanted = level.strip().lower()
    rule = next((r for r in spec.earning.certification if r.level.lower() == wanted), None)
    return rule.credits if rule else 0


def invoice_lock_days(spec: ProgramSpec) -> int:
    """Days invoice credits stay locked for the return window."""
    return spec.earning.invoice_lock_days
