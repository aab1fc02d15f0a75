"""Africa's Talking USSD: check the callback's form, find the newest input, answer CON/END.

Every request carries the session's inputs so far joined by `*` in `text`. An input may hold
a `*` itself (a code typed as "12*3"), so the newest input is not what follows the last `*`:
it is what follows the text this session already consumed (kept in models/messaging/ussd.py).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from bot.messages import clean_text
from models.partners.partner import normalize_phone

FIELDS = ("sessionId", "serviceCode", "phoneNumber", "networkCode", "text")
SESSION_ID = re.compile(r"[A-Za-z0-9_.-]{1,50}")  # + ":step" fits the inbox's 64
SERVICE_CODE = re.compile(r"\*[0-9]{1,6}(\*[0-9]{1,6}){0,4}#")
NETWORK_CODE = re.compile(r"[0-9]{0,10}")
PHONE = re.compile(r"\+?[0-9]{6,15}")
MAX_TEXT = 1000  # a whole session's inputs; a phone's keypad sends ~182 characters at a time
END_STATUSES = re.compile(r"[A-Za-z]{1,20}")


class BadRequest(ValueError):
    """The form is not one Africa's Talking sends."""


@dataclass(frozen=True)
class Request:
    session_id: str
    service_code: str
    phone: str  # E.164
    network_code: str
    text: str  # every input so far, joined by "*"

    @property
    def step(self) -> str:
        """This request's place in its session: the text only grows, so its length."""
        return str(len(self.text))


def parse(form: Mapping[str, str], region: str = "IN") -> Request:
    """Check every field's shape; return the request or raise BadRequest."""
    getlist = getattr(form, "getlist", None)
    if getlist is not None and any(len(getlist(k)) > 1 for k in form):
        raise BadRequest("a field is given twice")
    values = {name: (form.get(name) or "").strip() for name in FIELDS}
    text = form.get("text") or ""
    checks = ((SESSION_ID, "sessionId"), (SERVICE_CODE, "serviceCode"),
              (NETWORK_CODE, "networkCode"), (PHONE, "phoneNumber"))
    for shape, name in checks:
        if not shape.fullmatch(values[name]):
            raise BadRequest(f"{name} is not in Africa's Talking's shape")
    if len(text) > MAX_TEXT or clean_text(text) != text.strip():
        raise BadRequest("text is too long or holds control characters")
    try:
        phone = normalize_phone(values["phoneNumber"], region)
    except ValueError as exc:
        raise BadRequest("phoneNumber is not a phone number") from exc
    return Request(values["sessionId"], values["serviceCode"], phone, values["networkCode"],
                   text)


def newest_input(consumed: str, text: str, *, new: bool) -> str | None:
    """The input this request adds to what the session consumed; None if `text` does not
    continue it (a request from another session's history, or a forged one)."""
    if new or not consumed:
        return text
    if text.startswith(consumed + "*"):
        return text[len(consumed) + 1:]
    return None


def check_end(form: Mapping[str, str]) -> tuple[str, str]:
    """The session id and status of an end-of-session notification, or raise BadRequest."""
    session_id, status = form.get("sessionId") or "", form.get("status") or ""
    if not SESSION_ID.fullmatch(session_id) or not END_STATUSES.fullmatch(status):
        raise BadRequest("sessionId or status is not in Africa's Talking's shape")
    return session_id, status


def con(screen: str) -> str:
    """A screen that waits for the partner's answer."""
    return f"CON {screen}"


def end(screen: str) -> str:
    """A screen that closes the session."""
    return f"END {screen}"
