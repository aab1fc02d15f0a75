"""Public certificate check: GET /verify/<id> says valid, outdated, revoked or unknown.

Whoever scans a certificate's QR code (a customer, a contractor) sees the page in their
phone's language when Saathi speaks it (Accept-Language), else in English.
"""

from __future__ import annotations

from babel.dates import format_date
from flask import (
    Blueprint,
    abort,
    make_response,
    render_template_string,
    request,
    send_from_directory,
)

from bot import media
from bot.i18n import DEFAULT, LANGUAGES, N_, translate
from models.base import IST
from models.db import unit_of_work
from models.learning.certificates import CertStatus, by_public_id, is_outdated
from models.learning.progress import content_of
from models.partners.partner import Partner
from models.programs.program import Program
from models.programs.tracks import local

bp = Blueprint("verify", __name__)

PAGE = """<!doctype html>
<html lang="{{ lang }}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ heading }} {{ public_id }}</title>
<style>body{font-family:sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem}
.s{font-size:1.4rem;font-weight:bold}.valid{color:#176b2c}.bad{color:#a31b1b}</style></head>
<body><h1>{{ heading }}</h1>
<p class="s {{ css }}">{{ verdict }}</p>
{% if who %}<p>{{ who }}{% if shop %}, {{ shop }}{% endif %}</p>
<p>{{ program }} · {{ track }} · {{ version }}</p>
<p>{{ issued }}</p>{% endif %}
<p><small>{{ cert_id }}</small></p></body></html>"""

HEADING = N_("Certificate check")
VERDICTS = {
    "valid": (N_("Valid"), "valid"),
    "outdated": (N_("Outdated: the holder must re-certify on the new module version"), "bad"),
    "revoked": (N_("Revoked: this certificate is no longer valid"), "bad"),
    "pending": (N_("Not yet valid: waiting for approval"), "bad"),
    "unknown": (N_("Unknown certificate: no certificate has this ID"), "bad"),
}
VERSION = N_("module version v{version}")
ISSUED = N_("Issued {date} (IST)")
CERT_ID = N_("Certificate ID {public_id}")
HOLDER = N_("Partner")


@bp.get("/verify/<public_id>")
def verify(public_id: str):
    """Show whether a certificate is valid, for whom, and for which version."""
    lang = request.accept_languages.best_match(list(LANGUAGES)) or DEFAULT
    with unit_of_work() as session:
        cert = by_public_id(session, public_id)
        if cert is None:
            shown = "".join(c for c in public_id[:16] if c.isalnum())
            return _page(lang, shown, "unknown"), 404
        if cert.status == CertStatus.VALID:
            verdict = "outdated" if is_outdated(session, cert) else "valid"
        elif cert.status in (CertStatus.REVOKED, CertStatus.REJECTED):
            verdict = "revoked"
        else:
            verdict = "pending"
        partner = session.get(Partner, cert.partner_id)
        program = session.get(Program, cert.program_id)
        track = content_of(program).track(cert.track)
        issued = format_date(cert.issued_at.astimezone(IST).date(), "dd MMM y",
                             locale=f"{lang}_IN")
        return _page(lang, cert.public_id, verdict,
                     who=partner.name or translate(lang, HOLDER), shop=partner.shop,
                     program=program.name, version=translate(lang, VERSION, version=cert.version),
                     track=local(track.name, lang) if track else cert.track,
                     issued=translate(lang, ISSUED, date=issued))


def _page(lang: str, public_id: str, verdict: str, **details: object):
    text, css = VERDICTS[verdict]
    response = make_response(render_template_string(
        PAGE, lang=lang, public_id=public_id, heading=translate(lang, HEADING),
        verdict=translate(lang, text), css=css,
        cert_id=translate(lang, CERT_ID, public_id=public_id), who=details.pop("who", None),
        **details))
    response.vary.add("Accept-Language")
    return response


@bp.get("/media/certificates/<public_id>.png")
def certificate_image(public_id: str):
    """A certificate's image: drawn by a job once granted; drawn here if asked for first (the
    provider may fetch a reply's media before the job has run)."""
    name = f"{public_id}.png"
    if not (media.media_dir() / media.CERTIFICATES / name).is_file():
        from workers.drawing.certificate import draw  # Pillow and qrcode: not at app start

        with unit_of_work() as session:
            cert = by_public_id(session, public_id)
            if cert is None or cert.public_id != public_id or cert.status != CertStatus.VALID:
                abort(404)
            draw(session, cert)
    return send_from_directory(media.media_dir() / media.CERTIFICATES, name)
