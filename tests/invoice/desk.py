"""Where a phone photo of a bill is taken: the paper folded or crumpled (its lines bent, its
creases shaded), lying on a wooden or cloth-covered table beside other papers."""

from __future__ import annotations

import random

import cv2
import numpy as np
from PIL import Image, ImageDraw

from tests.invoice import fonts

OTHER_PAPERS = ["DELIVERY CHALLAN", "Received the goods in good condition", "Challan No. 4471",
                "Vehicle No. MH12 AB 4521", "Stock Register", "Opening stock 120 bags",
                "Transport: Shree Roadlines", "L.R. No. 8812 dt. 04/03", "Receiver's Signature"]


def _field(h: int, w: int, rng: random.Random, cells: int) -> np.ndarray:
    """A smooth random field over the page, -1..1, varying over about `cells` cells."""
    grid = np.random.default_rng(rng.randrange(1 << 30)).uniform(-1, 1, (cells, cells))
    return cv2.resize(grid.astype(np.float32), (w, h), interpolation=cv2.INTER_CUBIC)


def crumple(paper: np.ndarray, rng: random.Random, strength: float = 1.0) -> np.ndarray:
    """The page folded in two or three (straight creases, a shade each side) on some, crumpled
    and smoothed out (lines bent, shading in patches) on others, flat on the rest."""
    h, w = paper.shape[:2]
    kind = rng.choices(["flat", "folded", "crumpled"], weights=[45, 30, 25])[0]
    if kind == "flat":
        return paper
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    gain = np.ones((h, w), np.float32)
    if kind == "folded":
        for _ in range(rng.randint(1, 2)):
            across = rng.random() < 0.7  # folded across the page's height, as bills are
            at = rng.uniform(0.3, 0.7) * (h if across else w)
            side = (ys if across else xs) - at
            gain *= 1 - rng.uniform(0.04, 0.12) * strength * np.tanh(side / 40)
            gain *= 1 - 0.25 * strength * np.exp(-(side / 3) ** 2)  # the crease itself
        return paper * gain[..., None]
    amplitude = rng.uniform(2, 8) * strength
    dx, dy = _field(h, w, rng, rng.randint(4, 9)), _field(h, w, rng, rng.randint(4, 9))
    bent = cv2.remap(paper, xs + amplitude * dx, ys + amplitude * dy, cv2.INTER_LINEAR,
                     borderMode=cv2.BORDER_REPLICATE)
    # Light from one side on a bumpy sheet: the slopes that face it lighter, the others darker.
    relief = _field(h, w, rng, rng.randint(5, 10))
    slope = cv2.Sobel(relief, cv2.CV_32F, 1, 0, ksize=3)
    slope /= 3 * float(slope.std()) + 1e-6
    gain = 1 + rng.uniform(0.06, 0.15) * strength * np.clip(slope, -1, 1)
    return bent * gain[..., None]


def table(w: int, h: int, colour: tuple[int, int, int], rng: random.Random) -> np.ndarray:
    """The table under the bill: wood grain or cloth, and another paper on some."""
    noise = np.random.default_rng(rng.randrange(1 << 30))
    ys = np.arange(h, dtype=np.float32)[:, None]
    if rng.random() < 0.5:
        grain = np.sin(ys / rng.uniform(6, 20) + 3 * _field(h, w, rng, 5)) * rng.uniform(8, 20)
    else:
        grain = cv2.GaussianBlur(noise.normal(0, 12, (h, w)).astype(np.float32), (0, 0), 1.5)
    shot = np.float32(colour)[None, None, :] + grain[..., None]
    if rng.random() < 0.35:
        shot = _other_paper(shot, rng)
    return np.ascontiguousarray(np.clip(shot, 0, 255).astype(np.float32))


def _other_paper(shot: np.ndarray, rng: random.Random) -> np.ndarray:
    """A challan or a register page lying half in the frame at one side."""
    h, w = shot.shape[:2]
    sheet = Image.new("L", (w // 2, h // 2), 0)
    draw = ImageDraw.Draw(sheet)
    draw.rectangle((0, 0, *sheet.size), fill=255)
    face = fonts.load(rng.choice(fonts.installed(fonts.PRINT)), rng.randint(18, 26))
    for n, text in enumerate(rng.sample(OTHER_PAPERS, 5)):
        draw.text((30, 30 + 40 * n), text, font=face, fill=40)
    sheet = sheet.rotate(rng.uniform(-30, 30), expand=True, fillcolor=0)
    mask = np.asarray(sheet.point(lambda v: 255 if v else 0)).astype(np.float32) / 255
    ink = np.asarray(sheet).astype(np.float32)
    x = rng.choice([-sheet.width // 2, w - sheet.width // 2])
    y = rng.randint(-sheet.height // 3, max(0, h - sheet.height))
    top, left = max(y, 0), max(x, 0)
    bottom, right = min(y + sheet.height, h), min(x + sheet.width, w)
    part = (slice(top - y, bottom - y), slice(left - x, right - x))
    alpha = mask[part][..., None]
    shot[top:bottom, left:right] = shot[top:bottom, left:right] * (1 - alpha) + \
        np.repeat(ink[part][..., None], 3, axis=2) * alpha * 0.95
    return shot
