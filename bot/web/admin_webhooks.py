"""A brand admin's log of events sent to the brand's systems (webhook deliveries)."""

from __future__ import annotations

from flask import Blueprint, g, render_template

from bot.web import admin_auth
from bot.web.admin_auth import Can, require
from models import webhooks
from models.admin import users
from models.base import IST
from models.db import unit_of_work

bp = Blueprint("admin_webhooks", __name__, url_prefix="/admin/webhooks")
bp.before_request(admin_auth.fail_closed)


@bp.get("/")
@require(Can.AUDIT)
def deliveries():
    with unit_of_work() as db:
        programs = [p.id for p in users.brand_programs(db, g.admin.brand)]
        rows = [{"when": row.created_at.astimezone(IST).strftime("%d-%m-%Y %H:%M"),
                 "event": row.event_type, "id": row.event_id, "status": row.status,
                 "attempts": row.attempts,
                 "answer": row.last_status or row.last_error or ""}
                for row in webhooks.recent(db, 100, program_ids=programs)]
    return render_template("admin/webhooks.html", rows=rows)
