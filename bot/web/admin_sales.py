"""A distributor's sales data in the admin: upload a sales file (TallyPrime XML, CSV, XLSX:
the same import as `flask sales import`, run by a job: workers/sales_import.py), follow its
progress, download an import's per-row report as CSV, make (shown once) and revoke the API
keys its systems push with.

Distributor admins act for their own distributor only, brand admins for their brand's;
analysts and support see the imports and keys but change nothing. Every change writes an audit
row; another distributor's page, import or key answers 404."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)

from bot import jobs, media
from bot.i18n import N_
from bot.jobs.names import Job
from bot.web import admin_auth
from bot.web.admin_auth import Can, require
from bot.web.admin_csv import csv_response
from bot.web.admin_partners import DONE, REFUSED, actor
from models.admin import distributors, scope
from models.admin.controls import audit_change
from models.db import unit_of_work
from models.programs.program import Program
from models.sales import FileRefused, apikeys, uploads
from models.sales import batches as sales_batches
from models.sales import files as sales_files
from models.sales.tables import BatchStatus

bp = Blueprint("admin_sales", __name__, url_prefix="/admin/distributors/<id:distributor_id>")
bp.before_request(admin_auth.fail_closed)
UPLOAD_SLACK = 64 * 1024  # the form's other fields and multipart framing
NO_FILE = N_("Choose a file to upload.")
QUEUED = N_("The file is being imported: its progress is shown below.")
CHECKING = N_("The file is being checked: nothing will change. Its report is shown below.")
BATCH_STATUS = {BatchStatus.QUEUED: N_("Waiting to import"), BatchStatus.RUNNING: N_("Importing"),
                BatchStatus.DONE: N_("Imported"), BatchStatus.FAILED: N_("Failed")}


@bp.before_request
def _upload_limit() -> None:
    """A sales file may be larger than any other request (SALES_FILE_MAX_MB): the limit is
    raised for the upload alone, before the CSRF check reads the form."""
    if request.endpoint == "admin_sales.upload":
        request.max_content_length = \
            current_app.config["SALES_FILE_MAX_MB"] * 1024 * 1024 + UPLOAD_SLACK


@dataclass(frozen=True)
class Seller:
    """The distributor of the page as the sales data knows it: its code, and the programs of
    the account's brand whose file lists it (the first is where imports and keys go)."""
    id: int
    code: str
    programs: list[Program]


def seller(db, distributor_id: int) -> Seller:
    """The page's distributor, if this account may see it and a program lists it (else 404)."""
    partner = distributors.visible(db, g.admin, distributor_id) or abort(404)
    listing = [p for p in scope.programs(db, g.admin)
               if any(d.code == partner.code for d in p.spec.distributors)]
    if not partner.code or not listing:
        abort(404)
    return Seller(partner.id, partner.code, listing)


def sales_view(db, distributor_id: int) -> dict | None:
    """What the distributor page shows of the sales data (None: no program lists it)."""
    partner = distributors.visible(db, g.admin, distributor_id)
    programs = [p for p in scope.programs(db, g.admin)
                if partner and any(d.code == partner.code for d in p.spec.distributors)]
    if not programs:
        return None
    ids = [p.id for p in programs]
    return {"batches": sales_batches.recent(db, ids, partner.code),
            "keys": sales_batches.api_keys(db, ids, partner.code),
            "max_mb": current_app.config["SALES_FILE_MAX_MB"], "status": BATCH_STATUS}


@bp.post("/sales")
@require(Can.SALES)
def upload(distributor_id: int):
    """Store the file and queue its import, or its check (a dry run), in a job: the page
    shows how far it is, and the batch's CSV says what came of each row."""
    sent = request.files.get("file")
    dry_run = request.form.get("dry_run") == "1"
    with unit_of_work() as db:
        found = seller(db, distributor_id)
    if sent is None or not sent.filename:
        flash(NO_FILE)
        return _back(distributor_id)
    name = Path(sent.filename).name[:200]
    suffix = Path(name).suffix.lower()[:8]
    relative = f"{media.SALES}/{secrets.token_hex(16)}{suffix}"
    path = _store(sent, relative)
    try:
        source = sales_files.source_of(path)
    except FileRefused as exc:
        path.unlink()
        return _refused(exc, distributor_id)
    with unit_of_work() as db:
        batch = uploads.queue(db, program_id=found.programs[0].id, distributor=found.code,
                              source=source, name=name, file=relative,
                              total=sales_files.estimate_rows(path, source), dry_run=dry_run)
        audit_change(db, actor(), "sales.dry_run" if dry_run else "sales.import",
                     f"sales_batch:{batch.id}", name, {},
                     {"distributor": found.code, "status": str(batch.status)})
        jobs.after_commit(db, Job.IMPORT_SALES, batch.id)
    flash(CHECKING if dry_run else QUEUED)
    return _back(distributor_id)


def _store(sent, relative: str) -> Path:
    """Save the upload under MEDIA_DIR (written whole, then renamed into place), where the
    job finds it whichever machine runs it."""
    path = media.kept(relative)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    sent.save(partial)
    partial.replace(path)
    return path


def _refused(exc: FileRefused, distributor_id: int):
    flash(REFUSED)
    flash(str(exc), "detail")
    return _back(distributor_id)


def _back(distributor_id: int):
    return redirect(url_for("admin_distributors.page", distributor_id=distributor_id,
                            _anchor="sales"))


@bp.get("/sales/<id:batch_id>.csv")
@require(Can.VIEW)
def report(distributor_id: int, batch_id: int):
    with unit_of_work() as db:
        found = seller(db, distributor_id)
        batch = sales_batches.find(db, [p.id for p in found.programs], found.code, batch_id)
        if batch is None:
            abort(404)
        rows = [sales_batches.report_cells(r) for r in sales_batches.report(db, batch.id)]
    return csv_response(f"sales-{found.code}-{batch_id}.csv", sales_batches.REPORT_HEADER,
                        rows)


@bp.post("/api-keys")
@require(Can.SALES)
def create_key(distributor_id: int):
    with unit_of_work() as db:
        found = seller(db, distributor_id)
        key, row = apikeys.create(db, found.programs[0], found.code)
        audit_change(db, actor(), "sales.api_key_create", f"sales_api_key:{row.prefix}", "",
                     {}, {"distributor": found.code, "prefix": row.prefix})
        prefix = row.prefix
    response = make_response(render_template(
        "admin/sales_key.html", distributor_id=distributor_id, key=key, prefix=prefix))
    response.headers["Cache-Control"] = "no-store"  # the key is shown this once
    return response


@bp.post("/api-keys/<prefix>/revoke")
@require(Can.SALES)
def revoke_key(distributor_id: int, prefix: str):
    with unit_of_work() as db:
        found = seller(db, distributor_id)
        row = sales_batches.api_key(db, [p.id for p in found.programs], found.code, prefix)
        if row is None:
            abort(404)
        if row.revoked_at is None:
            apikeys.revoke(db, row.prefix)
            audit_change(db, actor(), "sales.api_key_revoke", f"sales_api_key:{row.prefix}",
                         "", {"revoked": False}, {"revoked": True})
    flash(DONE)
    return redirect(url_for("admin_distributors.page", distributor_id=distributor_id))
