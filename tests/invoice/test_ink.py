"""The generator's printers (tests/invoice/ink.py): a 9-pin head prints every stroke."""

from __future__ import annotations

import random

import numpy as np
import pytest
from PIL import Image

from tests.invoice import ink

NINE_PIN = [seed for seed in range(20) if random.Random(seed).choice([2, 3]) == 3][:4]


@pytest.mark.parametrize("seed", NINE_PIN)
def test_a_thin_stroke_is_printed_unbroken_by_a_nine_pin_head(seed):
    """A one-pixel stroke anti-aliased over two pixel columns (a thin typeface such as
    FreeMono's) inked each grid cell it fell in a little, and a 9-pin head's grid dropped it
    all: "INV-01094 06/01/26" was printed "1NV 01C94 06 01 26", past anyone's reading (bench
    seed 402, dot-matrix page 11). A real printer's own font draws every stroke on its grid.
    (The seeds are those whose head is a 9-pin one: the first draw of ink.dot_matrix.)"""
    page = np.full((120, 120), 255, np.uint8)
    page[20:100, 32:34] = 128  # half the ink in each of two columns, across two cells
    printed = np.asarray(ink.dot_matrix(Image.fromarray(page).convert("RGB"),
                                        random.Random(seed)).convert("L"))
    inked_rows = (printed[20:98, 26:38] < 200).any(axis=1)
    gaps = np.diff(np.flatnonzero(inked_rows))
    assert inked_rows.mean() > 0.5 and gaps.max() <= 3
