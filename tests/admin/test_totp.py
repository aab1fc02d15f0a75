"""The optional second factor: set up from a QR code, asked after the right password (no
session before it), wrong codes lock the account like wrong passwords, and
`flask users reset-totp` turns it off (audited as the operator)."""

from __future__ import annotations

import getpass
import re

import pyotp

from models.admin.audit import AuditEntry
from models.db import unit_of_work
from tests.admin.conftest import Admin


def _turn_on(admin: Admin) -> str:
    page = admin.get("/admin/totp").get_data(as_text=True)
    assert "<svg" in page
    secret = re.search(r"<code>([A-Z2-7]+)</code>", page).group(1)
    assert admin.post("/admin/totp", {"code": "000000"}).status_code == 200  # wrong: not on
    assert admin.post("/admin/totp", {"code": pyotp.TOTP(secret).now()}).status_code == 302
    return secret


def test_a_second_factor_is_asked_after_the_password(app, as_role, world):
    secret = _turn_on(as_role("brand-admin"))
    visitor = Admin(app.test_client())
    answer = visitor.login(world.emails["brand-admin"])
    assert answer.headers["Location"].startswith("/admin/login/code")
    assert visitor.get("/admin/").status_code == 302  # no session before the code
    visitor.get("/admin/login/code")
    assert visitor.post("/admin/login/code", {"code": "123456"}).status_code == 401
    visitor.get("/admin/login/code")
    assert visitor.post("/admin/login/code",
                        {"code": pyotp.TOTP(secret).now()}).status_code == 302
    assert visitor.get("/admin/").status_code == 200


def test_wrong_codes_lock_and_the_operator_resets_the_factor(app, as_role, world):
    _turn_on(as_role("support"))
    visitor = Admin(app.test_client())
    visitor.login(world.emails["support"])
    for _ in range(5):
        visitor.get("/admin/login/code")
        visitor.post("/admin/login/code", {"code": "999999"})
    result = app.test_cli_runner().invoke(args=["users", "reset-totp", world.emails["support"]])
    assert result.exit_code == 0 and "second factor off" in result.output
    with unit_of_work() as db:
        row = db.query(AuditEntry).filter_by(action="user.reset_totp").one()
    assert row.actor == f"cli:{getpass.getuser()}" and row.brand == "Shakti Cement"
    locked = Admin(app.test_client()).login(world.emails["support"])
    assert locked.status_code == 401  # still locked from the wrong codes
