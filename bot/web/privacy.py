"""Public privacy notices: GET /privacy/<CODE>/<lang> shows a program's notice in a language
(the link WhatsApp carries when consent is asked)."""

from __future__ import annotations

from flask import Blueprint, abort, render_template_string

from bot.i18n import DEFAULT, LANGUAGES, N_, translate
from models.db import unit_of_work
from models.programs.labels import local
from models.programs.program import by_code

bp = Blueprint("privacy", __name__)

PAGE = """<!doctype html>
<html lang="{{ lang }}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ heading }}</title>
<style>body{font-family:sans-serif;max-width:34rem;margin:2rem auto;padding:0 1rem}</style>
</head><body><h1>{{ heading }}</h1><p><strong>{{ summary }}</strong></p>
{% for line in lines %}<p>{{ line }}</p>{% endfor %}
<p><small>{{ version }}</small></p></body></html>"""

HEADING = N_("Privacy notice: {program}")
LINES = (
    N_("What we collect: your phone number, name, shop, PIN code, GSTIN, UPI id, invoice "
       "photos, product scans and your messages."),
    N_("Why: to enroll you, to give and pay your credits, and to stop fraud."),
    N_("How long: messages {message_days} days; invoice photos {photo_days} days after the "
       "return window; credit entries as long as the law requires."),
    N_("Who sees it: {brand}, your distributor, and Saathi's support team."),
    N_("Send MY DATA for a copy of your data, DELETE to erase it, LEAVE to withdraw your "
       "consent."),
    N_("Complaints: {grievance}"),
)
VERSION = N_("Notice version {version}")


@bp.get("/privacy/<code>/<lang>")
def notice(code: str, lang: str):
    """The program's privacy notice in `lang` (English for a language Saathi does not speak)."""
    lang = lang if lang in LANGUAGES else DEFAULT
    with unit_of_work() as session:
        program = by_code(session, code[:20])
        if program is None:
            abort(404)
        spec, name = program.spec, program.name
    privacy = spec.privacy
    values = {"message_days": privacy.retention.message_days, "brand": spec.brand,
              "photo_days": privacy.retention.photo_days,
              "grievance": privacy.grievance or spec.sponsor.manufacturer}
    return render_template_string(
        PAGE, lang=lang, heading=translate(lang, HEADING, program=name),
        summary=local(privacy.summary, lang),
        lines=[translate(lang, line, **values) for line in LINES],
        version=translate(lang, VERSION, version=privacy.notice_version))
