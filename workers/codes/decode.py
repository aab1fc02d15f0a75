"""Find QR codes in a photo: zxing-cpp first, then zbar, then clean-ups of the image.

Product codes (SCAN area): decode a photo here, then hand the texts to
models.codes.scan.scan_codes(session, partner, codes, channel=..., source="photo"), or enqueue
workers.scan.scan_photo / workers.scan.scan_decoded, which also reply to the partner.
Formats and checks of the codes: models/codes/format.py. Replies: flows/scan_replies.py.

The order comes from bench/qr.py (see bench/README.md): zxing-cpp reads more photos than zbar
and is faster, so it goes first; zbar catches a few zxing misses; the clean-ups run only when
both find nothing. Pure function: no database, no Flask.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator

import cv2
import numpy as np
import zxingcpp
from PIL import Image, ImageOps
from pyzbar import pyzbar

MAX_SIDE = 2000  # bigger photos are scaled down first (phone cameras give 4000 px)


def decode_image(data: bytes | Image.Image) -> list[str]:
    """Return the text of every QR code found in the image, each once, in reading order."""
    gray = _grayscale(data)
    for variant in _variants(gray):
        found = read_zxing(variant) or read_zbar(variant)
        if found:
            return found
    return []


def _grayscale(data: bytes | Image.Image) -> np.ndarray:
    image = Image.open(io.BytesIO(data)) if isinstance(data, bytes) else data
    image = ImageOps.exif_transpose(image).convert("L")
    scale = MAX_SIDE / max(image.size)
    if scale < 1:
        image = image.resize((round(image.width * scale), round(image.height * scale)),
                             Image.Resampling.BILINEAR)
    return np.asarray(image)


def read_zxing(gray: np.ndarray) -> list[str]:
    """zxing-cpp on a grayscale array."""
    results = zxingcpp.read_barcodes(gray, formats=zxingcpp.BarcodeFormat.QRCode,
                                     try_rotate=True, try_downscale=True)
    return _unique(r.text for r in results if r.valid and r.text)


def read_zbar(gray: np.ndarray) -> list[str]:
    """zbar on a grayscale array."""
    symbols = pyzbar.decode(gray, symbols=[pyzbar.ZBarSymbol.QRCODE])
    return _unique(s.data.decode("utf-8", "replace") for s in symbols if s.data)


def _unique(texts) -> list[str]:
    return list(dict.fromkeys(t.strip() for t in texts if t.strip()))


def _variants(gray: np.ndarray) -> Iterator[np.ndarray]:
    """The photo as taken, then clean-ups that rescue dark, small, blurred or skewed codes."""
    yield gray
    for clean in CLEANUPS:
        yield clean(gray)


def _equalize(gray: np.ndarray) -> np.ndarray:
    return cv2.createCLAHE(clipLimit=3.0, tileGridSize=(8, 8)).apply(gray)


def _threshold(gray: np.ndarray) -> np.ndarray:
    blurred = cv2.GaussianBlur(gray, (5, 5), 0)
    return cv2.adaptiveThreshold(blurred, 255, cv2.ADAPTIVE_THRESH_GAUSSIAN_C,
                                 cv2.THRESH_BINARY, 51, 5)


def _upscale(gray: np.ndarray) -> np.ndarray:
    return cv2.resize(gray, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)


def _sharpen(gray: np.ndarray) -> np.ndarray:
    soft = cv2.GaussianBlur(gray, (0, 0), 3)
    return cv2.addWeighted(gray, 2.0, soft, -1.0, 0)


def _denoise(gray: np.ndarray) -> np.ndarray:
    return cv2.medianBlur(gray, 5)


def _rotate45(gray: np.ndarray) -> np.ndarray:
    h, w = gray.shape
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), 45, 1 / np.sqrt(2))
    return cv2.warpAffine(gray, matrix, (w, h), borderValue=255)


CLEANUPS: tuple[Callable[[np.ndarray], np.ndarray], ...] = (
    _equalize, _threshold, _sharpen, _denoise, _upscale, _rotate45,
)
