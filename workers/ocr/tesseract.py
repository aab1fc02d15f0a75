"""Run Tesseract (English + Hindi, one thread) and hand back lines of words with confidences."""

from __future__ import annotations

import logging
import os
import signal

import numpy as np
import pytesseract

from workers.ocr.lines import Line, Word

LANGUAGES = "eng+hin"
CONFIG = "--oem 1 --psm 4"
# One line, capitals and digits only: how a GSTIN line is read again when the page pass failed.
CODE_LINE = "--oem 1 --psm 7 -c tessedit_char_whitelist=0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ:/"
# One line, English: how the invoice-number line is read again. Read with the whole page, the
# letters of a prefix beside digits come out as digits ("SI-" as "51-", "TI-" as "11-").
ONE_LINE = "--oem 1 --psm 7"

log = logging.getLogger("saathi.invoice")


class TooSlow(Exception):
    """Tesseract did not finish within its time (noisy photos can take a minute)."""


def read_lines(clean: np.ndarray, *, languages: str = LANGUAGES, config: str = CONFIG,
               seconds: float = 60) -> list[Line]:
    """OCR a cleaned page; words grouped into lines in reading order, each with its box; none
    where Tesseract dies of a floating-point exception, as 5.3.0 does on some line crops read
    with a character whitelist (fresh seed 271, thermal photo 11: its GSTIN line read again):
    one reading lost must not lose the partner's invoice. Any other failure (a language not
    installed, a process killed) is the set-up's, and raised."""
    os.environ["OMP_THREAD_LIMIT"] = "1"  # workers scale by processes, not threads
    try:
        data = pytesseract.image_to_data(clean, lang=languages, config=config,
                                         output_type=pytesseract.Output.DICT, timeout=seconds)
    except pytesseract.TesseractError as exc:
        if exc.status != -signal.SIGFPE:
            raise  # an error it reports (a language not installed) or a kill: set-up, memory
        log.warning("tesseract crashed: its reading dropped",
                    extra={"signal": "SIGFPE", "config": config,
                           "size": f"{clean.shape[1]}x{clean.shape[0]}"})
        return []
    except RuntimeError as exc:  # pytesseract kills the process and says "...timeout"
        if "timeout" not in str(exc):
            raise
        raise TooSlow(f"tesseract took over {seconds} s") from exc
    lines: dict[tuple[int, int, int], list[int]] = {}
    for i, text in enumerate(data["text"]):
        if text.strip():
            key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
            lines.setdefault(key, []).append(i)
    return [_line(data, found) for found in lines.values()]


def _line(data: dict, indexes: list[int]) -> Line:
    words = tuple(Word(data["text"][i].strip(), max(float(data["conf"][i]), 0.0) / 100)
                  for i in indexes)
    box = (min(data["left"][i] for i in indexes), min(data["top"][i] for i in indexes),
           max(data["left"][i] + data["width"][i] for i in indexes),
           max(data["top"][i] + data["height"][i] for i in indexes))
    return Line(words, box)


def reread(clean: np.ndarray, line: Line, config: str = CODE_LINE, pad: int = 12) -> Line:
    """Read one line of the page again on its own (by default as capitals and digits)."""
    left, top, right, bottom = line.box
    crop = clean[max(0, top - pad): bottom + pad, max(0, left - pad): right + pad]
    found = read_lines(crop, languages="eng", config=config)
    words = tuple(w for again in found for w in again.words)
    return Line(words, line.box) if words else line
