"""Scan fixtures: two programs (QRA with partners, QRB joined by nobody), partners, batches."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from models import ledger, yamltext
from models.codes import tables as qr
from models.codes.format import group
from models.db import unit_of_work
from models.partners.partner import Partner, Role
from models.programs.program import Membership, Program, load_spec
from models.programs.schema import parse
from tests.conftest import built_once

PROGRAMS = Path(__file__).resolve().parents[2] / "programs"
QR_RULES = {"max_scans_per_minute": 3, "max_speed_kmh": 200, "max_failed_attempts": 3,
            "failed_window_minutes": 60, "location_window_minutes": 10}


def program_spec(code: str) -> dict:
    data = yamltext.load_shared((PROGRAMS / "cempro.yaml").read_text())
    data.update(code=code, name=f"{code} test", distributors=[], qr=QR_RULES,
                sponsor={"manufacturer": "Test"})
    return data


def add_programs(session) -> dict[str, Program]:
    return {code: load_spec(session, parse(program_spec(code))) for code in ("QRA", "QRB")}


_numbers = iter(range(10_000))


def add_partner(session, programs: dict[str, Program], *codes: str, **fields) -> Partner:
    """A retailer in QRA (or the programs given), with a wallet there."""
    fields.setdefault("region", "Maharashtra")
    fields.setdefault("pincode", "400001")
    partner = Partner(phone=f"+9198{next(_numbers):08d}", role=Role.RETAILER, **fields)
    session.add(partner)
    session.flush()
    for code in codes or ("QRA",):
        session.add(Membership(partner_id=partner.id, program_id=programs[code].id))
        ledger.ensure_wallet(session, partner.id, programs[code].id)
    session.flush()
    return partner


def add_batch(session, program: Program, name: str = "B1", *, count: int = 5,
              credits: int = 10, region: str | None = None) -> list[str]:
    """Create a batch; return its codes as printed (XXXX-XXXX-XXXX-XXXX)."""
    batch = qr.create_batch(session, program=program, name=name, count=count, credits=credits,
                            region=region)
    return [group(code) for _serial, code in qr.batch_codes(batch)]


def _load_programs() -> dict[str, int]:
    with unit_of_work() as session:
        return {code: program.id for code, program in add_programs(session).items()}


@pytest.fixture
def programs(app, db) -> dict[str, Program]:
    """QRA and QRB, committed and built once per process (tests/conftest.py built_once), in
    the test's session."""
    return {code: db.get(Program, program_id)
            for code, program_id in built_once(_load_programs).items()}


@pytest.fixture
def make_partner(db, programs) -> Callable[..., Partner]:
    return lambda *codes, **fields: add_partner(db, programs, *codes, **fields)


@pytest.fixture
def make_batch(db, programs) -> Callable[..., list[str]]:
    def make(name: str = "B1", *, program: str = "QRA", **kwargs) -> list[str]:
        return add_batch(db, programs[program], name, **kwargs)

    return make
