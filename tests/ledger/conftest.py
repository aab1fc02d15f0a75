"""Ledger fixtures: the demo programs loaded, and partners with wallets."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from models import ledger
from models.db import unit_of_work
from models.partners.partner import Partner, Role
from models.programs.program import Program, load_file, load_spec
from models.programs.schema import read_file
from tests.conftest import built_once

PROGRAMS = Path(__file__).resolve().parents[2] / "programs"


@pytest.fixture
def programs(app, db) -> dict[str, Program]:
    """Load the four demo programs (committed, built once per process: tests/conftest.py
    built_once); return them by code, in the test's session."""
    ids = built_once(load_programs)
    return {code: db.get(Program, program_id) for code, program_id in ids.items()}


def load_programs() -> dict[str, int]:
    with unit_of_work() as session:
        loaded = [load_file(session, path) for path in sorted(PROGRAMS.glob("*.yaml"))]
        return {program.code: program.id for program in loaded}


@pytest.fixture
def make_program(db) -> Callable[..., Program]:
    """Load a variant of a demo program: `make_program("CEMPRO", code="T1", budget=...)`."""

    def make(base: str = "CEMPRO", **changes) -> Program:
        spec = read_file(PROGRAMS / f"{base.lower()}.yaml")
        data = spec.model_dump(mode="json", exclude_none=True)
        data.update(changes)
        data.setdefault("distributors", [])
        if changes.get("code"):
            data["distributors"] = []
            data["sponsor"] = {"manufacturer": "Test"}
            for section in ("catalog", "tracks"):  # other areas' sections, tied to the base
                if section not in changes:
                    data.pop(section, None)
        from models.programs.schema import parse

        return load_spec(db, parse(data))

    return make


_counter = iter(range(10_000))


@pytest.fixture
def make_partner(db) -> Callable[..., Partner]:
    """Create a retailer (with a wallet in `program`, if given)."""

    def make(program: Program | None = None, **fields) -> Partner:
        n = next(_counter)
        partner = Partner(phone=f"+9198{n:08d}", role=Role.RETAILER, name=f"Retailer {n}",
                          **fields)
        db.add(partner)
        db.flush()
        if program is not None:
            ledger.ensure_wallet(db, partner.id, program.id)
        return partner

    return make
