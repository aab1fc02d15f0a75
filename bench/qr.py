"""QR decode benchmark: phone-like photos with varied degradations, our decoder vs raw libraries.

    .venv/bin/python bench/qr.py [--photos 300] [--seed 1]

Each photo holds one or two signed product codes and one or two degradations (rotation,
perspective, blur, low light, JPEG noise) at a random strength. Reports, for the pipeline in
workers/codes/decode.py (JPEG decoding included), and for raw pyzbar, raw zxing-cpp and zbar-then-
zxing on the same grayscale image: the share of photos where every code was read, and median /
p95 decode time. Photos are WhatsApp-sized (960 x 1280).
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from models.codes.format import group, make_code
from tests.scan.photos import DEGRADATIONS, photo
from workers.codes.decode import decode_image, read_zbar, read_zxing

KEYS = {"bench": "bench-secret"}


def make_photos(count: int, seed: int) -> list[tuple[str, list[str], bytes]]:
    rng = random.Random(seed)
    photos = []
    for n in range(count):
        kinds = rng.sample(DEGRADATIONS, rng.choice((1, 1, 2)))
        codes = [group(make_code(KEYS, "bench", 1, 1, n * 2 + i + 1))
                 for i in range(rng.choice((1, 1, 1, 2)))]
        photos.append(("+".join(kinds), codes, photo(codes, "+".join(kinds), seed=n,
                                                    strength=rng.random())))
    return photos


def raw_gray(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("L"))


def zbar_first(gray: np.ndarray) -> list[str]:
    """The other order, without clean-ups: how the pipeline would do led by zbar."""
    return read_zbar(gray) or read_zxing(gray)


def measure(name: str, read: Callable[[bytes], list[str]], photos) -> dict:
    times, misses = [], {}
    for kind, codes, data in photos:
        start = time.perf_counter()
        found = read(data)
        times.append((time.perf_counter() - start) * 1000)
        if set(found) != set(codes):
            misses[kind] = misses.get(kind, 0) + 1
    ok = len(photos) - sum(misses.values())
    times.sort()
    return {"name": name, "rate": 100 * ok / len(photos), "ok": ok,
            "median": statistics.median(times), "p95": times[int(0.95 * len(times)) - 1],
            "misses": misses}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    photos = make_photos(args.photos, args.seed)
    results = [
        measure("saathi decode_image", decode_image, photos),
        measure("raw pyzbar", lambda d: read_zbar(raw_gray(d)), photos),
        measure("raw zxing-cpp", lambda d: read_zxing(raw_gray(d)), photos),
        measure("zbar, then zxing-cpp", lambda d: zbar_first(raw_gray(d)), photos),
    ]
    print(f"{len(photos)} photos, {sum(len(c) for _k, c, _d in photos)} codes")
    print(f"{'decoder':<22}{'read':>12}{'median ms':>11}{'p95 ms':>9}  misses by degradation")
    for r in results:
        print(f"{r['name']:<22}{r['rate']:>7.1f}% {r['ok']:>3}{r['median']:>11.1f}"
              f"{r['p95']:>9.1f}  {r['misses'] or '-'}")


if __name__ == "__main__":
    main()
