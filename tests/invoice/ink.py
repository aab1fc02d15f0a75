"""How a printer puts a page on paper, drawn over a page rendered in solid ink: a dot-matrix
printer's dots and its ribbon fading from line to line on pale continuous stationery, and a
thermal or low-toner print that is grey, uneven and streaked where the head or drum is worn."""

from __future__ import annotations

import random

import cv2
import numpy as np
from PIL import Image


def _inked(page: Image.Image) -> np.ndarray:
    """0..1: how much ink each pixel of the solid-ink page carries."""
    return 1.0 - np.asarray(page.convert("L")).astype(np.float32) / 255.0


def _on_paper(ink: np.ndarray, paper: np.ndarray, colour: np.ndarray) -> Image.Image:
    shot = paper * (1 - ink[..., None]) + colour * ink[..., None]
    return Image.fromarray(np.clip(shot, 0, 255).astype(np.uint8))


def dot_matrix(page: Image.Image, rng: random.Random) -> Image.Image:
    """Each glyph as a grid of round dots (a 9- or 24-pin head), the ribbon lighter on some
    lines than others, on white or green-barred continuous paper."""
    ink = _inked(page)
    h, w = ink.shape
    pitch = rng.choice([2, 3])  # a 24-pin head (near letter quality), a 9-pin draft
    small = cv2.resize(ink, (w // pitch, h // pitch), interpolation=cv2.INTER_AREA)
    small = _nine_pin(small) if pitch == 3 else small > 0.3
    dot = np.zeros((pitch, pitch), np.float32)
    cv2.circle(dot, (pitch // 2, pitch // 2), max(1, pitch // 2), 1.0, -1)
    dots = np.kron(small.astype(np.float32), dot)
    dots = np.pad(dots, ((0, h - dots.shape[0]), (0, w - dots.shape[1])))
    dots = cv2.GaussianBlur(dots, (0, 0), rng.uniform(0.4, 0.9))
    band = rng.randint(30, 90)  # the ribbon's wear repeats down the page
    rows = np.arange(h, dtype=np.float32)
    strength = rng.uniform(0.6, 0.95) + rng.uniform(0.05, 0.15) * np.sin(rows / band)
    paper = np.full((h, w, 3), 252, np.float32)
    if rng.random() < 0.4:  # green-bar stationery: pale bands every half inch
        paper[(rows // 60 % 2 == 1)] = (222, 240, 222)
    return _on_paper(np.clip(dots * strength[:, None], 0, 1), paper,
                     np.float32(rng.choice([(30, 30, 40), (40, 40, 90), (60, 50, 60)])))


def _nine_pin(share: np.ndarray) -> np.ndarray:
    """The dots a 9-pin head fires, from each 3-pixel cell's share of ink: a cell a fifth
    inked, and a cell with a little ink none of whose four neighbours is fired. The printer's
    own font draws every stroke on its grid; a thin typeface's stroke (one or two pixels)
    that falls between two cells inks each of them a little, and a 0.3 share, right for the
    24-pin head's 2-pixel cells, broke such strokes apart at this pitch ("INV-01094
    06/01/26" drawn as "1NV 01C94 06 01 26" in FreeMono: seed 402's page 11, illegible to a
    person as well as to the reader)."""
    fired = share > 0.2
    across = np.array([[0, 1, 0], [1, 0, 1], [0, 1, 0]], np.uint8)
    lonely = cv2.dilate(fired.astype(np.uint8), across) == 0
    return fired | ((share > 0.08) & lonely)


def faded(page: Image.Image, rng: random.Random) -> Image.Image:
    """Grey print that fades across the page, with light streaks down it (a worn thermal head,
    a toner drum running out)."""
    ink = _inked(page)
    h, w = ink.shape
    cols = np.arange(w, dtype=np.float32)
    strength = np.linspace(rng.uniform(0.5, 0.75), rng.uniform(0.7, 0.95), w)
    for _ in range(rng.randint(0, 4)):
        centre, width = rng.uniform(0, w), rng.uniform(2, 14)
        strength *= 1 - rng.uniform(0.3, 0.6) * np.exp(-((cols - centre) / width) ** 2)
    paper = np.full((h, w, 3), rng.randint(236, 252), np.float32)
    colour = np.float32((rng.randint(40, 90),) * 3)
    return _on_paper(ink * strength[None, :], paper, colour)
