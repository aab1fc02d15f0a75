"""Channel-neutral messages: what every adapter turns a provider's request into, and back."""

from __future__ import annotations

import unicodedata
from dataclasses import asdict, dataclass, field

MAX_TEXT = 4096


def clean_text(raw: str) -> str:
    """Drop control and format characters (NUL, bidi overrides) but keep newlines; trim."""
    kept = (c for c in raw if c in "\n\t" or unicodedata.category(c)[0] != "C"
            or c in "\u200c\u200d")  # ZWNJ/ZWJ shape Indic scripts
    return "".join(kept).strip()[:MAX_TEXT]


@dataclass(frozen=True)
class Media:
    url: str
    content_type: str


@dataclass(frozen=True)
class Location:
    latitude: float
    longitude: float


@dataclass(frozen=True)
class InboundMessage:
    channel: str  # "whatsapp" | "sms" | "ussd"
    sender: str  # E.164
    text: str
    provider_id: str
    media: tuple[Media, ...] = ()
    location: Location | None = None
    profile_name: str | None = None
    button_text: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> InboundMessage:
        media = tuple(Media(**m) for m in data.get("media") or ())
        location = Location(**data["location"]) if data.get("location") else None
        return cls(**{**data, "media": media, "location": location})


@dataclass(frozen=True)
class Option:
    key: str
    label: str


@dataclass(frozen=True)
class Reply:
    """A reply as a flow means it; adapters decide how options and media look."""

    text: str
    options: tuple[Option, ...] = ()
    media_url: str | None = None
    extra: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Reply:
        return cls(text=data["text"], options=tuple(Option(**o) for o in data.get("options", ())),
                   media_url=data.get("media_url"), extra=data.get("extra") or {})
