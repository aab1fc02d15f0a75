"""Read the signed QR code of an Indian e-invoice (IRN): a JWT whose payload carries `data`.

The signature is NIC's (RS256); we do not hold NIC's public key here, so the payload is decoded
WITHOUT verifying the signature. The fields are still checked (GSTIN checksums, date, amount),
and the same duplicate and distributor rules apply as for an OCR'd invoice.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from models.gstin import is_valid_gstin
from models.invoice_read import InvoiceRead

CONFIDENCE = 0.99
# The payload is not verified, so anyone can print such a QR: fields are taken only in their
# documented shapes (a GST invoice number is at most 16 letters, digits, "/" and "-").
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


def read(token: str) -> InvoiceRead | None:
    """Turn a signed QR's payload into a reading; fields that fail their checks are left out."""
    data = payload(token)
    if data is None:
        return None
    result = InvoiceRead(source="einvoice-qr")
    for field, key in (("seller_gstin", "SellerGstin"), ("buyer_gstin", "BuyerGstin")):
        value = str(data.get(key) or "").upper()
        if is_valid_gstin(value):
            result.set(field, value, CONFIDENCE)
    number = str(data.get("DocNo") or "").strip().upper()
    if _DOC_NO.fullmatch(number):
        result.set("invoice_number", number, CONFIDENCE)
    result.set("invoice_date", _date(str(data.get("DocDt"))), CONFIDENCE)
    result.set("total_paise", _paise(str(data.get("TotInvVal"))), CONFIDENCE)
    result.irn = _shaped(_IRN, data.get("Irn"))
    result.hsn = _shaped(_HSN, data.get("MainHsnCode"))
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
