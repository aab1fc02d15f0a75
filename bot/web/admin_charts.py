"""Charts drawn on the server as inline SVG: nothing to download from a CDN, readable on a
slow connection and on a phone (the SVG scales to the screen's width)."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

WIDTH, HEIGHT, PAD = 600, 160, 24


def bar_chart(points: Sequence[tuple[str, int]], title: str) -> Markup:
    """One bar per point (label, value); the first and last labels and the top value are
    written under and beside the bars."""
    top = max((value for _label, value in points), default=0) or 1
    step = (WIDTH - 2 * PAD) / max(len(points), 1)
    bars = []
    for n, (label, value) in enumerate(points):
        height = (HEIGHT - 2 * PAD) * value / top
        bars.append(f'<rect x="{PAD + n * step:.1f}" y="{HEIGHT - PAD - height:.1f}" '
                    f'width="{max(step - 1, 1):.1f}" height="{height:.1f}" fill="#23395d">'
                    f'<title>{escape(label)}: {value}</title></rect>')
    first = escape(points[0][0]) if points else ""
    last = escape(points[-1][0]) if points else ""
    return Markup(
        f'<svg role="img" aria-label="{escape(title)}" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="100%" xmlns="http://www.w3.org/2000/svg">'
        f'<text x="{PAD}" y="14" font-size="12">{escape(title)} (max {top})</text>'
        f'{"".join(bars)}'
        f'<text x="{PAD}" y="{HEIGHT - 6}" font-size="11">{first}</text>'
        f'<text x="{WIDTH - PAD}" y="{HEIGHT - 6}" font-size="11" text-anchor="end">{last}</text>'
        f'</svg>')
