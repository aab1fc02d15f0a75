"""The `invoice:` section of a program file: categories, age limit and the fraud rules.

    invoice:
      categories:                      # what puts an invoice's goods in a rule's category
        opc: {hsn: ["25232910"], words: ["OPC", "ordinary portland"]}
      max_age_days: 180
      max_credits_per_invoice: 5000
      buyer_gstin_mismatch: review     # or reject: the buyer GSTIN is not the partner's
      unmatched_buyer_monthly_cap_credits: 500   # per partner, for invoices not billed to
                                                 # their GSTIN (or partners without one)
      max_invoices_per_day: 10         # per partner, in any 24 hours
      max_invoices_per_week: 30        # per partner, in any 7 days
      spot_check_percent: 5            # share of the month's top earners checked once
      spot_check_top_percent: 10       # who counts as a top earner this month
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator


class Category(BaseModel):
    """How to tell goods of one category: HSN code prefixes, or words in an item's name."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    hsn: list[str] = Field(default_factory=list)
    words: list[str] = Field(default_factory=list)

    @field_validator("hsn")
    @classmethod
    def _digits(cls, value: list[str]) -> list[str]:
        codes = [str(v).replace(" ", "") for v in value]
        bad = [c for c in codes if not (c.isdigit() and 2 <= len(c) <= 8)]
        if bad:
            raise ValueError(f"HSN codes are 2 to 8 digits: {bad}")
        return codes


class InvoiceSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    categories: dict[str, Category] = Field(default_factory=dict)
    max_age_days: int = Field(default=180, gt=0)
    max_credits_per_invoice: int | None = Field(default=None, gt=0)
    buyer_gstin_mismatch: Literal["review", "reject"] = "review"
    unmatched_buyer_monthly_cap_credits: int | None = Field(default=None, ge=0)
    max_invoices_per_day: int = Field(default=10, ge=1)
    max_invoices_per_week: int = Field(default=30, ge=1)
    spot_check_percent: float = Field(default=5.0, ge=0, le=100)
    spot_check_top_percent: float = Field(default=10.0, gt=0, le=100)
