"""The program YAML schema (pydantic, strict) and errors that name file, field and problem.

Sections owned by other areas (qr, fraud) are accepted loosely here so their owners can
tighten them later without touching the ledger's parts; the `invoice:` section is
models/programs/invoice_settings.py.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from models import yamltext
from models.messaging.quiet import QuietHours
from models.partners.gstin import is_valid_gstin
from models.partners.partner import InvalidPhone, normalize_phone
from models.programs.campaign_spec import CampaignSpec, Caps, ReferralSpec
from models.programs.catalog import Catalog
from models.programs.invoice_settings import InvoiceSettings
from models.programs.labels import Label, local
from models.programs.privacy_settings import PrivacySettings
from models.programs.tracks import LearningContent


class ProgramFileError(Exception):
    """A program file is unreadable or breaks the schema; the message names file and fields."""

    def __init__(self, path: str, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        super().__init__("\n".join(f"{path}: {p}" for p in problems))


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Sponsor(_Strict):
    manufacturer: str = Field(min_length=1)
    distributor: str | None = None  # a distributor code from `distributors`


class SalesColumns(_Strict):
    """Which column of a distributor's CSV / XLSX sales export holds what (headers as written
    in its first row); `date_format` in strptime codes, "%d-%m-%Y" by default."""
    number: str
    date: str
    amount: str
    date_format: str = "%d-%m-%Y"
    buyer_gstin: str | None = None
    buyer_phone: str | None = None
    buyer_name: str | None = None
    buyer_pincode: str | None = None
    item: str | None = None
    hsn: str | None = None
    quantity: str | None = None
    kind: str | None = None  # "Credit Note" / "Return" in it makes the row a return
    against: str | None = None  # a return's original invoice number


class Distributor(_Strict):
    code: str = Field(pattern=r"^[A-Z0-9]{2,20}$")
    name: str = Field(min_length=1)
    gstin: str
    phone: str
    region: str | None = None
    reps: list[str] = Field(default_factory=list)
    sales_columns: SalesColumns | None = None  # its sales exports (flask sales import)

    @field_validator("gstin")
    @classmethod
    def _gstin(cls, value: str) -> str:
        if not is_valid_gstin(value):
            raise ValueError(f"{value!r} is not a valid GSTIN (shape or check character)")
        return value.upper()

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str) -> str:
        return _e164(value)

    @field_validator("reps")
    @classmethod
    def _reps(cls, value: list[str]) -> list[str]:
        return [_e164(v) for v in value]


def _e164(value: str) -> str:
    try:
        return normalize_phone(value)
    except InvalidPhone as exc:
        raise ValueError(f"{value!r} is not a valid phone number") from exc


class Tier(_Strict):
    name: str = Field(min_length=1, max_length=40)  # its key: catalog `tiers:`, wallets
    label: Label  # its name per language; English defaults to `name`
    threshold: int = Field(ge=0)
    multiplier: float = Field(gt=0, le=10)
    benefits: list[str] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _english_label(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("name"), str):
            label = data.get("label") if isinstance(data.get("label"), dict) else {}
            return {**data, "label": {"en": data["name"], **label}}
        return data

    @property
    def factor(self) -> Decimal:
        return Decimal(str(self.multiplier))

    def label_in(self, lang: str | None) -> str:
        """The tier's name in `lang`, falling back to English."""
        return local(self.label, lang)


class FreezePeriod(_Strict):
    start: date
    end: date


class Tiers(_Strict):
    basis: Literal["credits", "volume"]  # credits earned, or purchase volume, in the window
    unit: str = "credits"  # for volume: "paise", "cases", "units"
    window_days: int = Field(gt=0, le=730)
    demotion_grace_days: int = Field(default=0, ge=0)
    hold_days: int = Field(default=0, ge=0)  # a new tier is kept at least this long
    freeze_periods: list[FreezePeriod] = Field(default_factory=list)
    levels: list[Tier] = Field(min_length=1)

    @model_validator(mode="after")
    def _ordered(self) -> Tiers:
        thresholds = [t.threshold for t in self.levels]
        if thresholds != sorted(set(thresholds)):
            raise ValueError("levels must have strictly increasing thresholds")
        if len({t.name for t in self.levels}) != len(self.levels):
            raise ValueError("level names must be unique")
        return self


