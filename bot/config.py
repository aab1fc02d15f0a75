"""Load and validate configuration from environment variables (safe defaults for `make run`)."""

from __future__ import annotations

import base64
import ipaddress
import json
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    SettingsError,
)

from bot.safe_fetch import Origin

ROOT = Path(__file__).resolve().parent.parent
# Development values, public in this repository: fine for `make run`, never with real partners.
DEV_SECRET_KEY = "dev-only-change-me"
DEV_QR_KEYS = {"k1": "dev-qr-key-1"}
DEV_PII_KEYS = {"p1": "ZGV2LW9ubHktcGlpLWtleS0zMi1ieXRlcy1sb25nISE="}  # 32 bytes, base64
DEV_PII_HASH_KEY = "dev-only-pii-hash-key"
DEV_BASE_URL = "http://127.0.0.1:5000"  # where `make run` serves: links made without a request
NO_BASE_URL = ("PUBLIC_BASE_URL is unset: set it to the https address partners reach this "
               "service at (https://saathi.example.com), or links in messages lead nowhere")
PII_KEY_ID_CHARS = 10  # models/pii.py sizes its columns for this
PUBLIC_VALUES = frozenset({DEV_SECRET_KEY, *DEV_QR_KEYS.values(), *DEV_PII_KEYS.values(),
                           DEV_PII_HASH_KEY})
SECRETS = ("SECRET_KEY", "LEDGER_SEAL_KEY", "ADMIN_TOKEN", "PAYOUT_KEY_SECRET",
           "PAYOUT_WEBHOOK_SECRET", "GUPSHUP_PASSWORD", "GUPSHUP_INBOUND_KEY",
           "PII_HASH_KEY")


class ConfigError(ValueError):
    """A setting Saathi will not start with; the message is one line and holds no value."""


# A list setting: comma-separated in the environment ("a,b"), or a JSON list.
Names = Annotated[list[str], NoDecode]


