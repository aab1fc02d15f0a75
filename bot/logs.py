"""Structured JSON logs that never carry a full phone number, UPI id, OTP, auth token or GSTIN.

Every line, the app's and any library's (Flask's exception lines, werkzeug, RQ, SQLAlchemy,
gunicorn with the shipped gunicorn.conf.py), goes through one JsonFormatter on the root
logger. JSON escapes the control characters; the formatter also escapes what JSON leaves
raw but a reader may still take for a line break or a reversal (U+2028, U+0085, bidi
controls), so text an attacker chose can never start a line of its own.
"""

from __future__ import annotations

import json
import logging
import re
import sys

from flask import Flask
from flask.logging import default_handler

_GSTIN = re.compile(r"\b(\d{2})[A-Z]{5}\d{4}[A-Z][0-9A-Z]Z[0-9A-Z]\b")
_VPA = re.compile(r"\b([A-Za-z0-9._-]{1,2})[A-Za-z0-9._-]*@([A-Za-z][A-Za-z0-9]+)\b")
_PHONE = re.compile(r"(?<![\w+])\+[0-9]{8,15}(?![0-9])")  # E.164, as stored and in DETAILs
_CODE = re.compile(r"(?<!\d)\d{6}(?!\d)")  # an OTP's shape, in database errors' values
# Left raw by json.dumps(ensure_ascii=False), yet line breaks to str.splitlines() and to
# some log viewers (C1 controls, U+2028/9), or able to reorder what a reader sees (bidi
# controls, BOM); lone surrogates would make the line unwritable as UTF-8.
_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ufeff"
                     "\ud800-\udfff]")
_SECRET_KEYS = {"otp", "auth_token", "token", "password", "secret", "authorization"}
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


def mask_gstin(gstin: str) -> str:
    """Keep the state code and the last two characters: 27XXXXXXXXXXX1Z5 -> 27***********Z5."""
    return gstin[:2] + "*" * (len(gstin) - 4) + gstin[-2:] if len(gstin) > 4 else "****"


def mask_vpa(vpa: str) -> str:
    """Show the first two characters and the handle: rajesh@okhdfc -> ra****@okhdfc."""
    name, _, handle = vpa.partition("@")
    return f"{name[:2]}****@{handle}"


def mask_phone(phone: str) -> str:
    """Keep the country code's first digits and the last four: +919812345678 -> +91******5678."""
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:] if len(phone) > 7 else "****"


def redact(text: str) -> str:
    """Mask GSTINs, UPI ids and phone numbers wherever they appear in free text."""
    text = _GSTIN.sub(lambda m: mask_gstin(m.group(0)), text)
    text = _PHONE.sub(lambda m: mask_phone(m.group(0)), text)
    return _VPA.sub(lambda m: f"{m.group(1)}****@{m.group(2)}", text)


def _escape(line: str) -> str:
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", line)


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
        return _escape(json.dumps(entry, default=str, ensure_ascii=False))


def json_handler() -> logging.Handler:
    """Return the root logger's JSON handler, installing one on stderr if there is none
    (gunicorn.conf.py installs it before the app exists)."""
    root = logging.getLogger()
    for handler in root.handlers:
        if isinstance(handler.formatter, JsonFormatter):
            return handler
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root.addHandler(handler)
    return handler


def init_app(app: Flask) -> None:
    """Send every logger's lines through the one JSON handler; `saathi.*` at LOG_LEVEL."""
    json_handler()
    logging.getLogger("saathi").setLevel(app.config["LOG_LEVEL"])
    # Flask and werkzeug add plain-text handlers of their own when they find none: theirs
    # would print a request path verbatim. Their lines reach the root handler instead.
    app.logger.removeHandler(default_handler)
    werkzeug = logging.getLogger("werkzeug")
    for handler in list(werkzeug.handlers):
        werkzeug.removeHandler(handler)
    if werkzeug.level == logging.NOTSET:
        werkzeug.setLevel(logging.INFO)  # its request lines, as the dev server shows them