class InvoiceRule(_Strict):
    category: str = "*"
    credits: int | None = Field(default=None, gt=0)  # `credits` for every `per_rupees`
    per_rupees: int | None = Field(default=None, gt=0)
    cashback_percent: float | None = Field(default=None, gt=0, le=100)
    min_amount_rupees: int = Field(default=0, ge=0)

    @model_validator(mode="after")
    def _one_kind(self) -> InvoiceRule:
        rate = self.credits is not None and self.per_rupees is not None
        if rate == (self.cashback_percent is not None):
            raise ValueError("give either credits+per_rupees or cashback_percent")
        return self


class QrRule(_Strict):
    product: str = "*"  # SKU, category, or "*"
    credits: int = Field(gt=0)


class CertificationRule(_Strict):
    level: str = Field(min_length=1)
    credits: int = Field(gt=0)
    modules: int | None = Field(default=None, gt=0)


class Earning(_Strict):
    invoice: list[InvoiceRule] = Field(default_factory=list)
    invoice_lock_days: int = Field(default=0, ge=0, le=90)
    qr_code: list[QrRule] = Field(default_factory=list)
    certification: list[CertificationRule] = Field(default_factory=list)


class Expiry(_Strict):
    policy: Literal["never", "days"]
    days: int | None = Field(default=None, gt=0)
    reminder_days: list[int] = Field(default_factory=list)

    @model_validator(mode="after")
    def _days(self) -> Expiry:
        if (self.policy == "days") != (self.days is not None):
            raise ValueError("policy 'days' needs `days`; policy 'never' must not have it")
        if any(d <= 0 for d in self.reminder_days):
            raise ValueError("reminder_days must be positive")
        return self

    def expires_at(self, earned_at: datetime) -> datetime | None:
        """When credits earned at `earned_at` expire (None: never)."""
        return earned_at + timedelta(days=self.days) if self.days is not None else None


class FaqEntry(_Strict):
    """One question partners ask and the program's answer, each per language (flows/faq.py
    matches what a partner types against the questions)."""

    question: Label
    answer: Label


class Budget(_Strict):
    monthly_cap_credits: int | None = Field(default=None, gt=0)


