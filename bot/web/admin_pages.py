"""The admin's own pages: login and logout, invitations, language, the overview, the audit
log. Partners and the review queue have their own blueprints (admin_partners, admin_review)."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, g, redirect, render_template, request, session, url_for

from bot.i18n import LANGUAGES, N_, format_credits, format_rupees, translate
from bot.web import admin_auth, admin_totp
from bot.web.admin_auth import Can, require
from models.admin import audit, figures, users
from models.base import utcnow
from models.db import unit_of_work

bp = Blueprint("admin_pages", __name__, url_prefix="/admin")
bp.before_request(admin_auth.fail_closed)
IP_WINDOW = timedelta(minutes=15)
IP_LIMIT = 20  # failed logins from one address in the window before it must wait
BAD_LOGIN = N_("Wrong email or password, or the account is locked for a while.")
TOO_MANY = N_("Too many failed logins from here. Wait 15 minutes and try again.")
BAD_INVITE = N_("This link is not valid any more, or the password is shorter than 10 "
                "characters.")


@bp.before_app_request
def _language() -> None:
    if not (request.blueprint or "").startswith("admin_"):
        return
    account = admin_auth.admin()
    g.lang = session.get("lang") or (account.language if account else "en")


@bp.app_context_processor
def _helpers() -> dict:
    return {"_": lambda msgid, **values: translate(g.get("lang", "en"), msgid, **values),
            "admin": admin_auth.admin(), "can": _can, "Can": Can, "LANGUAGES": LANGUAGES,
            "credits": lambda n: format_credits(n, g.get("lang")),
            "rupees": lambda paise: format_rupees(paise, g.get("lang"))}


def _can(permission: Can) -> bool:
    account = admin_auth.admin()
    return account is not None and admin_auth.allowed(account, permission)


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Log in with email and password (a form with its CSRF token)."""
    if request.method == "GET":
        return render_template("admin/login.html")
    admin_auth.csrf.protect()
    email, password = request.form.get("email", ""), request.form.get("password", "")
    ip = request.remote_addr or ""
    with unit_of_work() as db:
        if audit.failures_from(db, ip, utcnow() - IP_WINDOW) >= IP_LIMIT:
            return render_template("admin/login.html", error=TOO_MANY), 429
        account = users.authenticate(db, email, password)
        audit.record(db, actor=email or "-", ip=ip,
                     action=("login.password_ok" if account.totp_secret else "login.ok")
                     if account else audit.LOGIN_FAILED,
                     user_id=account.id if account else None,
                     brand=account.brand if account else None)
    if account is None:
        return render_template("admin/login.html", error=BAD_LOGIN), 401
    if account.totp_secret:
        return admin_totp.ask_code(account)
    admin_auth.start_session(account)
    target = request.args.get("next", "")
    return redirect(target if target.startswith("/admin") else url_for("admin_pages.index"))


@bp.post("/logout")
@require(Can.VIEW)
def logout():
    with unit_of_work() as db:
        users.end_sessions(db, g.admin.id)
    admin_auth.end_session()
    return redirect(url_for("admin_pages.login"))


@bp.route("/invite/<token>", methods=["GET", "POST"])
def invite(token: str):
    """Set the password of an invited account (the link works once)."""
    if request.method == "GET":
        return render_template("admin/invite.html")
    admin_auth.csrf.protect()
    try:
        with unit_of_work() as db:
            account = users.accept_invite(db, token, request.form.get("password", ""))
            audit.record(db, actor=account.email, action="user.accept_invite",
                         target=f"user:{account.id}", user_id=account.id, brand=account.brand)
    except users.AccountError:
        return render_template("admin/invite.html", error=BAD_INVITE), 400
    return redirect(url_for("admin_pages.login"))


@bp.get("/lang/<code>")
def language(code: str):
    if code in LANGUAGES:
        session["lang"] = code
    target = request.referrer or ""
    return redirect(target if "/admin" in target else url_for("admin_pages.index"))


@bp.get("/")
@require(Can.VIEW)
def index():
    """Each of the brand's programs in figures."""
    with unit_of_work() as db:
        cards = figures.program_cards(db, g.admin)
    return render_template("admin/index.html", cards=cards)


@bp.get("/audit")
@require(Can.AUDIT)
def audit_log():
    with unit_of_work() as db:
        entries = audit.recent(db, g.admin.brand)
    return render_template("admin/audit.html", entries=entries)
