"""The program's reward catalog (the YAML `catalog` section) and what a partner may pick.

Kinds: `upi` (cashback in steps between a minimum and a maximum, paid at the program's
credit value), `distributor_voucher` (redeemed at the partner's distributor, valid for
`validity_days`) and `stock_code` (a fuel or e-commerce code drawn from an uploaded list).
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from models.programs.labels import Label, local


class ItemKind(StrEnum):
    UPI = "upi"
    DISTRIBUTOR_VOUCHER = "distributor_voucher"
    STOCK_CODE = "stock_code"


class CatalogItem(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str = Field(pattern=r"^[a-z][a-z0-9_]{1,30}$")
    kind: ItemKind
    label: Label  # language code -> label, "en" required; a plain string is English
    credits: int | None = Field(default=None, gt=0)  # fixed price (vouchers)
    min_credits: int | None = Field(default=None, gt=0)  # UPI: amount range and step
    max_credits: int | None = Field(default=None, gt=0)
    step_credits: int = Field(default=1, gt=0)
    validity_days: int = Field(default=7, gt=0, le=365)
    tiers: list[str] | None = None  # None: every tier

    @field_validator("label")
    @classmethod
    def _label(cls, label: dict[str, str]) -> dict[str, str]:
        if any(not 1 <= len(text) <= 40 for text in label.values()):
            raise ValueError("a label is 1 to 40 characters long")
        return label

    def label_in(self, lang: str) -> str:
        """The label in `lang`, falling back to English."""
        return local(self.label, lang)

    @model_validator(mode="after")
    def _prices(self) -> CatalogItem:
        if self.kind == ItemKind.UPI:
            if self.min_credits is None or self.max_credits is None:
                raise ValueError("a upi item needs min_credits and max_credits")
            if self.max_credits < self.min_credits:
                raise ValueError("max_credits is below min_credits")
            if self.credits is not None:
                raise ValueError("a upi item has a range, not a fixed `credits` price")
        elif self.credits is None:
            raise ValueError(f"a {self.kind} item needs a fixed `credits` price")
        return self

    @property
    def lowest(self) -> int:
        """The fewest credits this item can be had for."""
        return self.min_credits if self.kind == ItemKind.UPI else self.credits  # type: ignore

    def amount_problem(self, credits: int) -> str | None:
        """Return why `credits` is not a valid UPI amount, or None when it is."""
        assert self.min_credits is not None and self.max_credits is not None
        if not self.min_credits <= credits <= self.max_credits:
            return "range"
        if (credits - self.min_credits) % self.step_credits:
            return "step"
        return None

    def open_to(self, tier: str | None) -> bool:
        return self.tiers is None or tier in self.tiers


class Catalog(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    daily_cap_credits: int | None = Field(default=None, gt=0)  # per partner, per IST day
    items: list[CatalogItem] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique(self) -> Catalog:
        keys = [i.key for i in self.items]
        if len(set(keys)) != len(keys):
            raise ValueError("catalog item keys must be unique")
        return self

    def tier_names(self) -> set[str]:
        """Every tier an item is limited to (the program checks they exist)."""
        return {t for i in self.items for t in (i.tiers or [])}

    def item(self, key: str) -> CatalogItem | None:
        return next((i for i in self.items if i.key == key), None)


def catalog_of(definition: dict | list | None) -> Catalog:
    """Validate a program's raw `catalog` section (empty when missing)."""
    if isinstance(definition, Catalog):
        return definition
    return Catalog.model_validate(definition or {})


def rupees_paise(credits: int, credit_value_paise: int) -> int:
    """The rupee value (in paise) of `credits` at the program's credit value."""
    return credits * credit_value_paise
