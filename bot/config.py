"""Load and validate configuration from environment variables (safe defaults for `make run`)."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent
# Development values, public in this repository: fine for `make run`, never with real partners.
DEV_SECRET_KEY = "dev-only-change-me"
DEV_QR_KEYS = {"k1": "dev-qr-key-1"}


class Settings(BaseSettings):
    """Every setting Saathi reads, each from the environment variable of the same name."""

    model_config = SettingsConfigDict(env_prefix="", case_sensitive=True, extra="ignore")

    SECRET_KEY: str = DEV_SECRET_KEY
    DATABASE_URL: str = f"sqlite:///{ROOT / 'instance' / 'saathi.db'}"
    REDIS_URL: str = ""
    DB_LOCK_TIMEOUT_MS: int = 10_000
    PUBLIC_BASE_URL: str = ""
    TWILIO_ACCOUNT_SID: str = ""
    TWILIO_AUTH_TOKEN: str = ""
    TWILIO_WHATSAPP_FROM: str = ""
    TWILIO_SMS_FROM: str = ""
    TWILIO_API_BASE: str = "https://api.twilio.com"
    # Template name -> Twilio Content SID, e.g. {"invite": "HX...", "tier_change": "HX..."}
    WHATSAPP_TEMPLATES: dict[str, str] = Field(default_factory=dict)
    VALIDATE_TWILIO_SIGNATURE: bool = True
    CONVERSATION_TIMEOUT_MINUTES: int = 30
    DEFAULT_REGION: str = "IN"
    DEFAULT_LANGUAGE: str = "en"
    MEDIA_DIR: str = str(ROOT / "media")
    PROGRAMS_DIR: str = str(ROOT / "programs")
    MAX_REQUEST_BYTES: int = 256 * 1024
    RQ_QUEUE: str = "saathi"
    JOB_RETRIES: int = 3
    JOB_INPROCESS_BACKOFF: float = 0.5
    # A request's enqueues together wait at most this long for Redis; what Redis does not
    # take in time waits in the database for the job sweep.
    JOB_ENQUEUE_BUDGET_SECONDS: float = 0.5
    JOB_LEASE_SECONDS: float = 60  # a running job renews its claim; a dead one's lapses this soon
    # Run the periodic jobs (sealing, expiry, tiers, sweeps) in a thread of the web server.
    # Unset: when REDIS_URL is unset (`make run`); with Redis, run `flask scheduler` instead.
    PERIODIC_JOBS_IN_PROCESS: bool | None = None
    # Unset: on only while no Twilio auth token is set (local development). Anyone who can
    # reach /simulator can chat as any phone number, so a real deployment keeps it off.
    SIMULATOR_ENABLED: bool | None = None
    ADMIN_TOKEN: str = ""
    LOG_LEVEL: str = "INFO"
    LEDGER_SEAL_KEY: str = ""
    QR_SIGNING_KEYS: dict[str, str] = Field(default_factory=lambda: dict(DEV_QR_KEYS))
    QR_ACTIVE_KEY: str = "k1"
    PAYOUT_PROVIDER: str = "sandbox"
    PAYOUT_API_BASE: str = ""
    PAYOUT_KEY_ID: str = ""
    PAYOUT_KEY_SECRET: str = ""
    PAYOUT_ACCOUNT_NUMBER: str = ""
    PAYOUT_WEBHOOK_SECRET: str = ""
    PAYOUT_SANDBOX_MODE: str = "ok"  # ok | fail | timeout | late
    PAYOUT_SANDBOX_LATE_SECONDS: float = 20.0
    PAYOUT_TIMEOUT_SECONDS: float = 10.0
    PAYOUT_HTTP_RETRIES: int = 2
    PAYOUT_WAIT_SECONDS: float = 30.0  # the payout job polls this long, then the sweep takes over
    INVOICE_MIN_CONFIDENCE: float = 0.8  # below this, a read field is confirmed by the partner
    INVOICE_TOTAL_MARGIN_PERCENT: float = 2.0  # a typed total further off goes to review
    INVOICE_IMAGE_DISTANCE: int = 10  # perceptual-hash bits within which two photos are "same"

    @field_validator("WHATSAPP_TEMPLATES", "QR_SIGNING_KEYS", mode="before")
    @classmethod
    def _json_mapping(cls, value: object) -> object:
        if isinstance(value, str):
            return json.loads(value) if value.strip() else {}
        return value

    @model_validator(mode="after")
    def _no_public_keys_with_real_partners(self) -> Settings:
        """With a Twilio number connected, OTPs and product codes must not be signed with
        keys anyone can read here: refuse to start instead."""
        if self.TWILIO_AUTH_TOKEN:
            public = [name for name, value, dev in (
                ("SECRET_KEY", self.SECRET_KEY, DEV_SECRET_KEY),
                ("QR_SIGNING_KEYS", self.QR_SIGNING_KEYS, DEV_QR_KEYS)) if value == dev]
            if public:
                raise ValueError(f"{' and '.join(public)} still have their development values; "
                                 "set real ones before connecting Twilio")
        return self

    @field_validator("DATABASE_URL")
    @classmethod
    def _psycopg_driver(cls, value: str) -> str:
        """Accept the usual postgres:// and postgresql:// forms and use psycopg 3."""
        for prefix in ("postgres://", "postgresql://"):
            if value.startswith(prefix):
                return "postgresql+psycopg://" + value[len(prefix):]
        return value


def load_settings(overrides: dict | None = None) -> dict:
    """Return the validated settings as a plain dict for `app.config`."""
    settings = Settings(**(overrides or {}))
    return settings.model_dump()