class Settings(BaseSettings):
    """Every setting Saathi reads, each from the environment variable of the same name."""

    model_config = SettingsConfigDict(env_prefix="", case_sensitive=True, extra="ignore")

    @classmethod
    def settings_customise_sources(
            cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource,
            env_settings: PydanticBaseSettingsSource, dotenv_settings: PydanticBaseSettingsSource,
            file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """What the app is given, then the environment: no .env file and no secrets folder
        (systemd's EnvironmentFile fills the environment). The .env source would read the
        whole environment a second time: half of what building an app costs."""
        return init_settings, env_settings

    SECRET_KEY: str = DEV_SECRET_KEY
    DATABASE_URL: str = f"sqlite:///{ROOT / 'instance' / 'saathi.db'}"
    REDIS_URL: str = ""
    # Free text read by the embedded NLU (flows/nlu); its model is kept here by content hash.
    NLU_ENABLED: bool = True
    NLU_CACHE_DIR: str = str(ROOT / "instance" / "nlu")
    # A brand's Rasa server: free text goes to its /model/parse first (flows/nlu/reader.py).
    RASA_URL: str = ""
    RASA_TIMEOUT_SECONDS: float = 0.5
    DB_LOCK_TIMEOUT_MS: int = 10_000
    # SQLite only: FULL syncs every commit to disk; NORMAL (the suite's) only at checkpoints.
    SQLITE_SYNCHRONOUS: Literal["FULL", "NORMAL"] = "FULL"
    PUBLIC_BASE_URL: str = ""
    TWILIO_ACCOUNT_SID: str = ""
    TWILIO_AUTH_TOKEN: str = ""
    TWILIO_WHATSAPP_FROM: str = ""
    TWILIO_SMS_FROM: str = ""
    TWILIO_API_BASE: str = "https://api.twilio.com"
    # Template name -> Twilio Content SID, or -> {language -> Content SID} (one approved
    # template per language): {"invite": "HX...", "monsoon_tip": {"en": "HX...", "hi": "HX..."}}
    WHATSAPP_TEMPLATES: dict[str, str | dict[str, str]] = Field(default_factory=dict)
    VALIDATE_TWILIO_SIGNATURE: bool = True
    # Options on Twilio's WhatsApp as quick replies and list pickers (Content API); replies
    # then leave through the outbox (TwiML cannot carry a content). Off: numbered text.
    TWILIO_CONTENT_OPTIONS: bool = False
    TWILIO_CONTENT_BASE: str = "https://content.twilio.com"
    # Meta's WhatsApp Cloud API (bot/channels/cloud.py): off while the app secret is unset.
    # One phone number id per brand (comma-separated); the token must reach all of them.
    WHATSAPP_ACCESS_TOKEN: str = ""
    WHATSAPP_PHONE_NUMBER_ID: Names = Field(default_factory=list)
    WHATSAPP_APP_SECRET: str = ""
    WHATSAPP_VERIFY_TOKEN: str = ""
    WHATSAPP_GRAPH_BASE: str = "https://graph.facebook.com/v21.0"
    # Where the Graph API's media URLs lead (the bearer token is sent there, and only there).
    WHATSAPP_MEDIA_HOSTS: Names = Field(default_factory=lambda: ["lookaside.fbsbx.com"])
    # Template name -> {language: approved template name}, used outside the 24-hour window.
    WHATSAPP_CLOUD_TEMPLATES: dict[str, dict[str, str]] = Field(default_factory=dict)
    # Parameter names Twilio added after bot/channels/twilio_form.py was written: accepted
    # on inbound messages without a deploy (unknown names are refused with a 400).
    TWILIO_EXTRA_PARAMETERS: Names = Field(default_factory=list)
    # Where partners' media may be fetched from: Twilio serves MediaUrl from api.twilio.com
    # (with the account's basic auth) and redirects to its CDN (without). A bare host means
    # https on 443; "http://host:port" allows exactly that.
    TWILIO_MEDIA_HOSTS: Names = Field(
        default_factory=lambda: ["api.twilio.com", "mms.twiliocdn.com"])
    TWILIO_MEDIA_AUTH_HOSTS: Names = Field(default_factory=lambda: ["api.twilio.com"])
    # Non-public networks (CIDR) a media fetch may reach anyway: empty refuses every private,
    # loopback and link-local address. Only for a media host inside your own network.
    MEDIA_FETCH_PRIVATE_NETWORKS: Names = Field(default_factory=list)
    MEDIA_FETCH_SECONDS: float = 20.0  # the whole download, redirects included
    # Outbound SMS: "twilio" (or the outbox alone without Twilio credentials), or "gupshup",
    # an Indian gateway that sends each SMS as a registered DLT template (bot/channels/dlt.yaml)
    SMS_PROVIDER: Literal["twilio", "gupshup"] = "twilio"
    GUPSHUP_API_URL: str = "https://enterprise.smsgupshup.com/GatewayAPI/rest"
    GUPSHUP_USERID: str = ""
    GUPSHUP_PASSWORD: str = ""
    # Inbound SMS through Gupshup: the secret last path segment of its keyword response URL
    # (unset: off, every request 404s); its answers go through Gupshup (SMS_PROVIDER=gupshup)
    GUPSHUP_INBOUND_KEY: str = ""
    SMS_GATEWAY_TIMEOUT_SECONDS: float = 10.0
    CONVERSATION_TIMEOUT_MINUTES: int = 30
    # A shorter idle timeout on some channels: a USSD session is dropped by the network
    # after 20-180 s, and a redial within this time resumes where the partner was.
    CHANNEL_TIMEOUT_MINUTES: dict[str, int] = Field(default_factory=lambda: {"ussd": 10})
    # USSD over Africa's Talking: the secret path segment of its callback URL (unset: the
    # channel is off, every request 404s), and optionally the networks (CIDR) it calls from.
    USSD_KEY: str = ""
    USSD_ALLOWED_NETWORKS: Names = Field(default_factory=list)
    USSD_SCREEN_CHARS: int = Field(default=160, ge=60, le=1000)
    # How the gateway counts a screen: "utf16" (UCS-2 code units: Indic letters 1, emoji 2),
    # "chars" (code points) or "gsm7" (septets; a non-GSM text counts as UCS-2 code units).
    USSD_COUNT_RULE: Literal["utf16", "chars", "gsm7"] = "utf16"
    USSD_SERVICE_CODE: str = "*123#"  # what the simulator dials
    DEFAULT_REGION: str = "IN"
    DEFAULT_LANGUAGE: str = "en"
    MEDIA_DIR: str = str(ROOT / "media")
    PROGRAMS_DIR: str = str(ROOT / "programs")
    # Make voice notes: fixed ones when a program loads, ones with figures in a job (workers/speech)
    VOICE_NOTES: bool = True
    MAX_REQUEST_BYTES: int = 256 * 1024
    RQ_QUEUE: str = "saathi"
    JOB_RETRIES: int = 3
    # Campaigns (workers/campaigns.py): deliveries one batch writes and sends; threads of one
    # run (each writing and sending its own batches); sends per second
    # per sender number across all workers (0: no limit); the first wait after a provider's
    # rate-limit answer (doubling up to a minute); price per message for the cost estimate.
    CAMPAIGN_BATCH: int = Field(default=200, gt=0)
    CAMPAIGN_THREADS: int = Field(default=8, gt=0)  # per run, on PostgreSQL: sends wait on I/O
    CAMPAIGN_SENDS_PER_SECOND: float = Field(default=80, ge=0)
    CAMPAIGN_BACKOFF_SECONDS: float = Field(default=1.0, ge=0)
    CAMPAIGN_PRICE_PAISE: dict[str, int] = Field(
        default_factory=lambda: {"whatsapp": 86, "sms": 25})
    JOB_INPROCESS_BACKOFF: float = 0.5
    # A request's enqueues together wait at most this long for Redis; what Redis does not
    # take in time waits in the database for the job sweep.
    JOB_ENQUEUE_BUDGET_SECONDS: float = 0.5
    # Dotted paths of job functions beyond bot/jobs/names.py that workers may run (tests' own
    # jobs, a plugin's); nothing else named in a job record is ever imported.
    JOB_EXTRA_TARGETS: Names = Field(default_factory=list)
    JOB_LEASE_SECONDS: float = 60  # a running job renews its claim; a dead one's lapses this soon
    # The sweeps (jobs, inbox, outbox, payouts) run this often and take over work left this
    # long (a message left unanswered: twice this); the scheduler ticks four times as often.
    SWEEP_SECONDS: float = Field(default=60, gt=0)
    ADMIN_FIGURES_SECONDS: int = Field(default=600, gt=0)
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
    # Personal data at rest (models/pii.py): AES-GCM keys (JSON, key id -> base64 of 16, 24
    # or 32 bytes), the id that seals new values (older ids still open theirs until
    # `flask keys rotate`), and the HMAC key of the look-up hashes and erased phones' pseudonyms.
    PII_KEYS: dict[str, str] = Field(default_factory=lambda: dict(DEV_PII_KEYS))
    PII_KEY_ID: str = "p1"
    PII_HASH_KEY: str = DEV_PII_HASH_KEY
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
    # Threads one photo job's OCR reads with: 2 for one RQ worker on a 2-core host (the job
    # has both cores); 1 when as many workers as cores share the host.
    OCR_THREADS: int = Field(default=2, ge=1, le=8)
    WEBHOOK_TIMEOUT_SECONDS: float = 10  # one POST to a brand's webhook receiver
    SALES_FILE_MAX_MB: int = 64  # a larger sales file (Tally XML, CSV, XLSX) is refused
    # PEM files (public key or certificate) of the e-invoice portals whose QR signatures we
    # trust, comma-separated. None: e-invoice QR codes count as unverified.
    EINVOICE_PUBLIC_KEYS: Annotated[list[str], NoDecode] = Field(default_factory=list)

    @field_validator("WHATSAPP_TEMPLATES", "QR_SIGNING_KEYS", "WHATSAPP_CLOUD_TEMPLATES",
                     "CHANNEL_TIMEOUT_MINUTES", "CAMPAIGN_PRICE_PAISE", "PII_KEYS",
                     mode="before")
    @classmethod
    def _json_mapping(cls, value: object) -> object:
        if isinstance(value, str):
            return json.loads(value) if value.strip() else {}
        return value

    @field_validator("EINVOICE_PUBLIC_KEYS", mode="before")
    @classmethod
    def _paths(cls, value: object) -> object:
        if isinstance(value, str):
            return [p.strip() for p in value.split(",") if p.strip()]
        return value

    @field_validator("EINVOICE_PUBLIC_KEYS")
    @classmethod
    def _readable_keys(cls, value: list[str]) -> list[str]:
        """Refuse to start on a key file that cannot be used, naming it."""
        if not value:
            return value
        from bot.einvoice_keys import load_public_keys  # cryptography: only when configured

        try:
            load_public_keys(value)
        except ValueError as exc:
            raise ValueError(str(exc)) from None
        return value

    @model_validator(mode="after")
    def _no_public_secrets_with_real_partners(self) -> Settings:
        """With a Twilio number connected, OTPs, product codes and the ledger seal must not
        rest on a value anyone can read in this repository (any key of the set counts, as a
        key kept for old codes still verifies them): refuse to start instead."""
        if not (self.TWILIO_AUTH_TOKEN or self.WHATSAPP_APP_SECRET):
            return self
        public = [name for name in SECRETS if getattr(self, name) in PUBLIC_VALUES]
        public += [f"QR_SIGNING_KEYS {kid}" for kid, key in self.QR_SIGNING_KEYS.items()
                   if key in PUBLIC_VALUES]
        public += [f"PII_KEYS {kid}" for kid, key in self.PII_KEYS.items()
                   if key in PUBLIC_VALUES]
        if public:
            verb = "is a public development value" if len(public) == 1 else \
                "are public development values"
            raise ValueError(f"{', '.join(public)} {verb}; set real secrets before "
                             "connecting Twilio")
        return self

    @model_validator(mode="after")
    def _links_whole_with_real_partners(self) -> Settings:
        """Jobs send links (certificate checks, vouchers, the privacy notice) where no request
        tells the host, over every real provider (Twilio, Meta's Cloud API, Gupshup): refuse to
        start without PUBLIC_BASE_URL rather than fail those jobs (outbound.base_url)."""
        if self.PUBLIC_BASE_URL and not self.PUBLIC_BASE_URL.startswith(("https://",
                                                                          "http://")):
            raise ValueError("PUBLIC_BASE_URL must start with https:// (or http://)")
        if not self.PUBLIC_BASE_URL and reaches_partners(dict(self)):
            raise ValueError(NO_BASE_URL)
        return self

    @field_validator("TWILIO_EXTRA_PARAMETERS", "TWILIO_MEDIA_HOSTS", "TWILIO_MEDIA_AUTH_HOSTS",
                     "MEDIA_FETCH_PRIVATE_NETWORKS", "JOB_EXTRA_TARGETS", "USSD_ALLOWED_NETWORKS",
                     "WHATSAPP_PHONE_NUMBER_ID", "WHATSAPP_MEDIA_HOSTS", mode="before")
    @classmethod
    def _names(cls, value: object) -> object:
        if isinstance(value, str):
            text = value.strip()
            return json.loads(text) if text.startswith("[") else \
                [part.strip() for part in text.split(",") if part.strip()]
        return value

    @model_validator(mode="after")
    def _media_rules_readable(self) -> Settings:
        """A typo in a host or network fails at start-up, not at the first photo."""
        for entry in (*self.TWILIO_MEDIA_HOSTS, *self.TWILIO_MEDIA_AUTH_HOSTS,
                      *self.WHATSAPP_MEDIA_HOSTS, self.WHATSAPP_GRAPH_BASE):
            Origin.parse(entry)
        for network in (*self.MEDIA_FETCH_PRIVATE_NETWORKS, *self.USSD_ALLOWED_NETWORKS):
            ipaddress.ip_network(network)
        return self

    @model_validator(mode="after")
    def _pii_keys_usable(self) -> Settings:
        """A key that is not base64 of an AES key, or a current id without a key, fails at
        start-up rather than at the first UPI id."""
        if self.PII_KEY_ID not in self.PII_KEYS:
            raise ValueError("PII_KEY_ID names no key in PII_KEYS")
        for kid, key in self.PII_KEYS.items():
            try:
                size = len(base64.b64decode(key, validate=True))
            except ValueError:
                size = 0
            if size not in (16, 24, 32) or ":" in kid or not 0 < len(kid) <= PII_KEY_ID_CHARS:
                raise ValueError(f"PII_KEYS {kid[:20]} is not an id of 1 to {PII_KEY_ID_CHARS} "
                                 "characters (no ':') with base64 of a 16, 24 or 32-byte key")
        return self

    @model_validator(mode="after")
    def _sms_gateway_credentials(self) -> Settings:
        if self.SMS_PROVIDER == "gupshup" and not (self.GUPSHUP_USERID and self.GUPSHUP_PASSWORD):
            raise ValueError("SMS_PROVIDER=gupshup needs GUPSHUP_USERID and GUPSHUP_PASSWORD")
        if self.GUPSHUP_INBOUND_KEY and self.SMS_PROVIDER != "gupshup":
            raise ValueError("GUPSHUP_INBOUND_KEY needs SMS_PROVIDER=gupshup (its answers go "
                             "through Gupshup with their DLT ids)")
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
    """Return the validated settings as a plain dict for `app.config` (ConfigError if not)."""
    try:
        settings = Settings(**(overrides or {}))
    except ValidationError as exc:
        raise ConfigError("; ".join(_problem(e) for e in exc.errors())) from None
    except SettingsError as exc:  # an environment value that is not the JSON it must be
        raise ConfigError(str(exc)) from None
    return settings.model_dump()


def _problem(error: dict) -> str:
    """One validation error as "NAME: what is wrong", without the value (it may be secret)."""
    message = error["msg"].removeprefix("Value error, ")
    names = ".".join(str(part) for part in error["loc"])
    return f"{names}: {message}" if names else message


def reaches_partners(config: dict) -> bool:
    """True when a real provider is connected (Twilio, Meta's Cloud API or Gupshup): no demo
    account or demo voucher codes there."""
    return bool(config["TWILIO_AUTH_TOKEN"] or config["WHATSAPP_APP_SECRET"]
                or config["GUPSHUP_PASSWORD"])
