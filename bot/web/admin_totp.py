"""The optional second factor: set it up with a QR code (the account's own page), and the
code asked after a right password when it is on (models/admin/totp)."""

from __future__ import annotations

import io

from flask import Blueprint, flash, g, redirect, render_template, request, session, url_for
from markupsafe import Markup

from bot.i18n import N_
from bot.web import admin_auth
from bot.web.admin_auth import Can, require
from models.admin import audit, totp, users
from models.db import unit_of_work

bp = Blueprint("admin_totp", __name__, url_prefix="/admin")
bp.before_request(admin_auth.fail_closed)
PENDING = "totp_user"  # the account whose password was right, waiting for its code
NEW_SECRET = "totp_new"
BAD_CODE = N_("Wrong code, or the account is locked for a while.")
TURNED_ON = N_("The second factor is on: you will be asked for a code at every login.")


def ask_code(account: users.AdminUser):
    """After a right password: remember who, and ask for the code (no session yet)."""
    session.clear()
    session[PENDING] = account.id
    return redirect(url_for("admin_totp.code", next=request.args.get("next", "")))


@bp.route("/login/code", methods=["GET", "POST"])
def code():
    pending = session.get(PENDING)
    if pending is None:
        return redirect(url_for("admin_pages.login"))
    if request.method == "GET":
        return render_template("admin/totp_code.html")
    admin_auth.csrf.protect()
    with unit_of_work() as db:
        account = users.by_id(db, pending)
        right = account is not None and totp.check(db, account, request.form.get("code", ""))
        audit.record(db, actor=account.email if account else "-", ip=request.remote_addr,
                     action="login.ok" if right else audit.LOGIN_FAILED,
                     user_id=pending, brand=account.brand if account else None)
    if not right:
        return render_template("admin/totp_code.html", error=BAD_CODE), 401
    admin_auth.start_session(account)
    target = request.args.get("next", "")
    return redirect(target if target.startswith("/admin") else url_for("admin_pages.index"))


@bp.route("/totp", methods=["GET", "POST"])
@require(Can.VIEW)
def setup():
    """Show a new secret as a QR code; turn the factor on once the app's code matches."""
    secret = session.get(NEW_SECRET) or totp.new_secret()
    session[NEW_SECRET] = secret
    error = None
    if request.method == "POST":
        with unit_of_work() as db:
            account = users.by_id(db, g.admin.id)
            try:
                totp.enable(account, secret, request.form.get("code", ""))
            except users.AccountError:
                error = BAD_CODE
            else:
                audit.record(db, actor=account.email, action="user.totp_on",
                             target=f"user:{account.id}", user_id=account.id,
                             brand=account.brand, ip=request.remote_addr)
        if error is None:
            session.pop(NEW_SECRET, None)
            flash(TURNED_ON)
            return redirect(url_for("admin_pages.index"))
    return render_template("admin/totp_setup.html", secret=secret, error=error,
                           qr=_svg(totp.uri(g.admin, secret)), on=bool(g.admin.totp_secret))


def _svg(text: str) -> Markup:
    # qrcode brings PIL: imported by the one page that draws, not by every web process
    import qrcode
    import qrcode.image.svg

    out = io.BytesIO()
    qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8).save(out)
    return Markup(out.getvalue().decode())  # drawn here from our own text: safe to inline
