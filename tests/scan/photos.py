"""Phone-like photos of printed QR codes, made with Pillow and OpenCV (tests and bench/qr.py)."""

from __future__ import annotations

import io
import random

import cv2
import numpy as np
import qrcode
from PIL import Image

DEGRADATIONS = ("rotation", "perspective", "blur", "low_light", "jpeg_noise")


def qr_image(text: str, box: int = 10) -> np.ndarray:
    """A clean grayscale QR as printed (ECC H, 4-module quiet zone)."""
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_H, box_size=box, border=4)
    qr.add_data(text)
    return np.asarray(qr.make_image(fill_color="black", back_color="white").convert("L"))


def _canvas(rng: random.Random, size: tuple[int, int]) -> np.ndarray:
    """Paper/cardboard background with some texture."""
    h, w = size
    base = rng.randint(150, 230)
    noise = np.random.default_rng(rng.randint(0, 10**6)).normal(0, 8, (h // 8, w // 8))
    texture = cv2.resize(noise, (w, h), interpolation=cv2.INTER_CUBIC)
    return np.clip(base + texture, 0, 255).astype(np.uint8)


def place(codes: list[np.ndarray], rng: random.Random, size=(1280, 960), angle: float = 0,
          perspective: float = 0) -> np.ndarray:
    """Paste codes side by side on a background, rotated and seen at an angle."""
    h, w = size
    canvas = _canvas(rng, size)
    slot = w // len(codes)
    for i, code in enumerate(codes):
        side = min(int(slot * rng.uniform(0.45, 0.75)), int(h * 0.5))
        tile = cv2.resize(code, (side, side), interpolation=cv2.INTER_NEAREST)
        y = rng.randint(h // 4, h - side - h // 8)
        x = i * slot + (slot - side) // 2
        canvas[y:y + side, x:x + side] = tile
    if angle:
        fit = min(w, h) / np.hypot(w, h)  # zoom out so rotated corners stay in frame
        matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, max(fit, 1 - abs(angle) / 90))
        canvas = cv2.warpAffine(canvas, matrix, (w, h), borderMode=cv2.BORDER_REPLICATE)
    if perspective:
        d = perspective * w
        src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
        dst = np.float32([[rng.uniform(0, d), rng.uniform(0, d)], [w - rng.uniform(0, d), 0],
                          [w, h - rng.uniform(0, d)], [rng.uniform(0, d), h]])
        canvas = cv2.warpPerspective(canvas, cv2.getPerspectiveTransform(src, dst), (w, h),
                                     borderMode=cv2.BORDER_REPLICATE)
    return canvas


def degrade(gray: np.ndarray, kind: str, rng: random.Random, strength: float = 1.0
            ) -> np.ndarray:
    """Apply one degradation a phone camera causes; `strength` 0..1 scales it."""
    if kind == "blur":
        k = 1 + 2 * int(1 + strength * 4)
        if rng.random() < 0.5:
            return cv2.GaussianBlur(gray, (k, k), 0)
        kernel = np.zeros((k, k), np.float32)
        kernel[k // 2, :] = 1 / k
        return cv2.filter2D(gray, -1, kernel)
    if kind == "low_light":
        dark = gray.astype(np.float32) * rng.uniform(0.15, 0.35 - 0.1 * strength) + 10
        gradient = np.linspace(0.6, 1.0, gray.shape[1], dtype=np.float32)[None, :]
        noise = np.random.default_rng(rng.randint(0, 10**6)).normal(0, 3 + 3 * strength,
                                                                    gray.shape)
        return np.clip(dark * gradient + noise, 0, 255).astype(np.uint8)
    if kind == "jpeg_noise":
        noise = np.random.default_rng(rng.randint(0, 10**6)).normal(0, 10 + 15 * strength,
                                                                    gray.shape)
        noisy = np.clip(gray.astype(np.float32) + noise, 0, 255).astype(np.uint8)
        return np.asarray(Image.open(io.BytesIO(jpeg(noisy, quality=int(35 - 20 * strength))))
                          .convert("L"))
    return gray


def jpeg(gray: np.ndarray, quality: int = 80) -> bytes:
    out = io.BytesIO()
    Image.fromarray(gray).convert("RGB").save(out, "JPEG", quality=quality)
    return out.getvalue()


def photo(texts: list[str], kind: str, seed: int, strength: float = 1.0) -> bytes:
    """A JPEG 'photo' of the codes with the named degradations ("blur+low_light"), plus the
    small tilt and skew every hand-held photo has."""
    rng = random.Random(seed)
    kinds = kind.split("+")
    angle = rng.uniform(-180, 180) if "rotation" in kinds else rng.uniform(-8, 8)
    skew = 0.12 + 0.1 * strength if "perspective" in kinds else rng.uniform(0, 0.04)
    gray = place([qr_image(t) for t in texts], rng, angle=angle, perspective=skew)
    for name in kinds:
        gray = degrade(gray, name, rng, strength)
    return jpeg(gray, quality=rng.randint(60, 90))
