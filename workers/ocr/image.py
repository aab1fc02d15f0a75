"""Open an uploaded file as an image (PDF: first page) and clean it up for Tesseract."""

from __future__ import annotations

import io
import subprocess
import tempfile
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageFilter, ImageOps, UnidentifiedImageError

PDF_MAGIC = b"%PDF-"
TARGET_WIDTH = 1800  # PDF pages are rendered this wide
TEXT_HEIGHT = 32.0  # median character height Tesseract reads best (≈10 pt text at 300 DPI)
MAX_WIDTH = 2600
MAX_PIXELS = 40_000_000
EVEN_BLUR = 25  # px: a shadow's or a dim corner's scale, far above a letter's (evened)
# An unsharp mask (radius px, percent, threshold) that gives back a defocused photo's print the
# edges PP-OCR finds and reads (sharpened)
SHARPEN = (2, 150, 1)


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


def flatten(gray: np.ndarray) -> np.ndarray:
    """Divide out the background (shadows, uneven light): paper near white, ink dark."""
    size = max(15, gray.shape[1] // 40) | 1
    background = cv2.morphologyEx(gray, cv2.MORPH_CLOSE, np.ones((size, size), np.uint8))
    return cv2.divide(gray, background, scale=255)


def evened(picture: Image.Image) -> Image.Image:
    """The picture in gray, its light evened out (divided by its background, blurred over
    EVEN_BLUR px) and its contrast stretched from its darkest 1 % to its lightest 0.5 %: faint
    print on a dim photo, where PP-OCR's detection found almost nothing, stands out."""
    gray = to_gray(picture).astype(np.float32)
    # no paper lighter than its background: the light end of the stretch is the paper's
    level = np.minimum(gray / (cv2.GaussianBlur(gray, (0, 0), EVEN_BLUR) + 1), 1.0)
    dark, light = np.percentile(level, (1, 99.5))
    stretched = np.clip((level - dark) * 255 / max(light - dark, 1e-6), 0, 255)
    return Image.fromarray(stretched.astype(np.uint8)).convert("RGB")


def sharpened(picture: Image.Image) -> Image.Image:
    """The picture with its edges steepened (SHARPEN): small print on a defocused or shaken
    photo of a whole A4 page, which PP-OCR's detection split or missed and its recogniser
    misread (fresh seed 211, Tally photo 22: 60 text boxes and no total; sharpened, 93 and
    the total vouched for by the tax arithmetic)."""
    radius, percent, threshold = SHARPEN
    return picture.convert("RGB").filter(ImageFilter.UnsharpMask(radius, percent, threshold))


def ink(gray: np.ndarray) -> np.ndarray:
    """Text pixels (255) without big blobs such as page edges, table fills and logos."""
    mask = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)[1]
    _count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    limit = gray.shape[0] // 12
    big = np.flatnonzero((stats[:, cv2.CC_STAT_HEIGHT] > limit) |
                         (stats[:, cv2.CC_STAT_WIDTH] > gray.shape[1] // 2))
    mask[np.isin(labels, big[big > 0])] = 0
    return mask


def skew_angle(text: np.ndarray) -> float:
    """The angle (degrees) that makes text lines horizontal, by projection-profile sharpness."""
    center = (text.shape[1] / 2, text.shape[0] / 2)

    def sharpness(angle: float) -> float:
        matrix = cv2.getRotationMatrix2D(center, angle, 1.0)
        rotated = cv2.warpAffine(text, matrix, (text.shape[1], text.shape[0]))
        return float(np.var(rotated.sum(axis=1, dtype=np.float64)))

    best = max(np.arange(-10, 10.5, 1.0), key=sharpness)
    return float(max(np.arange(best - 0.8, best + 0.9, 0.2), key=sharpness))


def rotate(gray: np.ndarray, angle: float) -> np.ndarray:
    if abs(angle) < 0.1:
        return gray
    h, w = gray.shape
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(gray, matrix, (w, h), flags=cv2.INTER_CUBIC,
                          borderMode=cv2.BORDER_CONSTANT, borderValue=255)


def text_height(text: np.ndarray) -> float:
    """The median height of character-sized blobs, in pixels."""
    stats = cv2.connectedComponentsWithStats(text, connectivity=8)[2][1:]
    heights = stats[:, cv2.CC_STAT_HEIGHT]
    widths = stats[:, cv2.CC_STAT_WIDTH]
    chars = heights[(heights >= 6) & (widths < heights * 3) & (widths >= 2)]
    return float(np.median(chars)) if len(chars) else TEXT_HEIGHT


def clean(image: Image.Image) -> np.ndarray:
    """Grayscale, flatten, deskew, crop to the text, scale to ~300 DPI text, threshold."""
    gray = to_gray(image)
    if gray.shape[1] > MAX_WIDTH:
        gray = cv2.resize(gray, None, fx=MAX_WIDTH / gray.shape[1], fy=MAX_WIDTH / gray.shape[1],
                          interpolation=cv2.INTER_AREA)
    flat = flatten(gray)
    small_factor = min(1.0, 800 / flat.shape[1])
    small = cv2.resize(flat, None, fx=small_factor, fy=small_factor, interpolation=cv2.INTER_AREA)
    flat = rotate(flat, skew_angle(ink(small)))
    text = ink(flat)
    ys, xs = np.nonzero(text)
    if len(xs):
        pad = 20
        flat = flat[max(0, ys.min() - pad): ys.max() + pad, max(0, xs.min() - pad): xs.max() + pad]
        text = text[max(0, ys.min() - pad): ys.max() + pad, max(0, xs.min() - pad): xs.max() + pad]
    factor = min(3.0, max(0.4, TEXT_HEIGHT / text_height(text)))
    if abs(factor - 1) > 0.1:
        flat = cv2.resize(flat, None, fx=factor, fy=factor,
                          interpolation=cv2.INTER_CUBIC if factor > 1 else cv2.INTER_AREA)
    return cv2.threshold(flat, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)[1]
