"""Which generated photos read nothing, and what workers/ocr/photo.py says of them.

    .venv/bin/python bench/photo_faults.py 841 842 ... 860    # study seeds only

Each seed's bench/ocr.py `sample(seed - 841, seed)` photo (so the layouts vary), and the same
photo taken from afar (the page 0.6, 0.45, 0.33 of the frame's sides, on a table), in a
dim room (brightness x0.3, x0.15, with the sensor's noise) and out of focus (Gaussian blur
of 3 px), read by OCR as the photo job reads it (workers.ocr.read.scan). A row per picture:
the seller GSTIN read or not, photo.fault and its measures (the page's share of the frame,
the paper's brightness, sharpness), and the text boxes in the picture's middle read again at
its own pixels (lines found, their median height at the scale OCR reads the whole picture
at): the print height OCR's lines give, where it finds any.
"""

from __future__ import annotations

import io
import json
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import cv2  # noqa: E402
import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

from tests.invoice.samples import sample  # noqa: E402
from workers.ocr import photo, rapid  # noqa: E402
from workers.ocr.read import scan  # noqa: E402

TABLE = (90, 70, 50)


def _jpeg(pixels: np.ndarray) -> Image.Image:
    buffer = io.BytesIO()
    Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)).save(buffer, "JPEG", quality=80)
    return Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")


def from_afar(shot: Image.Image, share: float) -> Image.Image:
    frame = Image.new("RGB", shot.size, TABLE)
    small = shot.resize((round(shot.width * share), round(shot.height * share)),
                        Image.Resampling.LANCZOS)
    frame.paste(small, ((shot.width - small.width) // 2, (shot.height - small.height) // 2))
    return _jpeg(np.asarray(frame, dtype=np.float32))


def dim(shot: Image.Image, gain: float, seed: int) -> Image.Image:
    pixels = np.asarray(shot, dtype=np.float32) * gain
    return _jpeg(pixels + np.random.default_rng(seed).normal(0, 4, pixels.shape))


def blurred(shot: Image.Image, sigma: float) -> Image.Image:
    return _jpeg(cv2.GaussianBlur(np.asarray(shot, dtype=np.float32), (0, 0), sigma))


def middle_print(picture: Image.Image) -> tuple[int, float | None]:
    """Lines OCR finds in the middle quarter of `picture` at its own pixels, and their median
    box height at the scale the whole picture is read at."""
    width, height = picture.size
    lines = rapid.read_page(picture.crop((width // 4, height // 4, width - width // 4,
                                          height - height // 4))).lines
    heights = [(line.box[3] - line.box[1]) * rapid.reading_scale(picture.size)
               for line in lines]
    return len(lines), round(statistics.median(heights), 1) if heights else None


def variants(seed: int) -> tuple[str, list[tuple[str, Image.Image]]]:
    """The seed's photo's layout, and the photo with its variants."""
    _truth, layout, _page, shot = sample(seed - 841, seed)
    return layout, [("photo", shot), *((f"far{s}", from_afar(shot, s)) for s in (0.6, 0.45, 0.33)),
            *((f"dark{g}", dim(shot, g, seed)) for g in (0.3, 0.15)),
            ("blur3", blurred(shot, 3))]


def main() -> None:
    for seed in map(int, sys.argv[1:]):
        layout, pictures = variants(seed)
        for kind, picture in pictures:
            read = scan(picture)
            rgb = photo.at_reading_scale(picture)
            gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY).astype(np.float32)
            lines, print_px = middle_print(picture)
            print(json.dumps({
                "seed": seed, "layout": layout, "kind": kind,
                "read": read.seller_gstin is not None, "fault": photo.fault(picture),
                "share": round(photo.page_share(rgb), 3),
                "paper": float(np.percentile(gray, photo.BRIGHTEST)),
                "sharpness": round(photo.sharpness(gray), 3),
                "middle_lines": lines, "middle_print_px": print_px}), flush=True)


if __name__ == "__main__":
    main()
