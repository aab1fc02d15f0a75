"""Print a batch of product codes: one PNG per code, a printable A4 sheet, a CSV manifest."""

from __future__ import annotations

import csv
from pathlib import Path

import qrcode
from PIL import Image, ImageDraw, ImageFont

from models.codes.format import group

SHEET_COLUMNS, SHEET_ROWS, CELL = 4, 6, (620, 580)  # A4 at 300 dpi: 2480 x 3508


def code_image(code: str, box: int = 12) -> Image.Image:
    """The QR (high error correction, so a torn or stained label still reads) with the code
    printed under it for typing."""
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_H, box_size=box, border=4)
    qr.add_data(group(code))
    image = qr.make_image(fill_color="black", back_color="white").convert("RGB")
    font = ImageFont.load_default(size=max(24, box * 3))
    text = group(code)
    text_width = int(ImageDraw.Draw(image).textlength(text, font=font))
    label = Image.new("RGB", (max(image.width, text_width + 4 * box), image.height + box * 5),
                      "white")
    label.paste(image, ((label.width - image.width) // 2, 0))
    ImageDraw.Draw(label).text((label.width // 2, image.height + box), text, fill="black",
                               font=font, anchor="mt")
    return label


def write_batch(out: Path, batch_name: str, codes: list[tuple[int, str]], *, program: str,
                credits: int, region: str | None) -> dict[str, object]:
    """Write png/<serial>.png, sheet-<n>.png and manifest.csv under `out`; return the paths."""
    (out / "png").mkdir(parents=True, exist_ok=True)
    manifest = out / "manifest.csv"
    sheets: list[Path] = []
    per_sheet = SHEET_COLUMNS * SHEET_ROWS
    with manifest.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["program", "batch", "serial", "code", "credits", "region", "png"])
        for start in range(0, len(codes), per_sheet):
            sheet = Image.new("RGB", (SHEET_COLUMNS * CELL[0], SHEET_ROWS * CELL[1]), "white")
            for i, (serial, code) in enumerate(codes[start:start + per_sheet]):
                image = code_image(code)
                png = out / "png" / f"{batch_name}-{serial:06d}.png"
                image.save(png)
                writer.writerow([program, batch_name, serial, group(code), credits, region or "",
                                 png.relative_to(out)])
                image.thumbnail((CELL[0] - 40, CELL[1] - 40))
                col, row = i % SHEET_COLUMNS, i // SHEET_COLUMNS
                sheet.paste(image, (col * CELL[0] + 20, row * CELL[1] + 20))
            sheets.append(out / f"sheet-{start // per_sheet + 1}.png")
            sheet.save(sheets[-1], dpi=(300, 300))
    return {"manifest": str(manifest), "sheets": [str(s) for s in sheets], "count": len(codes)}
