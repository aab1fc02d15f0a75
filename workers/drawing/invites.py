"""Draw invite QR codes: one code, a labelled card, and A4 sheets of six cards
(for `flask invites`, which imports this only when it draws)."""

from __future__ import annotations

import qrcode
from PIL import Image, ImageDraw, ImageFont

from bot.cli.invites import Invite

PAGE = (2480, 3508)  # A4 at 300 dpi
COLUMNS, ROWS = 2, 3


def qr_image(link: str, box: int = 12) -> Image.Image:
    """The QR code for `link` (medium error correction: a scuffed sticker still reads)."""
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=box, border=4)
    qr.add_data(link)
    return qr.make_image(fill_color="black", back_color="white").convert("RGB")


def label(invite: Invite, width: int = 1100) -> Image.Image:
    """The QR code with who it is for and what to type without a camera."""
    code = qr_image(invite.link)
    code.thumbnail((width - 100, width - 100))
    lines = [invite.program, invite.distributor_name or "", "Scan to join on WhatsApp",
             f"or send {invite.text} to {invite.number}"]
    font = ImageFont.load_default(size=44)
    card = Image.new("RGB", (width, code.height + 70 * len(lines) + 40), "white")
    card.paste(code, ((width - code.width) // 2, 10))
    draw = ImageDraw.Draw(card)
    for n, line in enumerate(lines):
        draw.text((width // 2, code.height + 30 + 70 * n), line, fill="black", font=font,
                  anchor="mt")
    return card


def pages(invites: list[Invite]) -> list[Image.Image]:
    """A4 pages with six labels each."""
    cell = (PAGE[0] // COLUMNS, PAGE[1] // ROWS)
    result = []
    for start in range(0, len(invites), COLUMNS * ROWS):
        page = Image.new("RGB", PAGE, "white")
        for n, invite in enumerate(invites[start:start + COLUMNS * ROWS]):
            card = label(invite)
            card.thumbnail((cell[0] - 60, cell[1] - 60))
            x = (n % COLUMNS) * cell[0] + (cell[0] - card.width) // 2
            y = (n // COLUMNS) * cell[1] + (cell[1] - card.height) // 2
            page.paste(card, (x, y))
        result.append(page)
    return result
