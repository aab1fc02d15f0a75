"""The generator's pen (tests/invoice/pen.py): handwriting drawn whole."""

from __future__ import annotations

import random

import numpy as np
import pytest
from PIL import Image

from tests.invoice import fonts
from tests.invoice.pen import Pen


@pytest.mark.parametrize("font", fonts.installed(fonts.HAND), ids=lambda f: f.rsplit("/", 1)[-1])
def test_a_handwritten_letter_is_drawn_to_its_foot(font):
    """Each handwritten character is drawn in a tile of its own, turned, then pasted; dkg.ttf
    sets its letters low, and a tile 1.5 sizes tall cut off the lower part of most of them
    (the amount in words of bench/ocr.py seed 71's memo 9, read by no engine)."""
    pen = Pen(Image.new("RGB", (200, 200), "white"), font, 26, random.Random(1))
    pen.y = 20
    pen.hand(20, "g", font, scale=1.0)
    inked = np.flatnonzero((np.asarray(pen.page.convert("L")) < 200).any(axis=1))
    box = pen.face(1.0, font).getbbox("g")
    assert inked[-1] - inked[0] + 1 >= 0.9 * (box[3] - box[1])
