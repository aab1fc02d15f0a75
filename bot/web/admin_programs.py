"""Programs on the brand admin's page: the versions history, and a new YAML version uploaded,
checked and diffed against the current one before it is applied (models/admin/programs)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for

from bot.i18n import LANGUAGES, N_
from bot.web import admin_auth
from bot.web.admin_auth import Can, require
from bot.web.admin_partners import actor
from flows import program_sms
from models.admin import programs, scope
from models.db import unit_of_work
from models.programs import versions
from models.programs.program import Program
from models.programs.schema import ProgramFileError

bp = Blueprint("admin_programs", __name__, url_prefix="/admin/programs")
bp.before_request(admin_auth.fail_closed)
LOADED = N_("The new version is live.")
NOT_LOADED = N_("Not loaded: the file has problems.")


@bp.get("/")
@require(Can.OPERATE)
def listing():
    with unit_of_work() as db:
        found = [(p.code, p.name, p.loaded_at) for p in scope.programs(db, g.admin)]
    return render_template("admin/programs.html", programs=found)


def _page(code: str, checked: programs.Check | None = None, text: str = ""):
    with unit_of_work() as db:
        program = programs.own_program(db, g.admin, code) or abort(404)
        history = versions.history(db, program.id)
        return render_template("admin/program.html", program=program, history=history,
                               checked=checked, text=text)


@bp.get("/<code>")
@require(Can.OPERATE)
def page(code: str):
    return _page(code)


def _uploaded() -> str:
    upload = request.files.get("file")
    if upload and upload.filename:
        return upload.read(programs.MAX_TEXT + 1).decode("utf-8", errors="replace")
    return request.form.get("text", "")


def _checked(program: Program, text: str) -> programs.Check:
    """The upload checked, and (with an Indian DLT sender) its SMS texts against the DLT
    registry: a version whose lessons have no template is not published."""
    checked = programs.check(program, text, list(LANGUAGES))
    if checked.ok:
        checked.problems += program_sms.publish_problems(checked.spec,
                                                         "FILE (this version, saved)")
    return checked


@bp.post("/<code>/check")
@require(Can.OPERATE)
def check(code: str):
    """Validate the upload and show its diff; nothing changes yet."""
    text = _uploaded()
    with unit_of_work() as db:
        program = programs.own_program(db, g.admin, code) or abort(404)
        checked = _checked(program, text)
    return _page(code, checked, text)


@bp.post("/<code>/apply")
@require(Can.OPERATE)
def apply(code: str):
    text = request.form.get("text", "")
    try:
        with unit_of_work() as db:
            program = programs.own_program(db, g.admin, code) or abort(404)
            if _checked(program, text).problems:
                raise ProgramFileError("upload", ["not ready"])
            programs.apply(db, actor(), program, text, list(LANGUAGES))
    except ProgramFileError:
        flash(NOT_LOADED)
        return redirect(url_for(".page", code=code))
    flash(LOADED)
    return redirect(url_for(".page", code=code))
