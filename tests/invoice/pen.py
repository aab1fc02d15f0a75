"""A pen for generated bills: lines of text down a page, handwriting, rubber stamps."""

from __future__ import annotations

import math
import random

from PIL import Image, ImageDraw

from tests.invoice import fonts


class Pen:
    """Writes lines of text down a page; `y` is where the next line goes."""

    def __init__(self, page: Image.Image, font: str, size: int, rng: random.Random,
                 ink: tuple[int, int, int] = (20, 20, 20)) -> None:
        self.page, self.draw, self.font, self.size, self.rng = page, ImageDraw.Draw(page), font, \
            size, rng
        self.ink, self.y, self.left, self.right = ink, 60, 70, page.width - 70

    def face(self, scale: float = 1.0, font: str | None = None):
        return fonts.load(font or self.font, max(8, int(self.size * scale)))

    def put(self, x: float, text: str, *, scale: float = 1.0, anchor: str = "la",
            bold: bool = False, font: str | None = None, ink: tuple | None = None) -> None:
        face = self.face(scale, font)
        for dx in ((0, 1, 2) if bold else (0,)):
            self.draw.text((x + dx, self.y), text, font=face, fill=ink or self.ink, anchor=anchor)

    def hand(self, x: float, text: str, font: str, scale: float = 1.2) -> None:
        """Handwriting: each character a little rotated, raised and spaced, in pen ink."""
        face = self.face(scale, font)
        ink = self.rng.choice([(20, 40, 140), (10, 10, 30), (30, 30, 90)])
        for char in text:
            box = face.getbbox(char) or (0, 0, 4, 4)
            # As tall as the glyph: a font that sets its letters low (dkg.ttf: a 'g' reaches
            # 2.4 sizes down) had their lower part cut off by a tile 1.5 sizes tall.
            tile = Image.new("L", (box[2] + 12, max(int(face.size * 1.5), box[3] + 8)), 0)
            ImageDraw.Draw(tile).text((6, 2), char, font=face, fill=255)
            tile = tile.rotate(self.rng.uniform(-7, 7), resample=Image.BICUBIC, expand=False)
            y = int(self.y + self.rng.uniform(-3, 3))
            self.page.paste(Image.new("RGB", tile.size, ink), (int(x), y), tile)
            x += face.getlength(char) + self.rng.uniform(-1, 3)

    def row(self, cells: list[tuple[float, str, str]], *, scale: float = 1.0,
            bold: bool = False, gap: float = 0.55) -> None:
        """One line of cells (x, text, 'l' or 'r' aligned), then move down."""
        for x, text, align in cells:
            self.put(x, text, scale=scale, bold=bold, anchor="la" if align == "l" else "ra")
        self.y += int(self.size * scale * (1 + gap))

    def rule(self, dashed: bool = False) -> None:
        y = self.y - int(self.size * 0.25)
        if dashed:
            self.row([(self.left, "-" * int((self.right - self.left) / self.face().getlength(
                "-")), "l")], gap=0.1)
        else:
            self.draw.line((self.left, y, self.right, y), fill=self.ink, width=2)
            self.y += int(self.size * 0.3)


def hand_width(pen: Pen, text: str, font: str, scale: float) -> float:
    return pen.face(scale, font).getlength(text) + 2 * len(text) + 10


def stamp(page: Image.Image, rng: random.Random, shop: str) -> None:
    """A rubber stamp (round seal or boxed PAID) and a signature, anywhere on the lower half."""
    ink = rng.choice([(40, 60, 170), (120, 40, 150), (170, 40, 50)])
    layer = Image.new("L", page.size, 0)
    draw = ImageDraw.Draw(layer)
    cx = rng.uniform(0.25, 0.85) * page.width
    cy = rng.uniform(0.5, 0.95) * page.height
    r = rng.randint(90, 150)
    face = fonts.load(fonts.installed(fonts.PRINT)[0], r // 4)
    if rng.random() < 0.5:
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=255, width=5)
        draw.ellipse((cx - r * 0.7, cy - r * 0.7, cx + r * 0.7, cy + r * 0.7), outline=255, width=3)
        draw.text((cx, cy), shop.split()[0].upper(), font=face, fill=255, anchor="mm")
    else:
        text = rng.choice(["PAID", "RECEIVED", "DELIVERED"])
        draw.rectangle((cx - r, cy - r * 0.35, cx + r, cy + r * 0.35), outline=255, width=5)
        draw.text((cx, cy), text, font=fonts.load(fonts.installed(fonts.PRINT)[0], r // 3),
                  fill=255, anchor="mm")
    layer = layer.rotate(rng.uniform(-25, 25), center=(cx, cy))
    points = [(cx + 60 + 14 * i, cy + 40 + 18 * math.sin(i * rng.uniform(0.8, 1.6)))
              for i in range(14)]
    ImageDraw.Draw(layer).line(points, fill=255, width=3)
    darkness = rng.uniform(0.55, 0.9)
    strength = layer.point(lambda v: int(v * darkness))
    page.paste(Image.new("RGB", page.size, ink), (0, 0), strength)