class ProgramSpec(_Strict):
    code: str = Field(pattern=r"^[A-Z][A-Z0-9]{1,19}$")
    name: str = Field(min_length=1, max_length=120)
    brand: str = Field(min_length=1)
    sponsor: Sponsor
    credit_value_paise: int = Field(gt=0)
    currency_name: Label = Field(default_factory=lambda: {"en": "credits"})  # per language
    # The languages whose texts the program completes (`flask programs load` refuses a gap);
    # a partner in any other language reads its texts in `fallback_language`. None (an old
    # file): each text falls back to English on its own.
    languages: list[str] | None = Field(default=None, min_length=1)
    fallback_language: str = Field(default="en", pattern=r"^[a-z]{2,3}$")
    tiers: Tiers | None = None
    earning: Earning = Field(default_factory=Earning)
    expiry: Expiry = Field(default_factory=lambda: Expiry(policy="never"))
    budget: Budget = Field(default_factory=Budget)
    distributors: list[Distributor] = Field(default_factory=list)
    # Owned by other areas; loosely typed until their owners tighten them.
    tracks: LearningContent | None = None
    catalog: Catalog = Field(default_factory=Catalog)  # REDEEM: models/programs/catalog.py
    qr: dict | list | None = None
    invoice: InvoiceSettings = Field(default_factory=InvoiceSettings)
    privacy: PrivacySettings = Field(default_factory=PrivacySettings)
    fraud: dict | list | None = None
    quiet_hours: str = Field(default="21:00-09:00", pattern=r"^(off|\d\d:\d\d-\d\d:\d\d)$")
    campaign_caps: Caps = Field(default_factory=Caps)
    campaigns: list[CampaignSpec] = Field(default_factory=list)
    referrals: ReferralSpec | None = None  # invite codes: models/campaigns/referrals.py
    faq: list[FaqEntry] = Field(default_factory=list)

    @field_validator("languages")
    @classmethod
    def _codes(cls, value: list[str] | None) -> list[str] | None:
        if value is not None and any(not re.fullmatch(r"[a-z]{2,3}", code) for code in value):
            raise ValueError("languages are codes like en, hi, pa")
        if value is not None and "en" not in value:
            raise ValueError("every program offers English (en)")
        return value

    @model_validator(mode="after")
    def _references(self) -> ProgramSpec:
        if self.languages is not None and self.fallback_language not in self.languages:
            raise ValueError(f"fallback_language {self.fallback_language!r} is not one of "
                             "the program's languages")
        codes = [d.code for d in self.distributors]
        if len(set(codes)) != len(codes):
            raise ValueError("distributor codes must be unique")
        if self.sponsor.distributor and self.sponsor.distributor not in codes:
            raise ValueError(f"sponsor.distributor {self.sponsor.distributor!r} is not listed "
                             "in distributors")
        unknown = self.catalog.tier_names() - {t.name for t in (self.tiers.levels if self.tiers
                                                                 else [])}
        if unknown:
            raise ValueError(f"catalog items name unknown tiers: {sorted(unknown)}")
        return self

    def quiet(self) -> QuietHours:
        """The hours (IST) this program's non-urgent messages wait through."""
        return QuietHours.parse(self.quiet_hours)

    def tier(self, name: str | None) -> Tier | None:
        if self.tiers is None or name is None:
            return None
        return next((t for t in self.tiers.levels if t.name == name), None)

    def tier_label(self, name: str, lang: str | None) -> str:
        """The tier `name` as the partner reads it (its key when the tier is gone)."""
        tier = self.tier(name)
        return tier.label_in(self.content_language(lang)) if tier else name

    def currency_in(self, lang: str | None) -> str:
        """The program's name for its credits in `lang` ("Shakti credits")."""
        return local(self.currency_name, self.content_language(lang))

    def content_language(self, lang: str | None) -> str | None:
        """The language a partner reading `lang` reads this program's texts in: `lang` when
        the program offers it, else its fallback language (for the whole message)."""
        if self.languages is None or lang in self.languages:
            return lang
        return self.fallback_language


def _where(loc: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in loc) or "(top level)"


def parse(data: Any, source: str = "<program>") -> ProgramSpec:
    """Validate a loaded YAML document; raise ProgramFileError naming every broken field."""
    if not isinstance(data, dict):
        raise ProgramFileError(source, ["the file must be a mapping of fields"])
    try:
        return ProgramSpec.model_validate(data)
    except ValidationError as exc:
        problems = [f"{_where(e['loc'])}: {e['msg']}" for e in exc.errors()]
        raise ProgramFileError(source, problems) from None


def read_file(path: str | Path) -> ProgramSpec:
    """Read and validate one program YAML file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ProgramFileError(str(path), [f"cannot read: {exc.strerror}"]) from None
    return read_text(text, str(path))


def read_text(text: str, source: str = "<upload>") -> ProgramSpec:
    """Read and validate a program's YAML text (a file's, or one uploaded on the admin)."""
    try:
        data = yamltext.load_shared(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise ProgramFileError(source, [f"{where}not valid YAML ({exc})"]) from None
    return parse(data, source)


def from_definition(definition: dict) -> ProgramSpec:
    """Rebuild the spec stored on a Program row."""
    return ProgramSpec.model_validate(definition, strict=False)
