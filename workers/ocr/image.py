"""Open an uploaded file as an image (PDF: first page) and clean it up for Tesseract."""

from __future__ import annotations

import io
import subprocess
import tempfile
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

PDF_MAGIC = b"%PDF-"
TARGET_WIDTH = 1800  # ≈ 300 DPI for the width of an A5/half-A4 invoice: text ~30 px tall
MAX_WIDTH = 2600
MAX_PIXELS = 40_000_000


class NotAnImage(ValueError):
    """The bytes are not an image (or PDF) we can open."""


def open_upload(data: bytes) -> Image.Image:
    """Decode JPEG/PNG bytes, or render a PDF's first page; raise NotAnImage if broken."""
    if data.startswith(PDF_MAGIC):
        data = _pdf_first_page(data)
    try:
        image = Image.open(io.BytesIO(data))
        if image.width * image.height > MAX_PIXELS:
            raise NotAnImage("image too large")
        image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise NotAnImage(str(exc)) from exc
    return ImageOps.exif_transpose(image).convert("RGB")


def _pdf_first_page(data: bytes) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "in.pdf"
        source.write_bytes(data)
        try:
            subprocess.run(["pdftoppm", "-png", "-scale-to-x", str(TARGET_WIDTH), "-scale-to-y",
                            "-1", "-f", "1", "-l", "1", "-singlefile", str(source),
                            str(Path(tmp) / "page")],
                           check=True, capture_output=True, timeout=30)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
            raise NotAnImage("unreadable PDF") from exc
        return (Path(tmp) / "page.png").read_bytes()


def to_gray(image: Image.Image) -> np.ndarray:
    return cv2.cvtColor(np.asarray(image.convert("RGB")), cv2.COLOR_RGB2GRAY)


def scale(gray: np.ndarray) -> np.ndarray:
    """Resize so text lands near Tesseract's favourite height (≈300 DPI)."""
    width = gray.shape[1]
    if width < TARGET_WIDTH * 0.8 or width > MAX_WIDTH:
        factor = TARGET_WIDTH / width
        method = cv2.INTER_CUBIC if factor > 1 else cv2.INTER_AREA
        gray = cv2.resize(gray, None, fx=factor, fy=factor, interpolation=method)
    return gray


def skew_angle(gray: np.ndarray) -> float:
    """The angle (degrees) that makes text lines horizontal, by projection-profile sharpness."""
    small = cv2.resize(gray, None, fx=600 / gray.shape[1], fy=600 / gray.shape[1],
                       interpolation=cv2.INTER_AREA)
    ink = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)[1]
    center = (ink.shape[1] / 2, ink.shape[0] / 2)

    def sharpness(angle: float) -> float:
        matrix = cv2.getRotationMatrix2D(center, angle, 1.0)
        rotated = cv2.warpAffine(ink, matrix, (ink.shape[1], ink.shape[0]))
        return float(np.var(rotated.sum(axis=1, dtype=np.float64)))

    best = max(np.arange(-10, 10.5, 1.0), key=sharpness)
    return float(max(np.arange(best - 0.8, best + 0.9, 0.2), key=sharpness))


def rotate(gray: np.ndarray, angle: float) -> np.ndarray:
    if abs(angle) < 0.1:
        return gray
    h, w = gray.shape
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(gray, matrix, (w, h), flags=cv2.INTER_CUBIC,
                          borderMode=cv2.BORDER_REPLICATE)


def clean(image: Image.Image) -> np.ndarray:
    """Grayscale, scale, deskew and threshold: black text on white, ready for Tesseract."""
    gray = scale(to_gray(image))
    gray = rotate(gray, skew_angle(gray))
    gray = cv2.medianBlur(gray, 3)
    background = cv2.morphologyEx(gray, cv2.MORPH_CLOSE, np.ones((31, 31), np.uint8))
    flat = cv2.divide(gray, background, scale=255)  # evens out shadows and uneven light
    return cv2.threshold(flat, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)[1]
