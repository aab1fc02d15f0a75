"""Run Tesseract (English + Hindi, one thread) and hand back lines of words with confidences."""

from __future__ import annotations

import os

import numpy as np
import pytesseract

from workers.ocr.fields import Line, Word

LANGUAGES = "eng+hin"
CONFIG = "--oem 1 --psm 4"


def read_lines(clean: np.ndarray, *, languages: str = LANGUAGES) -> list[Line]:
    """OCR a cleaned page; words grouped into lines in reading order."""
    os.environ["OMP_THREAD_LIMIT"] = "1"  # workers scale by processes, not threads
    data = pytesseract.image_to_data(clean, lang=languages, config=CONFIG,
                                     output_type=pytesseract.Output.DICT, timeout=60)
    lines: dict[tuple[int, int, int], list[Word]] = {}
    for i, text in enumerate(data["text"]):
        text = text.strip()
        if not text:
            continue
        key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
        conf = max(float(data["conf"][i]), 0.0) / 100
        lines.setdefault(key, []).append(Word(text, conf))
    return [Line(tuple(words)) for words in lines.values()]
