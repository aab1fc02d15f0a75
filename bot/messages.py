"""Channel-neutral messages: what every adapter turns a provider's request into, and back."""

from __future__ import annotations

import copy
import unicodedata
from dataclasses import dataclass, field

MAX_TEXT = 4096


@dataclass(frozen=True)
class ChannelTraits:
    """What a channel can carry. Flows ask these ("can the partner send a photo here?") and
    never name a channel, so a new channel is one line of `TRAITS` (DESIGN rule 1)."""

    sends_files: bool = True  # the partner can send a photo or a file
    free_text: bool = True  # people type words (a USSD menu sends numbers)
    opens_links: bool = True  # a link in a reply can be opened where it is shown
    plays_audio: bool = False  # a voice note plays in the chat
    short_form: bool = False  # a few lines at most: a notice is summarised, not linked
    keywords: bool = False  # one-shot commands (BAL, CODE …) need no menu state
    paged: bool = False  # every answer fits two SMS segments; the rest waits for MORE
    keeps_replies: bool = True  # replies stay on the phone (a USSD screen is gone once read)
    list_rows: int | None = 10  # options one reply offers (a WhatsApp list's rows; an SMS's
    # two segments); None: numbered lines, as many as there are (the screen pager pages them)


TRAITS = {
    "whatsapp": ChannelTraits(plays_audio=True),
    "sms": ChannelTraits(sends_files=False, short_form=True, keywords=True, paged=True),
    "ussd": ChannelTraits(sends_files=False, free_text=False, opens_links=False,
                          short_form=True, keeps_replies=False, list_rows=None),
}
ANY_CHANNEL = ChannelTraits()


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
    choice: str | None = None  # the id of a tapped button or list row (an Option's key)
    via: str | None = None  # the business number it came to (Cloud API phone number id)
    session_start: bool = False  # the first message of a session (a USSD dial): show where

    @property
    def traits(self) -> ChannelTraits:
        return TRAITS.get(self.channel, ANY_CHANNEL)

    def to_dict(self) -> dict:
        """A JSON-ready copy (spelt out: dataclasses.asdict deep-copies field by field and
        showed up in the webhook's profile)."""
        return {"channel": self.channel, "sender": self.sender, "text": self.text,
                "provider_id": self.provider_id,
                "media": [{"url": m.url, "content_type": m.content_type} for m in self.media],
                "location": ({"latitude": self.location.latitude,
                              "longitude": self.location.longitude} if self.location else None),
                "profile_name": self.profile_name, "button_text": self.button_text,
                "choice": self.choice, "via": self.via, "session_start": self.session_start}

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
        return {"text": self.text,
                "options": [{"key": o.key, "label": o.label} for o in self.options],
                "media_url": self.media_url, "extra": copy.deepcopy(self.extra)}

    @classmethod
    def from_dict(cls, data: dict) -> Reply:
        return cls(text=data["text"], options=tuple(Option(**o) for o in data.get("options", ())),
                   media_url=data.get("media_url"), extra=data.get("extra") or {})
