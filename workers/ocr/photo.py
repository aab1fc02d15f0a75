"""Why a photo held no invoice that could be read, as the picture shows it, so that the
partner is told what to do differently: the page too small a part of the frame (its print
too small to read), or the picture too dark or blurred.

Print size is not measured on OCR's lines: where the print is too small, OCR finds no text
boxes at all, or only the large ones (a title, a bold total), so the lines it hands back say
least where the question matters (bench/photo_faults.py: of the study's photos taken from
afar that read nothing, 10 of 34 had fewer than 5 lines even in the middle read again
at its own pixels, and the others' boxes, 9-15 px high, overlapped the 13-21 px of
ordinary photos that read nothing). The page's share of the frame is measured instead, which
is also what the partner is told to change ("hold the phone closer, so that the invoice
fills the screen"). Thresholds from bench/photo_faults.py on study seeds 841-860.
"""

from __future__ import annotations

import math

import cv2
import numpy as np
from PIL import Image

from models.invoices.invoice import Reason
from workers.ocr import rapid

BRIGHTEST = 99  # the percentile of grey that finds the paper, also in a photo from afar
# The paper (the BRIGHTEST percentile of grey, 0..255) darker than this: too dark. The
# study's photos: 116-253 as taken (also from afar); in a dim room (x0.3, x0.15): 20-76.
DARK_PAPER = 90
# Blur: the variance of the Laplacian at the reading scale over the same at a quarter of it.
# Sharp text keeps its fine edges (the study's photos that read: 0.11-1.1; from afar: 0.085
# and up); out of focus only coarse shapes are left (blurred 3 px: 0.016-0.056, and one
# camera photo out of focus, 0.052, that read nothing). A sky over a field: 0.6.
BLURRED = 0.08
# The page: the largest patch of bright, colourless pixels (paper; neither the sky nor a
# wooden table), as a share of the frame. The study's photos as the camera takes them: 0.36
# to 1.0; photographed from afar (the page 0.6, 0.45 or 0.33 of the frame's sides): 0.13-0.36,
# 0.07-0.20, 0.04-0.11; a sky over a field: 0.
SMALL_PAGE = 0.3
NO_PAGE = 0.02  # less than this: no page in the picture to come closer to
PAPER_LIGHT = 0.6  # paper is at least this share of the BRIGHTEST grey ...
PAPER_COLOUR = 70  # ... and has at most this saturation (0..255)


def fault(picture: Image.Image) -> Reason | None:
    """Why OCR read no invoice in `picture`, if the picture shows it; None when it does not
    (no page in it, or one that should have been readable)."""
    rgb = at_reading_scale(picture)
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY).astype(np.float32)
    if np.percentile(gray, BRIGHTEST) < DARK_PAPER or sharpness(gray) < BLURRED:
        return Reason.DARK
    if NO_PAGE <= page_share(rgb) < SMALL_PAGE:
        return Reason.SMALL_PRINT
    return None


def sharpness(gray: np.ndarray) -> float:
    """Fine edges over coarse ones: the variance of the Laplacian of `gray` over the same at
    a quarter of its size (infinite for a flat picture: nothing in it to blur)."""
    coarse = cv2.resize(gray, (max(1, gray.shape[1] // 4), max(1, gray.shape[0] // 4)),
                        interpolation=cv2.INTER_AREA)
    fine, rough = cv2.Laplacian(gray, cv2.CV_32F).var(), cv2.Laplacian(coarse, cv2.CV_32F).var()
    return float(fine / rough) if rough > 0 else math.inf


def page_share(rgb: np.ndarray) -> float:
    """The share of the frame the page takes: its largest patch of bright, colourless
    pixels, with the print inside it closed over."""
    hsv = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)
    light = hsv[..., 2].astype(np.float32)
    paper = (light >= PAPER_LIGHT * np.percentile(light, BRIGHTEST)) & \
        (hsv[..., 1] < PAPER_COLOUR)
    size = max(3, round(min(paper.shape) / 60)) | 1  # wider than a line of print
    closed = cv2.morphologyEx(paper.astype(np.uint8), cv2.MORPH_CLOSE,
                              np.ones((size, size), np.uint8))
    count, _labels, stats, _centres = cv2.connectedComponentsWithStats(closed, connectivity=4)
    if count <= 1:
        return 0.0
    return float(stats[1:, cv2.CC_STAT_AREA].max()) / closed.size


def at_reading_scale(picture: Image.Image) -> np.ndarray:
    """`picture` in RGB at the scale OCR reads it."""
    rgb = picture.convert("RGB")
    scale = rapid.reading_scale(rgb.size)
    if scale < 1.0:
        rgb = rgb.resize((round(rgb.width * scale), round(rgb.height * scale)),
                         Image.Resampling.BILINEAR)
    return np.asarray(rgb)
