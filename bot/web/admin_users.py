"""A brand admin's accounts page: who can log in for the brand, and inviting someone by a
one-time link (the same operation as `flask users invite`)."""

from __future__ import annotations

from flask import Blueprint, flash, g, render_template, request, url_for
from sqlalchemy import select

from bot.web import admin_auth
from bot.web.admin_auth import Can, require
from models.admin import audit, users
from models.admin.users import AdminRole, AdminUser
from models.db import unit_of_work

bp = Blueprint("admin_users", __name__, url_prefix="/admin/users")
bp.before_request(admin_auth.fail_closed)


def _accounts() -> list[AdminUser]:
    with unit_of_work() as db:
        return list(db.scalars(select(AdminUser).where(AdminUser.brand == g.admin.brand)
                               .order_by(AdminUser.email)))


@bp.get("/")
@require(Can.AUDIT)
def accounts():
    return render_template("admin/users.html", accounts=_accounts(), roles=list(AdminRole))


@bp.post("/")
@require(Can.AUDIT)
def invite():
    """Invite an account of this brand (fields `email`, `role`, `distributor`)."""
    link = None
    try:
        with unit_of_work() as db:
            program = users.brand_programs(db, g.admin.brand)[0]
            user = users.create(db, email=request.form.get("email", ""),
                                role=request.form.get("role", ""), program_code=program.code,
                                distributor_code=request.form.get("distributor") or None)
            token = users.invite(db, user)
            audit.record(db, actor=g.admin.email, action="user.invite",
                         target=f"user:{user.id}", user_id=g.admin.id, brand=g.admin.brand,
                         ip=request.remote_addr, after={"email": user.email, "role": user.role})
        link = url_for("admin_pages.invite", token=token, _external=True)
    except users.AccountError as exc:
        flash(str(exc), "detail")
    return render_template("admin/users.html", accounts=_accounts(), roles=list(AdminRole),
                           link=link)
