"""Draw a certificate PNG (name, shop, track, date in IST, version, QR to /verify/<id>)."""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

import qrcode
from flask import current_app
from PIL import Image, ImageDraw, ImageFont
from sqlalchemy.orm import Session

from bot import media, outbound
from bot.i18n import translate
from models.base import IST
from models.certification import Certificate
from models.learning import content_of
from models.learning_content import local
from models.partner import Partner
from models.program import Program

FOLDER = "certificates"
MAX_BYTES = 100 * 1024  # WhatsApp media stays small
FONTS = Path("/usr/share/fonts/truetype")
_LATIN = ("dejavu/DejaVuSans.ttf", "dejavu/DejaVuSans-Bold.ttf")
_DEVANAGARI = ("noto/NotoSansDevanagari-Regular.ttf", "noto/NotoSansDevanagari-Bold.ttf")
INK, ACCENT = (30, 30, 30), (176, 84, 0)


@cache
def _font(size: int, bold: bool, devanagari: bool) -> ImageFont.FreeTypeFont:
    path = FONTS / (_DEVANAGARI if devanagari else _LATIN)[int(bold)]
    if not path.exists():
        return ImageFont.load_default(size)
    return ImageFont.truetype(str(path), size)


def _text(draw: ImageDraw.ImageDraw, xy: tuple[int, int], text: str, size: int,
          bold: bool = False, fill: tuple[int, int, int] = INK) -> None:
    devanagari = any("\u0900" <= ch <= "\u097f" for ch in text)
    draw.text(xy, text, font=_font(size, bold, devanagari), fill=fill)


def verify_url(cert: Certificate) -> str:
    return f"{current_app.config['PUBLIC_BASE_URL'].rstrip('/')}/verify/{cert.public_id}"


def render(cert: Certificate, partner: Partner, program: Program) -> bytes:
    """Return the certificate as a palette PNG (well under 100 KB)."""
    track = content_of(program).track(cert.track)
    track_name = local(track.name, "en") if track else cert.track
    image = Image.new("RGB", (900, 560), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((12, 12, 887, 547), outline=ACCENT, width=6)
    _text(draw, (50, 45), program.name, 26, bold=True, fill=ACCENT)
    _text(draw, (50, 100), "Certificate of Product Knowledge", 34, bold=True)
    _text(draw, (50, 170), "Awarded to", 20)
    _text(draw, (50, 200), partner.name or partner.phone[:-4] + "XXXX", 34, bold=True)
    _text(draw, (50, 250), partner.shop or "", 22)
    _text(draw, (50, 310), f"Track: {track_name}", 24, bold=True)
    issued = (cert.granted_at or cert.issued_at).astimezone(IST)
    _text(draw, (50, 355), f"Date: {issued:%d %b %Y} (IST)", 20)
    _text(draw, (50, 390), f"Module version: v{cert.version}", 20)
    _text(draw, (50, 425), f"Certificate ID: {cert.public_id}", 20)
    _text(draw, (50, 490), "Scan the code to verify this certificate.", 16)
    code = qrcode.QRCode(border=2, box_size=6, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(verify_url(cert))
    qr = code.make_image(fill_color="black", back_color="white").get_image().convert("RGB")
    qr = qr.resize((230, 230), Image.Resampling.NEAREST)
    image.paste(qr, (620, 170))
    out = io.BytesIO()
    image.quantize(colors=16, method=Image.Quantize.FASTOCTREE).save(out, "PNG")
    data = out.getvalue()
    if len(data) > MAX_BYTES:
        raise ValueError(f"certificate image is {len(data)} bytes, over {MAX_BYTES}")
    return data


def image_url(session: Session, cert: Certificate) -> str:
    """Draw and store the certificate; return its /media/ path."""
    partner = session.get(Partner, cert.partner_id)
    return media.store(render(cert, partner, session.get(Program, cert.program_id)), FOLDER,
                       ".png")


def send(session: Session, cert: Certificate) -> None:
    """Tell the partner a certificate held for review or audit is now granted (once)."""
    partner = session.get(Partner, cert.partner_id)
    text = translate(partner.language, "Your certificate {id} is approved. {credits} credits "
                     "added.", id=cert.public_id, credits=cert.credits)
    outbound.queue_message(session, phone=partner.phone, text=text,
                           media_urls=(image_url(session, cert),), template="certificate",
                           template_vars={"1": cert.public_id}, key=f"cert-granted:{cert.id}")
