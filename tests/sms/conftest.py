"""SMS fixtures: a partner in program QRA with a batch of codes (tests/scan's fixtures)."""

from __future__ import annotations

import pytest

from tests.scan.conftest import add_batch, add_partner, programs  # noqa: F401 - fixtures


@pytest.fixture
def member(db, programs):  # noqa: F811 - the imported fixture
    """A committed partner and four codes worth 10 credits each."""
    partner = add_partner(db, programs)
    codes = add_batch(db, programs["QRA"], count=4, credits=10)
    db.commit()
    return partner.phone, codes
