"""Draw a voucher's QR code (the distributor's rep scans it to check and use the voucher)."""

from __future__ import annotations

import io

import qrcode

from bot import media


def voucher_qr(code: str) -> bytes:
    buffer = io.BytesIO()
    qrcode.make(code, box_size=8, border=2).save(buffer, format="PNG")
    return media.small_enough(buffer.getvalue(), f"voucher QR {code}")
