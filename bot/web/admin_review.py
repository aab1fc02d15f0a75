"""The review queue as pages: the items an account may see, one item with everything a
reviewer needs (models/review `describe`), approve or reject with a note."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from sqlalchemy import select

from bot.i18n import N_, translate
from bot.notices.invoices import REJECTIONS
from bot.web import admin_auth
from bot.web.admin_auth import Can, require
from models import review
from models.admin import audit, scope
from models.db import unit_of_work
from models.invoices.rules import REVIEWER_REASONS
from models.review.queue import ReviewItem, ReviewStatus

bp = Blueprint("admin_review", __name__, url_prefix="/admin/queue")
bp.before_request(admin_auth.fail_closed)
DECIDED = N_("Decided.")
LIMIT = 200


@bp.get("/")
@require(Can.REVIEW)
def queue():
    with unit_of_work() as db:
        items = list(db.scalars(select(ReviewItem).where(
            ReviewItem.status == ReviewStatus.PENDING, scope.review_clause(db, g.admin))
            .order_by(ReviewItem.id).limit(LIMIT)))
    return render_template("admin/queue.html", items=items)


@bp.get("/<id:item_id>")
@require(Can.REVIEW)
def item(item_id: int):
    with unit_of_work() as db:
        found = scope.visible_review(db, g.admin, item_id) or abort(404)
        view = review.describe(db, found)
    number = (view.get("invoice") or {}).get("fields", {}).get("invoice_number", {})
    reasons = [(r.value, translate(g.get("lang"), REJECTIONS[r], number=number.get("value")
                                   or "")) for r in REVIEWER_REASONS]
    return render_template("admin/review_item.html", item=view, reasons=reasons)


def _verdict(decision: str) -> dict:
    """An invoice's corrected total (rupees) on approval, the reason told on rejection."""
    if decision == "reject":
        reason = request.form.get("reason", "")
        return {"reason": reason} if reason in REVIEWER_REASONS else {}
    rupees = request.form.get("total_rupees", "").strip().replace(",", "")
    if not rupees:
        return {}
    try:
        paise = round(float(rupees) * 100)
    except (ValueError, OverflowError):  # not a number, or inf
        abort(400)
    if not 0 < paise < 10**12:
        abort(400)
    return {"total_paise": paise}


@bp.post("/<id:item_id>")
@require(Can.REVIEW)
def decide(item_id: int):
    """Approve or reject (form fields `decision`: approve|reject, `note`)."""
    decision = request.form.get("decision", "")
    if decision not in ("approve", "reject"):
        abort(400)
    note = request.form.get("note", "").strip() or None
    verdict = _verdict(decision)
    try:
        with unit_of_work() as db:
            scope.visible_review(db, g.admin, item_id) or abort(404)
            done = review.decide(db, item_id, approve=decision == "approve",
                                 actor=g.admin.email[:80], note=note, verdict=verdict)
            audit.record(db, actor=g.admin.email, action=f"review.{decision}",
                         target=f"review:{item_id}", reason=note or "", user_id=g.admin.id,
                         brand=g.admin.brand, ip=request.remote_addr,
                         after={"status": done.status, **verdict})
        flash(DECIDED)
    except review.ReviewError as exc:
        flash(str(exc), "detail")
    return redirect(url_for("admin_review.queue"))
