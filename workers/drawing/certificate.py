"""Draw a certificate PNG (name, shop, track, date in IST, version, QR to /verify/<id>)."""

from __future__ import annotations

import io
import logging
from functools import cache

import qrcode
from babel.dates import format_date
from PIL import Image, ImageDraw, ImageFont
from sqlalchemy.orm import Session

from bot import media, scripts
from bot.i18n import N_, locale_of, translate
from bot.notices import outbound
from bot.web.verify import CERT_ID, ISSUED, VERSION
from models.base import IST
from models.learning.certificates import Certificate
from models.learning.progress import content_of
from models.partners.partner import Partner
from models.programs.program import Program
from models.programs.tracks import local

log = logging.getLogger("saathi.certificates")

WIDTH, TEXT_RIGHT = 900, 600  # text left of the QR code (x 620-850) stays within x < 600
INK, ACCENT = (30, 30, 30), (176, 84, 0)
TITLE = N_("Certificate of Product Knowledge")
AWARDED = N_("Awarded to")
TRACK = N_("Track: {track}")
SCAN = N_("Scan the code to verify this certificate.")


@cache
def _font(script: scripts.Script, size: int, bold: bool) -> ImageFont.FreeTypeFont:
    path = script.font_path(bold)
    if not path.exists():
        log.warning("font missing, drawing with the bitmap font", extra={"font": str(path)})
        return ImageFont.load_default(size)
    return ImageFont.truetype(str(path), size)


def _width(text: str, size: int, bold: bool) -> float:
    return sum(_font(s, size, bold).getlength(part) for s, part in scripts.runs(text, bold))


def _text(draw: ImageDraw.ImageDraw, xy: tuple[int, int], text: str, size: int,
          bold: bool = False, fill: tuple[int, int, int] = INK, right: int = WIDTH - 50) -> None:
    """Draw `text` with its top at `xy`, each script run in its own Noto font, shrunk to end
    before `right`."""
    x, top = xy
    while size > 12 and x + _width(text, size, bold) > right:
        size -= 1
    baseline = top + size
    for script, part in scripts.runs(text, bold):
        font = _font(script, size, bold)
        draw.text((x, baseline), part, font=font, fill=fill, anchor="ls")
        x += int(font.getlength(part))


def verify_url(cert: Certificate) -> str:
    return f"{outbound.base_url()}/verify/{cert.public_id}"


def render(cert: Certificate, partner: Partner, program: Program) -> bytes:
    """Return the certificate, in the partner's language, as a palette PNG (under 100 KB)."""
    lang = partner.language
    track = content_of(program).track(cert.track)
    track_name = local(track.name, lang) if track else cert.track
    issued = (cert.granted_at or cert.issued_at).astimezone(IST).date()
    image = Image.new("RGB", (WIDTH, 560), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((12, 12, 887, 547), outline=ACCENT, width=6)
    _text(draw, (50, 45), program.name, 26, bold=True, fill=ACCENT)
    _text(draw, (50, 100), translate(lang, TITLE), 34, bold=True)
    _text(draw, (50, 170), translate(lang, AWARDED), 20, right=TEXT_RIGHT)
    _text(draw, (50, 200), partner.name or partner.phone[:-4] + "XXXX", 34, bold=True,
          right=TEXT_RIGHT)
    _text(draw, (50, 250), partner.shop or "", 22, right=TEXT_RIGHT)
    _text(draw, (50, 310), translate(lang, TRACK, track=track_name), 24, bold=True,
          right=TEXT_RIGHT)
    _text(draw, (50, 355), translate(lang, ISSUED, date=format_date(
        issued, "dd MMM y", locale=locale_of(lang))), 20, right=TEXT_RIGHT)
    _text(draw, (50, 390), translate(lang, VERSION, version=cert.version), 20, right=TEXT_RIGHT)
    _text(draw, (50, 425), translate(lang, CERT_ID, public_id=cert.public_id), 20,
          right=TEXT_RIGHT)
    _text(draw, (50, 490), translate(lang, SCAN), 16)
    code = qrcode.QRCode(border=2, box_size=6, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(verify_url(cert))
    qr = code.make_image(fill_color="black", back_color="white").get_image().convert("RGB")
    qr = qr.resize((230, 230), Image.Resampling.NEAREST)
    image.paste(qr, (620, 170))
    out = io.BytesIO()
    image.quantize(colors=16, method=Image.Quantize.FASTOCTREE).save(out, "PNG")
    return media.small_enough(out.getvalue(), f"certificate {cert.public_id}")


def draw(session: Session, cert: Certificate) -> str:
    """Draw and store the certificate at its known place; return its /media/ path."""
    partner = session.get(Partner, cert.partner_id)
    data = render(cert, partner, session.get(Program, cert.program_id))
    return media.store_as(data, media.CERTIFICATES, f"{cert.public_id}.png")
