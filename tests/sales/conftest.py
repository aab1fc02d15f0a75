"""Sales fixtures: ELEC (distributor Chennai Electricals, whose sales register columns are in
programs/elec.yaml) with three member shops, and a runner for `flask sales …`."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest

from models import ledger
from models.db import unit_of_work
from models.partners.partner import Partner, Role
from models.programs.program import Membership, load_file
from tests.conftest import built_once
from tests.sales.samples import Voucher, gstin

PROGRAMS = Path(__file__).resolve().parents[2] / "programs"
RECENT = date.today() - timedelta(days=3)


@dataclass
class Shops:
    program_id: int
    by_gstin: int  # a shop with a GSTIN
    by_phone: int  # one without, known by its phone
    by_name: int  # one known by its name at PIN 600017
    phone: str = "+919840111222"


@pytest.fixture
def shops(app) -> Shops:
    """ELEC and its three shops, built once per process and copied (tests/conftest.py
    built_once)."""
    return built_once(add_shops)


def add_shops() -> Shops:
    with unit_of_work() as db:
        program = load_file(db, PROGRAMS / "elec.yaml")
        made = []
        for n, values in enumerate([
                {"gstin": gstin(1), "name": "Lakshmi Electricals", "language": "ta"},
                {"phone": "+919840111222", "name": "Murugan Stores", "language": "en"},
                {"name": "Sri Ganesh Electrical Agencies", "pincode": "600017", "language": "hi"}]):
            partner = Partner(role=Role.RETAILER, **{"phone": f"+91984000{n:04d}", **values})
            db.add(partner)
            db.flush()
            db.add(Membership(partner_id=partner.id, program_id=program.id))
            ledger.ensure_wallet(db, partner.id, program.id)
            made.append(partner.id)
        return Shops(program.id, *made)


def sale(number: str, paise: int = 11_800_00, **values) -> Voucher:
    """A sale to the GSTIN shop of one MCB line, three days ago, unless told otherwise."""
    values.setdefault("buyer", "Lakshmi Electricals")
    values.setdefault("buyer_gstin", gstin(1))
    values.setdefault("items", [("Voltix MCB 32A", "853620", 40, paise * 100 // 118)])
    return Voucher(number=number, day=values.pop("day", RECENT), total_paise=paise, **values)


def import_file(app, path: Path, *args: str):
    """Run `flask sales import`; return (result, report rows as dicts)."""
    result = app.test_cli_runner().invoke(args=["sales", "import", str(path), "--distributor",
                                                "CHNELEC", *args])
    report = path.with_name(path.name + ".report.csv")
    rows = list(csv.DictReader(report.open(encoding="utf-8"))) if report.exists() else []
    return result, rows


def balance(partner_id: int, program_id: int) -> int:
    with unit_of_work() as db:
        return ledger.wallet_balance(db, partner_id, program_id).balance
