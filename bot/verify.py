"""Public certificate check: GET /verify/<id> says valid, outdated, revoked or unknown."""

from __future__ import annotations

from flask import Blueprint, render_template_string

from models.base import IST
from models.certification import CertStatus, by_public_id, is_outdated
from models.db import unit_of_work
from models.learning import content_of
from models.learning_content import local
from models.partner import Partner
from models.program import Program

bp = Blueprint("verify", __name__)

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Certificate {{ public_id }}</title>
<style>body{font-family:sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem}
.s{font-size:1.4rem;font-weight:bold}.valid{color:#176b2c}.bad{color:#a31b1b}</style></head>
<body><h1>Certificate check</h1>
<p class="s {{ css }}">{{ verdict }}</p>
{% if who %}<p>{{ who }}{% if shop %}, {{ shop }}{% endif %}</p>
<p>{{ program }} · {{ track }} · module version v{{ version }}</p>
<p>Issued {{ issued }} (IST)</p>{% endif %}
<p><small>Certificate ID {{ public_id }}</small></p></body></html>"""

VERDICTS = {
    "valid": ("Valid", "valid"),
    "outdated": ("Outdated: the holder must re-certify on the new module version", "bad"),
    "revoked": ("Revoked: this certificate is no longer valid", "bad"),
    "pending": ("Not yet valid: waiting for approval", "bad"),
    "unknown": ("Unknown certificate: no certificate has this ID", "bad"),
}


@bp.get("/verify/<public_id>")
def verify(public_id: str):
    """Show whether a certificate is valid, for whom, and for which version."""
    with unit_of_work() as session:
        cert = by_public_id(session, public_id[:16])
        if cert is None:
            return _page(public_id[:16], "unknown"), 404
        if cert.status == CertStatus.VALID:
            verdict = "outdated" if is_outdated(session, cert) else "valid"
        elif cert.status in (CertStatus.REVOKED, CertStatus.REJECTED):
            verdict = "revoked"
        else:
            verdict = "pending"
        partner = session.get(Partner, cert.partner_id)
        program = session.get(Program, cert.program_id)
        track = content_of(program).track(cert.track)
        return _page(cert.public_id, verdict, who=partner.name or "Partner", shop=partner.shop,
                     program=program.name, version=cert.version,
                     track=local(track.name, "en") if track else cert.track,
                     issued=f"{cert.issued_at.astimezone(IST):%d %b %Y}")


def _page(public_id: str, verdict: str, **details: object) -> str:
    text, css = VERDICTS[verdict]
    return render_template_string(PAGE, public_id=public_id, verdict=text, css=css,
                                  who=details.pop("who", None), **details)
