"""bench/ocr.py's generated bills, so that a test can pin a page the bench studied: the n-th
bill of a seed, drawn in its layout, as the clean page and as a phone photo saved turned as a
phone saves it."""

from __future__ import annotations

import random
from datetime import date

from tests.invoice import bills, camera, layouts

# How often a photo is saved upright, turned a quarter left, upside down, a quarter right.
TURNED = (75, 10, 5, 10)


def sample(n: int, seed: int, seller: str | None = None, day: date | None = None):
    """The n-th generated bill: (truth, layout, clean page, phone photo)."""
    rng = random.Random(seed * 100_000 + n)
    bill = bills.bill(rng, seller=seller, day=day)
    layout = layouts.LAYOUTS[n % len(layouts.LAYOUTS)]
    page = layouts.render(bill, rng, layout, hindi=rng.random() < 0.3)
    photo = camera.photograph(page, rng)
    # Drawn apart, so that every other draw (and so every page) stays as it was.
    quarters = random.Random(f"turned {seed} {n}").choices(range(4), TURNED)[0]
    return bill.truth, layout, page, photo.rotate(90 * quarters, expand=True)
