"""The `campaigns:` section of a program file (and what `flask campaigns create` reads).

    quiet_hours: "21:00-09:00"          # IST; notices and campaigns wait until it ends
    campaign_caps: {per_day: 1, per_week: 3}
    campaigns:
      - code: MONSOON-TIPS
        kind: broadcast                 # broadcast | recurring | triggered | bonus | milestone
        at: 2026-07-01T10:00:00+05:30   # broadcast: a set time (omitted: when sent)
        cron: "30 4 * * 1"              # recurring: UTC cron, through workers/schedule.py
        trigger: {event: no_earn_after_enrollment, days: 7}   # triggered
        segment: {role: [retailer], pin_prefix: ["411"], inactive_days: 30}
        messages: {en: "Hello {name} ...", hi: "..."}         # or msgid: "<catalog msgid>"
        template: {name: monsoon_tip, vars: {"1": "{name}", "2": "{balance}"}}
        holdout_percent: 10             # A/B: a random share kept as control
        unsubscribe_word: STOP OFFERS   # a partner sending it leaves this campaign only
        sms_category: promotional       # or service-explicit (DLT); default: by kind
        bonus: {multiplier: 2, categories: [opc], weekdays: [4],   # bonus: on invoices
                starts: 2026-07-01T00:00:00+05:30, ends: 2026-09-30T00:00:00+05:30}
        milestone: {period: week, counts: scans, target: 5, credits: 50}  # milestone: paid
                                        # once a partner a period (IST week from Monday, month)
    A monthly rank message: a recurring campaign whose text holds {rank} and {count} (the
    partner's place in their district this month), e.g. msgid "{name}, you are #{rank} of
    {count} in your district this month in {program}. Send TOP to see the leaders."
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class Kind(StrEnum):
    BROADCAST = "broadcast"
    RECURRING = "recurring"
    TRIGGERED = "triggered"
    BONUS = "bonus"  # extra credits on invoices in a time box, announced like a broadcast
    MILESTONE = "milestone"  # credits once a period on reaching a target, announced likewise


class Trigger(StrEnum):
    NO_EARN_AFTER_ENROLLMENT = "no_earn_after_enrollment"  # N days after joining, no earn
    INACTIVE = "inactive"  # no earn nor message for N days
    NEAR_NEXT_TIER = "near_next_tier"  # within N credits of the next tier


class _Loose(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Segment(_Loose):
    """Who a campaign reaches; every field narrows it (lists: any of)."""

    role: list[str] = Field(default_factory=list)
    tier: list[str] = Field(default_factory=list)
    language: list[str] = Field(default_factory=list)
    channel: list[Literal["whatsapp", "sms", "ussd"]] = Field(default_factory=list)
    region: list[str] = Field(default_factory=list)  # the partner's region (state/district)
    pin_prefix: list[str] = Field(default_factory=list)  # "41" a postal circle, "411" Pune
    distributor: list[str] = Field(default_factory=list)  # a distributor's code
    certified: list[str] = Field(default_factory=list)  # holds a valid certificate of
    not_certified: list[str] = Field(default_factory=list)
    active_days: int | None = Field(default=None, gt=0)  # earned within N days
    inactive_days: int | None = Field(default=None, gt=0)  # earned nothing for N days
    balance_min: int | None = Field(default=None, ge=0)
    balance_max: int | None = Field(default=None, ge=0)
    enrolled_after: datetime | None = None
    enrolled_before: datetime | None = None


class TemplateUse(_Loose):
    name: str = Field(min_length=1, max_length=60)
    vars: dict[str, str] = Field(default_factory=dict)  # "1" -> "{name}"


class TriggerSpec(_Loose):
    event: Trigger
    days: int = Field(default=0, ge=0)
    credits: int = Field(default=0, ge=0)


class BonusSpec(_Loose):
    """Extra credits on the segment's invoices from `starts` to `ends`: a multiplier of what
    the matching invoice lines earn (×2 on OPC), or a fixed bonus per invoice."""

    multiplier: float | None = Field(default=None, gt=1, le=10)
    fixed: int | None = Field(default=None, gt=0)
    categories: list[str] = Field(default_factory=list)  # invoice categories; empty: all
    channels: list[str] = Field(default_factory=list)  # the invoice came on; empty: any
    weekdays: list[int] = Field(default_factory=list)  # IST, 0 Monday … 6 Sunday; empty: any
    starts: datetime
    ends: datetime

    @model_validator(mode="after")
    def _one_kind(self) -> BonusSpec:
        if (self.multiplier is None) == (self.fixed is None):
            raise ValueError("give either multiplier or fixed")
        if self.ends <= self.starts or any(not 0 <= d <= 6 for d in self.weekdays):
            raise ValueError("ends must follow starts; weekdays are 0 (Monday) to 6")
        return self


class MilestoneSpec(_Loose):
    """Credits paid once per partner per period (an IST week from Monday 00:00, or an IST
    calendar month) when what they did in it reaches `target`: credited product code scans,
    credited invoices, or credits earned from both."""

    period: Literal["week", "month"] = "week"
    counts: Literal["scans", "invoices", "credits"] = "scans"
    target: int = Field(gt=0)
    credits: int = Field(gt=0)
    starts: datetime | None = None
    ends: datetime | None = None


UNSUBSCRIBE_MIN = 3  # characters of an unsubscribe word: "1" or "00" typed is never one


class CampaignSpec(_Loose):
    code: str = Field(pattern=r"^[A-Z0-9][A-Z0-9-]{1,39}$")
    kind: Kind = Kind.BROADCAST
    segment: Segment = Field(default_factory=Segment)
    messages: dict[str, str] = Field(default_factory=dict)  # language -> text
    msgid: str | None = None  # a catalog message instead of `messages`
    template: TemplateUse | None = None  # WhatsApp outside the 24-hour window
    at: datetime | None = None
    cron: str | None = None
    trigger: TriggerSpec | None = None
    bonus: BonusSpec | None = None
    milestone: MilestoneSpec | None = None
    holdout_percent: int = Field(default=0, ge=0, le=90)
    urgent: bool = False  # ignores quiet hours (a recall notice), never the caps or STOP
    # A partner who sends this word leaves this campaign (and only it), even mid-send.
    unsubscribe_word: str | None = Field(default=None, min_length=UNSUBSCRIBE_MIN,
                                         max_length=40)
    # Its SMS's DLT category: "promotional" (an offer; only 09:00-21:00 IST) or
    # "service-explicit" (to partners who consented by joining; about their own account).
    # Unset: service-explicit for triggered and urgent campaigns, else promotional.
    sms_category: Literal["promotional", "service-explicit"] | None = None

    @property
    def promotional(self) -> bool:
        """Whether its SMS go as DLT promotional messages (bot/channels/dlt.yaml)."""
        if self.sms_category is not None:
            return self.sms_category == "promotional"
        return not (self.urgent or self.kind == Kind.TRIGGERED)

    @model_validator(mode="after")
    def _consistent(self) -> CampaignSpec:
        if bool(self.messages) == bool(self.msgid):
            raise ValueError("give either messages (per language) or msgid")
        if "en" not in self.messages and not self.msgid:
            raise ValueError("messages need at least an English text")
        if (self.kind == Kind.RECURRING) != bool(self.cron):
            raise ValueError("a recurring campaign needs `cron` (and only it does)")
        if (self.kind == Kind.TRIGGERED) != bool(self.trigger):
            raise ValueError("a triggered campaign needs `trigger` (and only it does)")
        if (self.kind == Kind.BONUS) != bool(self.bonus):
            raise ValueError("a bonus campaign needs `bonus` (and only it does)")
        if (self.kind == Kind.MILESTONE) != bool(self.milestone):
            raise ValueError("a milestone campaign needs `milestone` (and only it does)")
        if self.unsubscribe_word is not None and \
                unsubscribe_key(self.unsubscribe_word) in RESERVED_WORDS:
            raise ValueError("unsubscribe_word must differ from STOP, START, MENU and HELP")
        if self.unsubscribe_word is not None and \
                len(unsubscribe_key(self.unsubscribe_word)) < UNSUBSCRIBE_MIN:
            raise ValueError(f"unsubscribe_word needs {UNSUBSCRIBE_MIN} characters besides "
                             "spaces")
        if self.urgent and self.sms_category == "promotional":
            raise ValueError("an urgent campaign cannot be promotional: promotional SMS wait "
                             "for 09:00-21:00 IST")
        return self


RESERVED_WORDS = frozenset({"STOP", "START", "MENU", "HELP", "LANG", "BACK", "JOIN"})


def unsubscribe_key(text: str) -> str:
    """A message as compared with an unsubscribe word: upper case, words single-spaced."""
    return " ".join(text.upper().split())


class Caps(_Loose):
    per_day: int = Field(default=1, ge=0)
    per_week: int = Field(default=3, ge=0)


class ReferralSpec(_Loose):
    """`referrals:` a partner's own invite code pays them `bonus` credits once, when the new
    partner who joined with it first earns; the fraud rules refuse it or send it to review
    (`suspect`): the same phone or GSTIN, phone numbers sharing their first
    `phone_prefix_digits` digits (national number; 0: not checked), more than `monthly_cap`
    bonuses a referrer in one month (IST; 0: no cap)."""

    bonus: int = Field(gt=0)
    monthly_cap: int = Field(default=10, ge=0)
    phone_prefix_digits: int = Field(default=8, ge=0, le=10)
    suspect: Literal["refuse", "review"] = "review"
