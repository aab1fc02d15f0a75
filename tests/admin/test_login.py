"""Logging in: the form with its CSRF token, lock-out after wrong passwords, a limit per
address, a fresh session at login (no fixation), logout ending the cookie, invitations."""

from __future__ import annotations

from sqlalchemy import select

from models.admin import users
from models.admin.audit import AuditEntry
from models.db import unit_of_work
from tests.admin.conftest import PASSWORD, Admin


def test_login_with_the_right_password_opens_the_overview(visitor, world):
    response = visitor.login(world.emails["brand-admin"])
    assert response.status_code == 302 and response.location.endswith("/admin/")
    page = visitor.get("/admin/").get_data(as_text=True)
    assert "brand-admin@shakti.test" in page and "CEMPRO" in page and "CHEMX" not in page


def test_pages_need_a_login(visitor, world):
    response = visitor.get("/admin/partners")
    assert response.status_code == 302 and "/admin/login" in response.location
    assert visitor.get(f"/admin/api/partners/{world.own_shop}").status_code == 401


def test_a_login_without_its_csrf_token_is_refused(visitor, world):
    response = visitor.client.post("/admin/login", data={
        "email": world.emails["brand-admin"], "password": PASSWORD})
    assert response.status_code == 400
    assert visitor.get("/admin/").status_code == 302  # not logged in


def test_wrong_password_five_times_locks_the_account(visitor, world, clock):
    email = world.emails["analyst"]
    for _ in range(users.MAX_FAILURES):
        response = visitor.login(email, "wrong password!!")
        assert response.status_code == 401
        assert "Wrong email or password" in response.get_data(as_text=True)
    assert visitor.login(email).status_code == 401  # the right one, but locked
    with unit_of_work() as db:
        assert users.is_locked(db, email)
    clock.advance(minutes=16)
    assert visitor.login(email).status_code == 302


def test_too_many_failures_from_one_address_must_wait(visitor, world, clock):
    for n in range(20):
        assert visitor.login(f"nobody{n}@x.test", "whatever").status_code == 401
    response = visitor.login(world.emails["brand-admin"])
    assert response.status_code == 429
    assert "Too many failed logins" in response.get_data(as_text=True)


def test_login_gives_a_fresh_session_and_a_planted_cookie_stays_logged_out(app, world):
    victim = Admin(app.test_client())
    victim.get("/admin/login")
    planted = victim.client.get_cookie("session").value  # what an attacker could have set
    assert victim.login(world.emails["support"]).status_code == 302
    assert victim.client.get_cookie("session").value != planted
    attacker = app.test_client()
    attacker.set_cookie("session", planted)
    assert attacker.get("/admin/").status_code == 302  # to the login page


def test_logout_ends_the_cookie_everywhere(app, world):
    admin = Admin(app.test_client())
    admin.login(world.emails["support"])
    admin.get("/admin/")
    stolen = admin.client.get_cookie("session").value
    assert admin.post("/admin/logout").status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    assert thief.get("/admin/").status_code == 302


def test_users_create_reads_the_password_from_stdin_and_invite_prints_a_link(app, world):
    runner = app.test_cli_runner()
    made = runner.invoke(args=["users", "create", "new@shakti.test", "--role", "analyst",
                               "--program", "CEMPRO"], input="a long password 1\n")
    assert made.exit_code == 0, made.output
    assert "created new@shakti.test (analyst, Shakti Cement)" in made.output
    assert Admin(app.test_client()).login("new@shakti.test", "a long password 1"
                                          ).status_code == 302
    short = runner.invoke(args=["users", "create", "x@shakti.test", "--role", "analyst",
                                "--program", "CEMPRO"], input="short\n")
    assert short.exit_code == 1 and "at least 10 characters" in short.output
    bad = runner.invoke(args=["users", "create", "y@shakti.test", "--role", "support",
                              "--program", "CEMPRO", "--distributor", "SAITRD"], input="x" * 12)
    assert bad.exit_code == 1 and "only there" in bad.output
    invited = runner.invoke(args=["users", "invite", "inv@shakti.test", "--role", "support",
                                  "--program", "CEMPRO"])
    assert invited.exit_code == 0, invited.output
    path = "/admin/invite/" + invited.output.strip().rsplit("/admin/invite/", 1)[1]
    guest = Admin(app.test_client())
    guest.get(path)
    assert guest.post(path, {"password": "my own password"}).status_code == 302
    assert guest.login("inv@shakti.test", "my own password").status_code == 302
    again = Admin(app.test_client())
    again.get(path)
    assert again.post(path, {"password": "another password"}).status_code == 400


def test_every_login_is_in_the_audit_log(visitor, world):
    visitor.login(world.emails["support"], "wrong password!!")
    visitor.login(world.emails["support"])
    with unit_of_work() as db:
        actions = db.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["login.failed", "login.ok"]


def test_make_run_prints_a_demo_login_that_works(app, world):
    app.config["TWILIO_AUTH_TOKEN"] = ""
    runner = app.test_cli_runner()
    printed = runner.invoke(args=["users", "demo"]).output
    again = runner.invoke(args=["users", "demo"]).output  # a second `make run`
    password = again.split("password ")[1].strip()
    assert printed != again and "demo@saathi.local" in again
    visitor = Admin(app.test_client())
    assert visitor.login("demo@saathi.local", password).status_code == 302
    assert "CEMPRO" in visitor.get("/admin/").get_data(as_text=True)
    app.config["TWILIO_AUTH_TOKEN"] = "set"
    assert runner.invoke(args=["users", "demo"]).exit_code == 1


def test_a_brand_admin_invites_from_the_accounts_page(app, as_role, world):
    admin = as_role("brand-admin")
    page = admin.get("/admin/users/").get_data(as_text=True)
    assert "support@shakti.test" in page and "admin@durachem.test" not in page
    made = admin.post("/admin/users/", {"email": "rep@shakti.test", "role": "distributor-admin",
                                        "distributor": "SAITRD"}).get_data(as_text=True)
    link = made.split('<code id="invite-link">')[1].split("</code>")[0]
    path = "/admin/invite/" + link.rsplit("/admin/invite/", 1)[1]
    guest = Admin(app.test_client())
    guest.get(path)
    guest.post(path, {"password": "rep password 1"})
    assert guest.login("rep@shakti.test", "rep password 1").status_code == 302
    assert as_role("support").get("/admin/users/").status_code == 403
