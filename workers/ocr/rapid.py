"""Run PP-OCRv4 (rapidocr-onnxruntime: models inside the wheel, ONNX Runtime, one thread) and
hand back lines of words, as workers.ocr.tesseract does.

The engine is built once per process, on first use (about 1 s and 150 MB): a web process that
never reads an invoice never loads it, and an RQ worker's forked job inherits it when the
worker loaded it before forking (`warm_up`)."""

from __future__ import annotations

import functools
import math
import unicodedata
from typing import Any

import numpy as np
from PIL import Image

from workers.ocr.lines import Line, Word

MAX_SIDE = 1280  # photos are scaled down to this: detection time grows with the pixels


@functools.cache
def engine() -> Any:
    """The PP-OCRv4 reader of this process (built on first call)."""
    from rapidocr_onnxruntime import RapidOCR  # heavy: ONNX Runtime and the models

    return RapidOCR(intra_op_num_threads=1, inter_op_num_threads=1, print_verbose=False)


def read_lines(picture: Image.Image) -> list[Line]:
    """OCR a photo or scan; text boxes joined into lines in reading order."""
    rgb = picture.convert("RGB")
    factor = min(1.0, MAX_SIDE / max(rgb.size))
    if factor < 1.0:
        rgb = rgb.resize((round(rgb.width * factor), round(rgb.height * factor)),
                         Image.Resampling.LANCZOS)
    found, _times = engine()(np.asarray(rgb)[:, :, ::-1])
    return rows([(np.asarray(box, dtype=np.float64), text, float(score))
                 for box, text, score in found or []])


def rows(boxes: list[tuple[np.ndarray, str, float]]) -> list[Line]:
    """Group text boxes (4 corner points each) into lines: turn the page by the boxes' median
    slant, then boxes whose middles are within half a line's height share a line."""
    if not boxes:
        return []
    slant = float(np.median([math.atan2(b[1][1] - b[0][1], b[1][0] - b[0][0])
                             for b, _t, _s in boxes]))
    cos, sin = math.cos(-slant), math.sin(-slant)
    placed = []
    for box, text, score in boxes:
        xs = box[:, 0] * cos - box[:, 1] * sin
        ys = box[:, 0] * sin + box[:, 1] * cos
        placed.append((xs.min(), ys.min(), xs.max(), ys.max(), text, score))
    height = float(np.median([b[3] - b[1] for b in placed]))
    lines: list[list[tuple]] = []
    for box in sorted(placed, key=lambda b: (b[1] + b[3]) / 2):
        middle = (box[1] + box[3]) / 2
        if lines and abs(middle - _middle(lines[-1])) < height / 2:
            lines[-1].append(box)
        else:
            lines.append([box])
    return [_line(sorted(found, key=lambda b: b[0])) for found in lines]


def _middle(line: list[tuple]) -> float:
    return sum((b[1] + b[3]) / 2 for b in line) / len(line)


def _line(boxes: list[tuple]) -> Line:
    """One line; full-width punctuation the Chinese-trained model writes ("：") made ASCII."""
    words = tuple(Word(part, score) for *_xy, text, score in boxes
                  for part in unicodedata.normalize("NFKC", text).split())
    box = (int(min(b[0] for b in boxes)), int(min(b[1] for b in boxes)),
           int(max(b[2] for b in boxes)), int(max(b[3] for b in boxes)))
    return Line(words, box)
