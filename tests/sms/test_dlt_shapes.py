"""How a flow's SMS line is read back into its template: the same way whatever its values."""

from __future__ import annotations

import pytest

from bot.channels import dlt_shapes
from bot.i18n import NP_, translate

NEXT_TIER = "Next tier {tier}: {distance}"


def _line(lang: str, distance: int) -> str:
    more = translate(lang, NP_("{n} more credit", "{n} more credits"), distance)
    return translate(lang, NEXT_TIER, tier="Master", distance=more)


@pytest.mark.parametrize("lang", ["kn", "en", "hi", "ta", "te", "as"])
def test_a_next_tier_line_reads_as_itself_whatever_the_distance(lang):
    """ "Next tier Master: 37 more credits" once read in Kannada as "{reward}: {n} credits"
    (the reward "Next tier Master", the count "37 more": short enough for a count) while
    "... 370 more credits" read as the next-tier line: one answer, two shapes, its pages cut
    on two plans, and the registry missed one (the SMS walk failed once a balance changed)."""
    for distance in (1, 7, 37, 370, 3_700, 37_000):
        (recipe,) = dlt_shapes.recipe(_line(lang, distance), lang)
        assert recipe[0] == "msg" and recipe[2] == NEXT_TIER, (distance, recipe)
    assert len({dlt_shapes.shape(_line(lang, d), lang) for d in (7, 37, 370, 3_700)}) == 1
