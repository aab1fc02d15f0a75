"""Generate invoice images for tests and the benchmark: layouts, fonts, Hindi headings,
phone-like degradation (rotation, blur, noise, uneven light, JPEG) and e-invoice QR codes."""

from __future__ import annotations

import io
import json
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from pathlib import Path

import jwt
import numpy as np
import qrcode
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from models.partners.gstin import check_char

FONT_DIRS = [Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/truetype/noto")]
LATIN_FONTS = ["DejaVuSans.ttf", "DejaVuSerif.ttf", "DejaVuSansCondensed.ttf",
               "NotoSans-Regular.ttf", "NotoSerif-Regular.ttf", "DejaVuSansMono.ttf"]
HINDI_FONT = "NotoSansDevanagari-Regular.ttf"
PRODUCTS = [("OPC 53 Grade Cement", "bag", 380), ("PPC Cement", "bag", 350),
            ("Tile Adhesive 20kg", "bag", 520), ("Waterproofing Compound", "can", 1450),
            ("Engine Oil 15W40 5L", "can", 1890), ("MCB 32A Double Pole", "pcs", 640),
            ("FR Wire 2.5 sqmm 90m", "coil", 2350), ("Wall Putty 40kg", "bag", 780)]
SEP = "-/."


def font_path(name: str) -> str | None:
    return next((str(d / name) for d in FONT_DIRS if (d / name).exists()), None)


def fonts() -> list[str]:
    return [p for p in map(font_path, LATIN_FONTS) if p]


def make_gstin(rng: random.Random, state: int | None = None) -> str:
    """A random GSTIN with a correct check character."""
    letters = "ABCDEFGHJKLMNPRSTUVWXY"
    pan = "".join(rng.choice(letters) for _ in range(5)) + f"{rng.randrange(10000):04d}" + \
        rng.choice(letters)
    first14 = f"{state or rng.randrange(1, 37):02d}{pan}{rng.choice('123')}Z"
    return first14 + check_char(first14)


def indian(paise: int) -> str:
    """12345600 -> '1,23,456.00'."""
    rupees, rest = divmod(paise, 100)
    digits = str(rupees)
    head, tail = digits[:-3], digits[-3:]
    groups = []
    while len(head) > 2:
        groups.insert(0, head[-2:])
        head = head[:-2]
    text = ",".join(([head] if head else []) + groups + [tail])
    return f"{text}.{rest:02d}"


@dataclass
class Truth:
    seller_gstin: str
    buyer_gstin: str
    number: str
    day: date
    total_paise: int
    items: list[tuple[str, int, int]] = field(default_factory=list)


def truth(rng: random.Random, seller: str | None = None, number: str | None = None,
          total_paise: int | None = None) -> Truth:
    items = []
    for name, _unit, price in rng.sample(PRODUCTS, rng.randint(1, 4)):
        qty = rng.randint(1, 120)
        items.append((name, qty, qty * price * 100))
    taxable = sum(a for _n, _q, a in items)
    total = total_paise or taxable + taxable * 18 // 100
    prefix = rng.choice(["INV", "SI", "GST", "TI", "B"])
    return Truth(seller_gstin=seller or make_gstin(rng), buyer_gstin=make_gstin(rng),
                 number=number or f"{prefix}-{rng.randint(1, 99999):05d}",
                 day=date(2026, 3, 12) - timedelta(days=rng.randrange(60)), total_paise=total,
                 items=items)


def _date_text(rng: random.Random, day: date) -> str:
    style = rng.randrange(4)
    if style == 0:
        return day.strftime("%d/%m/%Y")
    if style == 1:
        return day.strftime("%d-%m-%Y")
    if style == 2:
        return day.strftime("%d-%b-%Y")
    return day.strftime("%d.%m.%y")


def render(t: Truth, rng: random.Random, *, hindi: bool = False, font: str | None = None,
           qr_text: str | None = None) -> Image.Image:
    """Draw a printed tax invoice on white paper (about 1700 px wide)."""
    font = font or rng.choice(fonts())
    size = rng.randint(30, 36)
    big, body = ImageFont.truetype(font, size + 12), ImageFont.truetype(font, size)
    deva = ImageFont.truetype(font_path(HINDI_FONT), size) if hindi and font_path(HINDI_FONT) \
        else None
    page = Image.new("RGB", (1700, 1400 + 55 * len(t.items)), "white")
    draw = ImageDraw.Draw(page)
    y, x = 60, 80
    layout = rng.randrange(3)

    def line(text: str, *, f=body, hin: str | None = None, gap: int = 16) -> None:
        nonlocal y
        if hin and deva is not None:
            draw.text((x, y), hin, font=deva, fill="black")
            offset = int(draw.textlength(hin, font=deva)) + 20
            draw.text((x + offset, y), text, font=f, fill="black")
        else:
            draw.text((x, y), text, font=f, fill="black")
        y += f.size + gap

    line("Sai Traders & Co." if layout != 1 else "SHREE BALAJI DISTRIBUTORS", f=big)
    line("12, Market Yard, Pune 411037")
    line(f"GSTIN: {t.seller_gstin}" if layout != 2 else f"GSTIN/UIN : {t.seller_gstin}")
    y += 20
    line("TAX INVOICE", f=big, hin="कर बीजक" if hindi else None)
    labels = [("Invoice No", "Date"), ("Bill No.", "Dated"), ("Invoice Number", "Invoice Date")]
    no_label, date_label = labels[layout]
    line(f"{no_label}: {t.number}", hin="बिल संख्या /" if hindi else None)
    line(f"{date_label}: {_date_text(rng, t.day)}", hin="दिनांक /" if hindi else None)
    y += 10
    line("Bill To: Gupta Hardware Stores", hin="खरीदार /" if hindi else None)
    line(f"GSTIN: {t.buyer_gstin}")
    y += 20
    line("Sr  Description                 Qty   Rate        Amount")
    for n, (name, qty, amount) in enumerate(t.items, 1):
        rate = amount // qty
        line(f"{n}  {name:<26}  {qty:>3}   {indian(rate):>9}   {indian(amount):>11}")
    taxable = sum(a for _n, _q, a in t.items)
    y += 10
    line(f"Taxable Value: {indian(taxable)}")
    line(f"CGST 9%: {indian((t.total_paise - taxable) // 2)}   "
         f"SGST 9%: {indian(t.total_paise - taxable - (t.total_paise - taxable) // 2)}")
    total_label = ["Grand Total", "Amount Payable", "Net Amount"][rng.randrange(3)]
    line(f"{total_label}: Rs. {indian(t.total_paise)}", f=big,
         hin="कुल राशि /" if hindi else None)
    if qr_text:
        code = qrcode.make(qr_text, box_size=4, border=2).convert("RGB")
        page.paste(code, (page.width - code.width - 60, 60))
    return page


@cache
def irp_key() -> rsa.RSAPrivateKey:
    """The test stand-in for the e-invoice portal's (NIC's) signing key: the same in every
    process of a run (a 2048-bit RSA key from fixed random primes), so that the same e-invoice
    page has the same QR code in each and is read once per run (tests/conftest.py)."""
    return seeded_rsa_key(2026)


def seeded_rsa_key(seed: int, bits: int = 2048) -> rsa.RSAPrivateKey:
    """An RSA key (e = 65537) whose primes come from `random.Random(seed)`: for tests only."""
    rng, e = random.Random(seed), 65537

    def prime() -> int:
        while True:
            candidate = rng.getrandbits(bits // 2) | (3 << (bits // 2 - 2)) | 1
            if candidate % e != 1 and _probably_prime(candidate, rng):
                return candidate

    p, q = prime(), prime()
    d = pow(e, -1, (p - 1) * (q - 1))
    return rsa.RSAPrivateNumbers(
        p, q, d, rsa.rsa_crt_dmp1(d, p), rsa.rsa_crt_dmq1(d, q), rsa.rsa_crt_iqmp(p, q),
        rsa.RSAPublicNumbers(e, p * q)).private_key()


def _probably_prime(n: int, rng: random.Random, rounds: int = 40) -> bool:
    """Miller-Rabin."""
    if any(n % small == 0 for small in (3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37)):
        return False
    d, r = n - 1, 0
    while d % 2 == 0:
        d, r = d // 2, r + 1
    for _ in range(rounds):
        x = pow(rng.randrange(2, n - 1), d, n)
        if x in (1, n - 1):
            continue
        for _ in range(r - 1):
            x = pow(x, 2, n)
            if x == n - 1:
                break
        else:
            return False
    return True


def public_pem(key: rsa.RSAPrivateKey) -> bytes:
    """The PEM of `key`'s public half, as NIC publishes its own."""
    return key.public_key().public_bytes(serialization.Encoding.PEM,
                                         serialization.PublicFormat.SubjectPublicKeyInfo)


def einvoice_jwt(t: Truth, irn: str = "a" * 64, *, key: rsa.RSAPrivateKey | None = None,
                 hsn: str = "25232910", **data_overrides: object) -> str:
    """A signed QR token as NIC issues it: an RS256 JWT whose payload's `data` is the invoice
    JSON as a string, signed with `key` (the test portal key unless given)."""
    data = {"SellerGstin": t.seller_gstin, "BuyerGstin": t.buyer_gstin, "DocNo": t.number,
            "DocTyp": "INV", "DocDt": t.day.strftime("%d/%m/%Y"),
            "TotInvVal": t.total_paise / 100, "ItemCnt": len(t.items), "MainHsnCode": hsn,
            "Irn": irn, "IrnDt": "2026-03-12 10:00:00", **data_overrides}
    return jwt.encode({"data": json.dumps(data), "iss": "NIC"}, key or irp_key(),
                      algorithm="RS256", headers={"kid": "test"})


def degrade(page: Image.Image, rng: random.Random) -> Image.Image:
    """Make a clean page look like a phone photo: tilt, blur, uneven light, noise, JPEG."""
    page = page.rotate(rng.uniform(-6, 6), resample=Image.BICUBIC, expand=True,
                       fillcolor=(rng.randint(90, 160),) * 3)
    scale = rng.uniform(0.6, 0.85)
    page = page.resize((int(page.width * scale), int(page.height * scale)), Image.BILINEAR)
    page = page.filter(ImageFilter.GaussianBlur(rng.uniform(0.4, 1.2)))
    pixels = np.asarray(page).astype(np.float32)
    w = pixels.shape[1]
    light = np.linspace(rng.uniform(0.7, 0.9), 1.0, w)[None, :, None]
    pixels = pixels * light + np.random.default_rng(rng.randrange(1 << 30)).normal(0, 8,
                                                                                   pixels.shape)
    page = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    buffer = io.BytesIO()
    page.save(buffer, "JPEG", quality=rng.randint(55, 80))
    return Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")


def to_bytes(page: Image.Image, fmt: str = "JPEG") -> bytes:
    buffer = io.BytesIO()
    options = {"JPEG": {"quality": 90}, "PDF": {"resolution": 200.0}}.get(fmt, {})
    page.save(buffer, fmt, **options)
    return buffer.getvalue()
