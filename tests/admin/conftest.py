"""Admin fixtures: two brands' programs, two distributors of one brand with a shop each,
an account of every role, and a test client that logs in through the form."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from flask import Flask

from models import ledger
from models.admin import users
from models.db import engine, unit_of_work
from models.partners.partner import Partner, Role
from models.programs.program import Membership, load_file
from tests.conftest import _make_app, built_once

PROGRAMS = Path(__file__).resolve().parents[2] / "programs"
PASSWORD = "correct horse battery"
ROLES = ("brand-admin", "distributor-admin", "support", "analyst")


@dataclass
class World:
    cempro: int
    chemx: int
    own_shop: int  # a CEMPRO retailer of SAITRD
    other_shop: int  # a CEMPRO retailer of another distributor
    other_brand_shop: int  # a CHEMX retailer
    emails: dict[str, str]


def _shop(db, phone: str, program_id: int, parent_id: int | None, **fields) -> Partner:
    partner = Partner(phone=phone, role=Role.RETAILER, parent_id=parent_id, language="hi",
                      **fields)
    db.add(partner)
    db.flush()
    db.add(Membership(partner_id=partner.id, program_id=program_id))
    ledger.ensure_wallet(db, partner.id, program_id)
    db.flush()
    return partner


def app_on(backend: str, request, tmp_path) -> Iterator[Flask]:
    app = _make_app(backend, request, tmp_path)
    with app.app_context():
        yield app
        engine().dispose()


@pytest.fixture
def app(request, tmp_path) -> Iterator[Flask]:
    """SQLite only here: the admin's pages and forms behave the same on both databases, and
    the modules whose queries differ (scope, overview, review) ask for both with
    `app = both_databases`."""
    yield from app_on("sqlite", request, tmp_path)


@pytest.fixture(params=["sqlite", "postgres"])
def both_databases(request, tmp_path) -> Iterator[Flask]:
    yield from app_on(request.param, request, tmp_path)


@pytest.fixture
def world(app) -> World:
    return built_once(build_world)


def build_world() -> World:
    """Load the world into the current app's database."""
    with unit_of_work() as db:
        cempro = load_file(db, PROGRAMS / "cempro.yaml")
        chemx = load_file(db, PROGRAMS / "chemx.yaml")
        saitrd = db.query(Partner).filter_by(code="SAITRD").one()
        other = Partner(phone="+919820099999", role=Role.DISTRIBUTOR, code="OTHERD",
                        name="Other Distributor")
        db.add(other)
        db.flush()
        db.add(Membership(partner_id=other.id, program_id=cempro.id))
        own = _shop(db, "+919811100001", cempro.id, saitrd.id, name="Ramesh",
                    shop="Ramesh Hardware", pincode="411001", gstin="27AAACS1234P1Z7")
        other_shop = _shop(db, "+919811100002", cempro.id, other.id, name="Suresh",
                           shop="Suresh Cement Depot", pincode="411002")
        brand_shop = _shop(db, "+919811100003", chemx.id, None, name="Mahesh",
                           shop="Mahesh Chemicals", pincode="380001")
        emails = {}
        for role in ROLES:
            email = f"{role}@shakti.test"
            users.create(db, email=email, role=role, program_code="CEMPRO", password=PASSWORD,
                         distributor_code="SAITRD" if role == "distributor-admin" else None)
            emails[role] = email
        users.create(db, email="admin@durachem.test", role="brand-admin", program_code="CHEMX",
                     password=PASSWORD)
        emails["other-brand"] = "admin@durachem.test"
        return World(cempro.id, chemx.id, own.id, other_shop.id, brand_shop.id, emails)


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF token in the page"
    return found.group(1)


class Admin:
    """A browser-like client: it reads the CSRF token from each page it posts from."""

    def __init__(self, client) -> None:
        self.client = client
        self.token = ""

    def get(self, path: str, **kwargs):
        response = self.client.get(path, **kwargs)
        if b'name="csrf_token"' in response.data:
            self.token = csrf_of(response.get_data(as_text=True))
        return response

    def login(self, email: str, password: str = PASSWORD):
        self.get("/admin/login")
        return self.client.post("/admin/login", data={"email": email, "password": password,
                                                       "csrf_token": self.token})

    def post(self, path: str, data: dict | None = None, **kwargs):
        return self.client.post(path, data={"csrf_token": self.token, **(data or {})}, **kwargs)


@pytest.fixture
def visitor(app) -> Admin:
    return Admin(app.test_client())


@pytest.fixture
def as_role(app, world):
    """`as_role("support")`: a client logged in as that role's account."""
    def login(role: str) -> Admin:
        admin = Admin(app.test_client())
        response = admin.login(world.emails[role])
        assert response.status_code == 302, response.data
        admin.get("/admin/")
        return admin
    return login


@pytest.fixture(autouse=True)
def _quick_hashes(monkeypatch) -> None:
    """Argon2 at its cheapest: the tests check the rules, not the hash's cost."""
    monkeypatch.setattr(users, "_hasher", PasswordHasher(time_cost=1, memory_cost=8,
                                                         parallelism=1))
