"""Public privacy pages: GET /privacy/<CODE>/<lang> shows a program's notice in a language
(the link WhatsApp carries when consent is asked); GET /export/<token> hands a partner the
ZIP of their data (MY DATA) while the link is valid."""

from __future__ import annotations

from flask import Blueprint, abort, render_template_string, request, send_from_directory

from bot import media
from bot.i18n import DEFAULT, LANGUAGES, N_, translate
from models import privacy
from models.db import unit_of_work
from models.partners.partner import Partner
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


NOT_READY = N_("Your file is being prepared. Please open this link again in a few minutes.")
GONE = N_("This link is not valid or has expired. Send MY DATA to get a new one.")
SIMPLE = """<!doctype html><html lang="{{ lang }}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><p>{{ text }}</p></body></html>"""


@bp.get("/export/<token>")
def export(token: str):
    """The partner's ZIP while the link is valid; a page saying to wait, or that it is gone."""
    with unit_of_work() as session:
        found = privacy.by_token(session, token[:64])
        if found is None:
            lang = request.accept_languages.best_match(list(LANGUAGES)) or DEFAULT
            return render_template_string(SIMPLE, lang=lang, text=translate(lang, GONE)), 404
        lang = session.get(Partner, found.partner_id).language
        ready, file = found.status == privacy.ExportStatus.READY, found.file
    if not ready:
        return render_template_string(SIMPLE, lang=lang, text=translate(lang, NOT_READY)), 202
    response = send_from_directory(media.media_dir() / "exports", file, as_attachment=True,
                                   download_name="saathi-my-data.zip")
    response.headers["Cache-Control"] = "no-store"
    return response
