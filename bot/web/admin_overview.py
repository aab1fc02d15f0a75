"""A program's overview for a date range: tables of figures, two daily charts (server-drawn
SVG) and every table as a CSV download."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, abort, g, render_template, request

from bot.i18n import N_, translate
from bot.web import admin_auth
from bot.web.admin_auth import Can, require
from bot.web.admin_charts import bar_chart
from bot.web.admin_csv import csv_response
from models.admin import scope
from models.admin.overview import Figures, Range
from models.base import IST, utcnow
from models.db import unit_of_work

bp = Blueprint("admin_overview", __name__, url_prefix="/admin/overview")
bp.before_request(admin_auth.fail_closed)
TITLES = {"partners": N_("Partners"), "funnel": N_("Funnel"), "learning": N_("Learning"),
          "credits": N_("Credits"), "payouts": N_("Payouts"),
          "activity": N_("Invoices, scans and flags"), "cohorts": N_("Cohorts")}
LABELS = {  # the tables' header and row names (the CSV keeps them as they are)
    "figure": N_("Figure"), "value": N_("Value"), "step": N_("Step"),
    "partners": N_("Partners"), "credits": N_("Credits"), "paise": N_("Paise"),
    "status": N_("Status"), "count": N_("Count"), "what": N_("What"), "joined": N_("Joined"),
    "enrolled": N_("Enrolled"), "joined in range": N_("Joined in the range"),
    "active 7 days": N_("Active in 7 days"), "active 30 days": N_("Active in 30 days"),
    "active 30 days %": N_("Active in 30 days (%)"), "first earn": N_("First earn"),
    "first redemption": N_("First redemption"), "certifications": N_("Certifications"),
    "completion rate %": N_("Completion rate (%)"), "quiz attempts": N_("Quiz attempts"),
    "quiz pass rate %": N_("Quiz pass rate (%)"),
    "cost per certification (paise)": N_("Cost per certification (paise)"),
    "issued": N_("Issued"), "redeemed": N_("Redeemed"), "expired": N_("Expired"),
    "held for payouts": N_("Held for payouts"), "outstanding": N_("Outstanding"),
    "code scans": N_("Code scans")}
PREFIXES = {"invoices ": N_("Invoices: {status}"), "sent to review: ": N_("Sent to review: {kind}")}
DEFAULT_DAYS = 30
MAX_DAYS = 366


def _range() -> Range:
    """?from=YYYY-MM-DD&to=YYYY-MM-DD, by default the last 30 days; at most a year."""
    today = utcnow().date()
    try:
        end = date.fromisoformat(request.args.get("to") or today.isoformat())
        start = date.fromisoformat(request.args.get("from") or
                                   (end - timedelta(days=DEFAULT_DAYS - 1)).isoformat())
    except ValueError:
        abort(400)
    if start > end or (end - start).days >= MAX_DAYS:
        abort(400)
    return Range(start, end)


def label(lang: str | None, text: object) -> object:
    """A table's header or row name in the reader's language (other cells as they are)."""
    if not isinstance(text, str):
        return text
    if text in LABELS:
        return translate(lang, LABELS[text])
    for prefix, msgid in PREFIXES.items():
        if text.startswith(prefix):
            rest = text.removeprefix(prefix)
            return translate(lang, msgid, status=rest, kind=rest)
    return text


def _figures(db, code: str, span: Range) -> Figures:
    program = next((p for p in scope.programs(db, g.admin) if p.code == code.upper()), None)
    return Figures(db, g.admin, program or abort(404), span)


@bp.get("/<code>")
@require(Can.VIEW)
def program(code: str):
    span = _range()
    with unit_of_work() as db:
        figures = _figures(db, code, span)
        tables, daily = figures.tables(), figures.daily()
        name, counted_at = figures.program.name, figures.counted_at
    lang = g.get("lang")
    charts = [bar_chart([(d.isoformat(), joined) for d, joined, _ in daily],
                        translate(lang, "Partners joined per day")),
              bar_chart([(d.isoformat(), issued) for d, _, issued in daily],
                        translate(lang, "Credits issued per day"))]
    return render_template("admin/overview.html", code=code.upper(), name=name, span=span,
                           tables=tables, charts=charts, titles=TITLES,
                           counted_at=f"{counted_at.astimezone(IST):%Y-%m-%d %H:%M} IST"
                           if counted_at else "",
                           label=lambda text: label(lang, text))


@bp.get("/<code>/<name>.csv")
@require(Can.VIEW)
def table_csv(code: str, name: str):
    span = _range()
    with unit_of_work() as db:
        figures = _figures(db, code, span)
        table = figures.table(name) or abort(404)
    return csv_response(f"{code.lower()}-{name}-{span.start}-{span.end}.csv", table.header,
                        table.rows)
