"""The `privacy:` section of a program file: the notice partners consent to, and retention.

    privacy:
      notice_version: 2                # raise it when the notice changes: members are asked
                                       # again at their next message
      grievance: "privacy@shakti.example, 1800 200 3000"
      summary: {en: "...", hi: "..."}  # the notice's short form, every language, at most 80
                                       # characters: shown on SMS and USSD, and atop the public
                                       # page /privacy/<CODE>/<lang> WhatsApp links to
      retention:
        message_days: 180              # message bodies (inbox and outbox)
        photo_days: 365                # invoice photos, counted from the end of the return window
        token_days: 1                  # one-time codes and export links, after they end
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from models.programs.labels import Label

SUMMARY_CHARS = 80  # + the question and two options: two SMS segments and one USSD screen
DEFAULT_SUMMARY = "The brand and your distributor see your name, shop and invoices."


class Retention(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    message_days: int = Field(default=180, ge=1)
    photo_days: int = Field(default=365, ge=1)
    token_days: int = Field(default=1, ge=1)


class PrivacySettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    notice_version: int = Field(default=1, ge=1)
    grievance: str = ""
    summary: Label = Field(default_factory=lambda: {"en": DEFAULT_SUMMARY})
    retention: Retention = Field(default_factory=Retention)

    @field_validator("summary")
    @classmethod
    def _short(cls, value: dict[str, str]) -> dict[str, str]:
        long = sorted(lang for lang, text in value.items() if len(text) > SUMMARY_CHARS)
        if long:
            raise ValueError(f"the summary is over {SUMMARY_CHARS} characters in {long}")
        return value
