"""The distributor view: a distributor's shops and reps, bulk-enrollment batches row by row,
vouchers to honour, review items, the shops' leaderboard and its sales data (admin_sales); as
a page and as JSON. A
distributor admin opens only their own (any other answers 404, as if it did not exist)."""

from __future__ import annotations

from flask import Blueprint, abort, g, jsonify, redirect, render_template, request, url_for

from bot.notices.enrollment import ROW_STATUS
from bot.web import admin_auth
from bot.web.admin_auth import Can, require
from bot.web.admin_sales import sales_view
from models.admin import distributors, scope
from models.db import unit_of_work

bp = Blueprint("admin_distributors", __name__, url_prefix="/admin")
bp.before_request(admin_auth.fail_closed)


@bp.get("/distributors")
@require(Can.VIEW)
def listing():
    if not scope.brand_wide(g.admin):
        return redirect(url_for(".page", distributor_id=g.admin.distributor_id))
    with unit_of_work() as db:
        found = distributors.distributors(db, g.admin)
    return render_template("admin/distributors.html", distributors=found)


@bp.get("/distributors/<id:distributor_id>")
@require(Can.VIEW)
def page(distributor_id: int):
    number = request.args.get("page", "0")
    number = int(number) if number.isdigit() and len(number) < 6 else 0
    with unit_of_work() as db:
        distributor = distributors.visible(db, g.admin, distributor_id) or abort(404)
        shown = distributors.view(db, g.admin, distributor, number)
        sales = sales_view(db, distributor_id)
    return render_template("admin/distributor.html", view=shown, page=number,
                           per_page=distributors.PAGE, row_status=ROW_STATUS, sales=sales)


@bp.get("/api/distributors/<id:distributor_id>")
@require(Can.VIEW, api=True)
def as_json(distributor_id: int):
    with unit_of_work() as db:
        distributor = distributors.visible(db, g.admin, distributor_id)
        if distributor is None:
            return jsonify(error="no such distributor"), 404
        shown = distributors.view(db, g.admin, distributor)
        return jsonify(
            id=distributor.id, name=distributor.name, shops=shown.shop_count,
            reps=[{"id": r.id, "phone": r.phone, "name": r.name} for r in shown.reps],
            batches=[{"id": b.id, "at": b.created_at.isoformat(), "created": b.created,
                      "rows": [{"row": n, "label": label, "status": status}
                               for n, label, status in b.rows]} for b in shown.batches],
            vouchers=[{"code": v.code, "credits": v.credits, "expires_at":
                       v.expires_at.isoformat() if v.expires_at else None}
                      for v in shown.vouchers],
            review=[{"id": i.id, "kind": i.kind, "partner_id": i.partner_id}
                    for i in shown.review],
            leaderboard=[{"partner_id": x.partner.id, "shop": x.partner.shop,
                          "credits": x.credits} for x in shown.leaders])
