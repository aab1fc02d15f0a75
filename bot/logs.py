"""Structured JSON logs that never carry a full UPI id, OTP, auth token or GSTIN."""

from __future__ import annotations

import json
import logging
import re
import sys

from flask import Flask

_GSTIN = re.compile(r"\b(\d{2})[A-Z]{5}\d{4}[A-Z][0-9A-Z]Z[0-9A-Z]\b")
_VPA = re.compile(r"\b([A-Za-z0-9._-]{1,2})[A-Za-z0-9._-]*@([A-Za-z][A-Za-z0-9]+)\b")
_CODE = re.compile(r"(?<!\d)\d{6}(?!\d)")  # an OTP's shape, in database errors' values
_SECRET_KEYS = {"otp", "auth_token", "token", "password", "secret", "authorization"}
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


def mask_gstin(gstin: str) -> str:
    """Keep the state code and the last two characters: 27XXXXXXXXXXX1Z5 -> 27***********Z5."""
    return gstin[:2] + "*" * (len(gstin) - 4) + gstin[-2:] if len(gstin) > 4 else "****"


def mask_vpa(vpa: str) -> str:
    """Show the first two characters and the handle: rajesh@okhdfc -> ra****@okhdfc."""
    name, _, handle = vpa.partition("@")
    return f"{name[:2]}****@{handle}"


def redact(text: str) -> str:
    """Mask GSTINs and UPI ids wherever they appear in free text."""
    text = _GSTIN.sub(lambda m: mask_gstin(m.group(0)), text)
    return _VPA.sub(lambda m: f"{m.group(1)}****@{m.group(2)}", text)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, event and the extra fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "event": redact(record.getMessage()),
        }
        for key, value in vars(record).items():
            if key in _STANDARD or key.startswith("_"):
                continue
            if key.lower() in _SECRET_KEYS:
                value = "***"
            elif isinstance(value, str):
                value = redact(value)
            entry[key] = value
        if record.exc_info:
            # A database error can quote a row's values (PostgreSQL's DETAIL, a failed cast):
            # a partner's message body there may be an OTP.
            entry["exc"] = _CODE.sub("******", redact(self.formatException(record.exc_info)))
        return json.dumps(entry, default=str, ensure_ascii=False)


def init_app(app: Flask) -> None:
    """Send every `saathi.*` logger to stderr as JSON lines."""
    root = logging.getLogger("saathi")
    root.setLevel(app.config["LOG_LEVEL"])
    if not any(isinstance(h.formatter, JsonFormatter) for h in root.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter())
        root.addHandler(handler)
