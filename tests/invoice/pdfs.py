"""Invoice PDFs with a text layer, as billing software (Tally, Vyapar, Zoho, Busy) shares
them, written by hand (PDF 1.4, the standard Helvetica and Courier fonts, no PDF library);
and PDFs a partner cannot have us read: one locked by a password, one without pages."""

from __future__ import annotations

import random

import qrcode

from tests.invoice.make import Truth, indian

PAGE = (595, 842)  # A4 in points
_FONTS = {"F1": "Helvetica", "F2": "Helvetica-Bold", "F3": "Courier"}


def invoice(t: Truth, rng: random.Random | None = None, *, qr_text: str | None = None,
            total_label: str | None = None) -> bytes:
    """The bill tests/invoice/make.py draws, as text: labels on the left, amounts in a
    right-aligned column (each its own text object, as billing software places them), and
    an e-invoice QR code drawn as squares in the top right corner when `qr_text` is given."""
    rng = rng or random.Random(0)
    shown: list[tuple[str, float, float, str, int]] = []  # font, x, y, text, size
    y = PAGE[1] - 60.0

    def row(text: str, amount: str | None = None, *, font: str = "F1", size: int = 10,
            gap: float = 6) -> None:
        nonlocal y
        shown.append((font, 50, y, text, size))
        if amount is not None:  # Courier: 0.6 em a character, so right-aligned at 545
            shown.append(("F3", 545 - 0.6 * size * len(amount), y, amount, size))
        y -= size + gap

    row("Sai Traders & Co.", font="F2", size=16)
    row("12, Market Yard, Pune 411037")
    row(f"GSTIN: {t.seller_gstin}")
    y -= 10
    row("TAX INVOICE", font="F2", size=14)
    row(f"Invoice No: {t.number}")
    row(f"Date: {t.day.strftime('%d/%m/%Y')}")
    y -= 6
    row("Bill To: Gupta Hardware Stores")
    row(f"GSTIN: {t.buyer_gstin}")
    y -= 10
    row("Sr  Description                       Qty        Rate", "Amount", font="F2")
    for n, (name, qty, amount) in enumerate(t.items, 1):
        row(f"{n}   {name}   {qty}   {indian(amount // qty)}", indian(amount))
    taxable = sum(a for _n, _q, a in t.items)
    tax = t.total_paise - taxable
    y -= 6
    row("Taxable Value", indian(taxable))
    row("CGST 9%", indian(tax // 2))
    row("SGST 9%", indian(tax - tax // 2))
    row(total_label or rng.choice(["Grand Total", "Amount Payable", "Net Amount"]),
        f"Rs. {indian(t.total_paise)}", font="F2", size=12)
    content = "".join(f"BT /{font} {size} Tf {x:.2f} {y:.2f} Td ({_escaped(text)}) Tj ET\n"
                      for font, x, y, text, size in shown)
    return write(content + (_qr(qr_text) if qr_text else ""))


def write(content: str, *, pages: int = 1, trailer: str = "", to_unicode: str = "") -> bytes:
    """A PDF of `pages` pages that each show `content` (a content stream), its fonts' text
    mapped by the CMap `to_unicode` when given, its cross-reference table and trailer
    (`trailer` added to the trailer dictionary) as a reader expects them."""
    fonts = " ".join(f"/{name} {4 + n} 0 R" for n, name in enumerate(_FONTS))
    kids = " ".join(f"{8 + n} 0 R" for n in range(pages))
    mapped = f"/ToUnicode {8 + pages} 0 R " if to_unicode else ""
    objects = ["<< /Type /Catalog /Pages 2 0 R >>",
               f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>",
               f"<< /Font << {fonts} >> >>",
               *(f"<< /Type /Font /Subtype /Type1 /BaseFont /{base} "
                 f"/Encoding /WinAnsiEncoding {mapped}>>" for base in _FONTS.values()),
               _stream(content),
               *(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE[0]} {PAGE[1]}] "
                 "/Resources 3 0 R /Contents 7 0 R >>" for _ in range(pages)),
               *([_stream(to_unicode)] if to_unicode else [])]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode()
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R {trailer}>>\n"
            f"startxref\n{xref}\n%%EOF\n").encode()
    return bytes(out)


def _stream(text: str) -> str:
    return f"<< /Length {len(text.encode('latin-1'))} >>\nstream\n{text}\nendstream"


def locked(content: str = "BT /F1 12 Tf 50 700 Td (Grand Total Rs. 1,180.00) Tj ET") -> bytes:
    """A PDF encrypted with a user password we do not have (the standard security handler:
    the empty password does not match its /U entry, so no reader opens it without one)."""
    key = random.Random(1).randbytes(32).hex()
    return write(content, trailer=f"/Encrypt << /Filter /Standard /V 1 /R 2 /O <{key}> "
                                  f"/U <{key[::-1]}> /P -44 >> /ID [<{key[:32]}> <{key[:32]}>] ")


def garbled(t: Truth) -> bytes:
    """The invoice printed as before, but its text mapped to private-use characters (as
    some fonts without a true character map give it): a text layer of garbage."""
    page = invoice(t).decode("latin-1")
    content = page[page.index("BT "):page.index("\nendstream")]
    return write(content, to_unicode=(
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /Garbled def "
        "/CMapType 2 def 1 begincodespacerange <00> <FF> endcodespacerange "
        "1 beginbfrange <20> <7E> <E000> endbfrange endcmap "
        "CMapName currentdict /CMap defineresource pop end end"))


def _qr(text: str, right: float = 545, top: float = PAGE[1] - 40, module: float = 1.1) -> str:
    """A QR code of `text` as filled squares, its top right corner at (right, top)."""
    code = qrcode.QRCode(border=2)
    code.add_data(text)
    matrix = code.get_matrix()
    left = right - module * len(matrix)
    return "".join(f"{left + module * x:.2f} {top - module * (y + 1):.2f} {module} {module} re\n"
                   for y, row in enumerate(matrix) for x, dark in enumerate(row) if dark) + "f\n"


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
