"""Photograph a clean page as a partner's phone would: the page (folded or crumpled on some)
on a table among other papers, seen at an angle (perspective and rotation) and on some from
afar, out of focus or shaken, lit unevenly (shadow, glare, dim and noisy, warm cast), then sent
as a WhatsApp-sized JPEG."""

from __future__ import annotations

import io
import random

import cv2
import numpy as np
from PIL import Image

from tests.invoice import desk
from tests.invoice.bills import offshoot


def photograph(page: Image.Image, rng: random.Random, *, strength: float = 1.0) -> Image.Image:
    """A phone photo of `page`; `strength` 0..1 scales how hard every effect is."""
    noise = np.random.default_rng(rng.randrange(1 << 30))
    scene = offshoot(rng)  # the creases, the desk and the distance
    paper = desk.crumple(np.asarray(page.convert("RGB")).astype(np.float32), scene, strength)
    h, w = paper.shape[:2]
    long_side = rng.randint(1280, 2000)  # WhatsApp sends 1600 px; "HD" more
    share = rng.uniform(0.72, 0.95)
    if scene.random() < 0.3:  # taken from afar: the bill a part of the frame, the desk around
        # (still legible: a partner who sends a photo sees the figures on the phone's screen)
        share, long_side = scene.uniform(0.62, 0.72), max(long_side, 1600)
    out_w, out_h = (long_side * 3 // 4, long_side) if h >= w else (long_side, long_side * 3 // 4)
    scale = share * min(out_w / w, out_h / h)
    corners = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    pw, ph = w * scale, h * scale
    x0, y0 = (out_w - pw) / 2, (out_h - ph) / 2
    jitter = (0.06 if scene.random() < 0.7 else 0.11) * strength * min(pw, ph)
    target = np.float32([[x0, y0], [x0 + pw, y0], [x0 + pw, y0 + ph], [x0, y0 + ph]])
    target += np.float32([[rng.uniform(-jitter, jitter) for _ in range(2)] for _ in range(4)])
    angle = np.deg2rad(rng.uniform(-7, 7) * strength)
    center = target.mean(axis=0)
    turn = np.float32([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    target = (target - center) @ turn.T + center
    table = rng.choice([(90, 70, 50), (150, 150, 150), (40, 40, 45), (200, 190, 170)])
    matrix = cv2.getPerspectiveTransform(corners, target.astype(np.float32))
    shot = desk.table(out_w, out_h, table, scene)
    cv2.warpPerspective(paper, matrix, (out_w, out_h), dst=shot, flags=cv2.INTER_AREA,
                        borderMode=cv2.BORDER_TRANSPARENT)
    shot = _focus(shot, rng, strength)
    shot = _light(shot, rng, noise, strength)
    buffer = io.BytesIO()
    Image.fromarray(np.clip(shot, 0, 255).astype(np.uint8)).save(
        buffer, "JPEG", quality=rng.randint(int(85 - 35 * strength), 90))
    return Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")


def _focus(shot: np.ndarray, rng: random.Random, strength: float) -> np.ndarray:
    kind = rng.choice(["sharp", "defocus", "defocus", "shake"])
    if kind == "defocus":
        sigma = rng.uniform(0.5, 1.6) * strength + 0.3
        return cv2.GaussianBlur(shot, (0, 0), sigma)
    if kind == "shake":
        length = max(2, int(rng.uniform(2, 7) * strength))
        kernel = np.zeros((length, length), np.float32)
        kernel[length // 2, :] = 1.0 / length
        turn = cv2.getRotationMatrix2D((length / 2 - 0.5, length / 2 - 0.5), rng.uniform(0, 180),
                                       1.0)
        kernel = cv2.warpAffine(kernel, turn, (length, length))
        return cv2.filter2D(shot, -1, kernel / max(kernel.sum(), 1e-6))
    return shot


def _light(shot: np.ndarray, rng: random.Random, noise: np.random.Generator,
           strength: float) -> np.ndarray:
    h, w = shot.shape[:2]
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    gain = np.ones((h, w), np.float32)
    direction = rng.uniform(0, 2 * np.pi)
    ramp = (xs * np.cos(direction) + ys * np.sin(direction)) / max(h, w)
    gain *= 1 - rng.uniform(0.1, 0.4) * strength * (ramp - ramp.min())
    if rng.random() < 0.4:  # the phone's (or the hand's) shadow
        cx, cy, r = rng.uniform(0, w), rng.uniform(0, h), rng.uniform(0.2, 0.5) * max(h, w)
        shade = np.exp(-((xs - cx) ** 2 + (ys - cy) ** 2) / (2 * r * r))
        gain *= 1 - rng.uniform(0.2, 0.45) * strength * shade
    if rng.random() < 0.25:  # glare from a tube light
        cx, cy, r = rng.uniform(0, w), rng.uniform(0, h), rng.uniform(0.05, 0.15) * max(h, w)
        gain += rng.uniform(0.1, 0.35) * np.exp(-((xs - cx) ** 2 + (ys - cy) ** 2) / (2 * r * r))
    if rng.random() < 0.3:  # dim room: darker, noisier
        gain *= rng.uniform(0.55, 0.8)
    cast = np.float32([1.0, rng.uniform(0.93, 1.0), rng.uniform(0.8, 1.0)])  # warm bulbs
    shot = shot * gain[..., None] * cast
    return shot + noise.normal(0, rng.uniform(2, 9) * strength, shot.shape)


def screenshot(page: Image.Image, width: int = 1080, height: int = 2400) -> Image.Image:
    """A phone's screenshot of `page` opened from a PDF: the page across the screen's width
    between an app's title bar and its buttons, on black."""
    shot = Image.new("RGB", (width, height), (18, 18, 18))
    shown = page.resize((width, round(page.height * width / page.width)),
                        Image.Resampling.LANCZOS)
    shot.paste(shown, (0, max(90, (height - shown.height) // 2)))
    shot.paste((7, 94, 84), (0, 0, width, 90))  # the title bar
    shot.paste((30, 30, 30), (0, height - 160, width, height))  # the buttons
    return shot
