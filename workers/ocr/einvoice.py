"""Read the signed QR code of an Indian e-invoice (IRN): an RS256 JWT whose payload's `data`
is the invoice JSON (as a string), signed by the Invoice Registration Portal (NIC's or another).

A QR whose signature checks against one of the configured portal keys is the invoice itself
(confidence 0.99, source "einvoice-qr"). Any other QR (no key configured, an unknown key, a
forgery) is a claim only (source "qr-unverified"): the reader weighs its fields against what
OCR finds printed (workers/ocr/read.py). Either way the fields are checked (GSTIN checksums,
date, amount) and the same duplicate and distributor rules apply.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

import jwt
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

from models.invoices.read import InvoiceRead
from models.partners.gstin import is_valid_gstin

CONFIDENCE = 0.99
VERIFIED, UNVERIFIED = "einvoice-qr", "qr-unverified"
# What an unverified QR's word is worth where OCR does not back it: below the threshold at
# which a partner confirms the read.
UNVERIFIED_CONFIDENCE = 0.5
_CLAIMS_NOT_CHECKED = {"verify_exp": False, "verify_nbf": False, "verify_iat": False,
                       "verify_aud": False, "verify_iss": False}
# The payload's fields are taken only in their documented shapes (a GST invoice number is at
# most 16 letters, digits, "/" and "-"), signed or not.
_DOC_NO = re.compile(r"[A-Z0-9/-]{1,16}")
_IRN = re.compile(r"[0-9a-f]{64}")
_HSN = re.compile(r"[0-9]{2,8}")


def _b64json(part: str) -> dict:
    padded = part + "=" * (-len(part) % 4)
    value = json.loads(base64.urlsafe_b64decode(padded))
    if not isinstance(value, dict):
        raise ValueError("not a JSON object")
    return value


def payload(token: str) -> dict | None:
    """The invoice data inside a signed-QR JWT, or None if `token` is not one."""
    parts = token.strip().split(".")
    if len(parts) != 3:
        return None
    try:
        body = _b64json(parts[1])
        data = body.get("data")
        data = json.loads(data) if isinstance(data, str) else data
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None
    if not isinstance(data, dict) or "SellerGstin" not in data:
        return None
    return data


def signed_by(token: str, keys: Sequence[RSAPublicKey]) -> bool:
    """True if the token's RS256 signature checks against one of `keys`."""
    for key in keys:
        try:
            jwt.decode(token.strip(), key, algorithms=["RS256"], options=_CLAIMS_NOT_CHECKED)
        except jwt.InvalidTokenError:
            continue
        return True
    return False


def read(token: str, keys: Sequence[RSAPublicKey] = ()) -> InvoiceRead | None:
    """Turn a signed QR's payload into a reading; fields that fail their checks are left out.
    Only a QR signed with one of `keys` is trusted, and only its HSN code is kept."""
    data = payload(token)
    if data is None:
        return None
    trusted = signed_by(token, keys)
    result = InvoiceRead(source=VERIFIED if trusted else UNVERIFIED)
    confidence = CONFIDENCE if trusted else UNVERIFIED_CONFIDENCE
    for field, key in (("seller_gstin", "SellerGstin"), ("buyer_gstin", "BuyerGstin")):
        value = str(data.get(key) or "").upper()
        if is_valid_gstin(value):
            result.set(field, value, confidence)
    number = str(data.get("DocNo") or "").strip().upper()
    if _DOC_NO.fullmatch(number):
        result.set("invoice_number", number, confidence)
    result.set("invoice_date", _date(str(data.get("DocDt"))), confidence)
    result.set("total_paise", _paise(str(data.get("TotInvVal"))), confidence)
    result.irn = _shaped(_IRN, data.get("Irn"))
    result.hsn = _shaped(_HSN, data.get("MainHsnCode")) if trusted else None
    return result


def _shaped(shape: re.Pattern, value: object) -> str | None:
    text = str(value or "")
    return text if shape.fullmatch(text) else None


def _date(text: str) -> date | None:
    try:
        return datetime.strptime(text, "%d/%m/%Y").date()
    except ValueError:
        return None  # left for OCR to fill


def _paise(text: str) -> int | None:
    try:
        total = Decimal(text)
    except InvalidOperation:
        return None
    return int((total * 100).to_integral_value()) if total > 0 else None
