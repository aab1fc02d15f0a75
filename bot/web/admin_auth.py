"""Who may do what in the admin: login sessions (Flask-Login), CSRF (Flask-WTF) and one
policy table of permissions by role that every admin view declares with `@require`.

A view without `@require` (and not in PUBLIC) is refused: the admin fails closed."""

from __future__ import annotations

import functools
import secrets
from collections.abc import Callable
from enum import StrEnum

from flask import Flask, abort, current_app, g, jsonify, redirect, request, session, url_for
from flask_login import LoginManager, current_user, login_user, logout_user
from flask_wtf.csrf import CSRFProtect

from models.admin import users
from models.admin.users import AdminRole, AdminUser
from models.db import unit_of_work

csrf = CSRFProtect()
login_manager = LoginManager()
PUBLIC = frozenset({"admin_pages.login", "admin_pages.invite", "admin_pages.language",
                    "admin_totp.code"})


class Can(StrEnum):
    VIEW = "view"  # read pages and figures
    REVIEW = "review"  # decide review items
    SUPPORT = "support"  # answer tickets
    OPERATE = "operate"  # suspend, reinstate, adjust, reverse, returns, redemptions, batches
    AUDIT = "audit"  # read the audit log, invite accounts
    SALES = "sales"  # a distributor's sales files and API keys


POLICY: dict[Can, frozenset[AdminRole]] = {
    Can.VIEW: frozenset(AdminRole),
    Can.REVIEW: frozenset({AdminRole.BRAND_ADMIN, AdminRole.DISTRIBUTOR_ADMIN,
                           AdminRole.SUPPORT}),
    Can.SUPPORT: frozenset({AdminRole.BRAND_ADMIN, AdminRole.SUPPORT}),
    Can.OPERATE: frozenset({AdminRole.BRAND_ADMIN}),
    Can.AUDIT: frozenset({AdminRole.BRAND_ADMIN}),
    Can.SALES: frozenset({AdminRole.BRAND_ADMIN, AdminRole.DISTRIBUTOR_ADMIN}),
}


class SessionUser:
    """The logged-in account as Flask-Login sees it; its id carries the session token, so
    logging in again or out ends every older cookie."""

    is_authenticated = is_active = True
    is_anonymous = False

    def __init__(self, account: AdminUser) -> None:
        self.account = account

    def get_id(self) -> str:
        return f"{self.account.id}:{self.account.session_token}"


def init_app(app: Flask) -> None:
    app.config.setdefault("WTF_CSRF_CHECK_DEFAULT", False)  # webhooks carry no CSRF token
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)  # the token lives as long as the session
    app.config.setdefault("SESSION_COOKIE_HTTPONLY", True)
    app.config.setdefault("SESSION_COOKIE_SAMESITE", "Lax")
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "admin_pages.login"
    login_manager.session_protection = "strong"
    app.before_request(_forget_user)


def _forget_user() -> None:
    """Load the user and CSRF token from this request's cookie: `g` outlives a request when
    an app context was pushed around it (the tests do), and must not carry the last ones."""
    g.pop("_login_user", None)
    g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)


@login_manager.user_loader
def _load(user_id: str) -> SessionUser | None:
    number, _, token = user_id.partition(":")
    if not number.isdigit() or not token:
        return None
    with unit_of_work() as db:
        account = users.by_id(db, int(number))
    if account is None or not secrets.compare_digest(account.session_token or "", token):
        return None
    return SessionUser(account)


def admin() -> AdminUser | None:
    """The logged-in account of this request, or None."""
    return current_user.account if current_user.is_authenticated else None


def allowed(account: AdminUser, can: Can) -> bool:
    return account.role in POLICY[can]


def start_session(account: AdminUser) -> None:
    """Log in with a fresh session: nothing from before the login (a planted cookie) stays."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    login_user(SessionUser(account))


def end_session() -> None:
    logout_user()
    session.clear()


def require(can: Can, *, api: bool = False) -> Callable:
    """Let the view run only for a logged-in account whose role has `can`; POSTs need CSRF."""
    def wrap(view: Callable) -> Callable:
        @functools.wraps(view)
        def guarded(*args, **kwargs):
            account = admin()
            if account is None:
                return (jsonify(error="log in first"), 401) if api else \
                    redirect(url_for("admin_pages.login", next=request.path))
            if not allowed(account, can):
                abort(403)
            if request.method == "POST":
                csrf.protect()
            g.admin = account
            return view(*args, **kwargs)
        guarded.admin_permission = can  # type: ignore[attr-defined]
        return guarded
    return wrap


def fail_closed() -> None:
    """A blueprint's before_request: refuse any view that declared no permission."""
    if request.endpoint in PUBLIC:
        return
    view = current_app.view_functions.get(request.endpoint or "")
    if view is not None and not hasattr(view, "admin_permission"):
        abort(403)
