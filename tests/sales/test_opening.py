"""`flask ledger import-balances`: a brand's old program moved over, partners matched or
enrolled, each balance posted once with its expiry date, and the totals reconcile."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from models.db import unit_of_work
from models.ledger.tables import Lot
from models.partners.partner import Partner
from tests.sales.conftest import balance

pytestmark = pytest.mark.parametrize("app", ["sqlite"], indirect=True)
LATER = (date.today() + timedelta(days=200)).strftime("%d-%m-%Y")
FILE = f"""ref,phone,name,shop,pincode,language,credits,expires
OLD-1,+91 98400 00000,Lakshmi,Lakshmi Electricals,600001,ta,"1,250",{LATER}
OLD-2,9840555666,Anbu,Anbu Traders,600020,ta,400,
OLD-3,12345,Nobody,,,,100,
OLD-4,9840555667,Old Lots,,,,50,01-01-2020
"""


def test_balances_are_imported_once_and_reconcile(app, shops, tmp_path):
    path = tmp_path / "old-program.csv"
    path.write_text(FILE)
    runner = app.test_cli_runner()
    first = runner.invoke(args=["ledger", "import-balances", str(path), "--program", "ELEC"])
    assert first.exit_code == 0, first.output
    assert "4 rows: 2 posted, 2 rejected; partners 1 created, 1 matched" in first.output
    assert "credits in the file 1650 = posted now 1650 + posted before 0: balanced" in \
        first.output
    again = runner.invoke(args=["ledger", "import-balances", str(path), "--program", "ELEC"])
    assert again.exit_code == 0, again.output
    assert "credits in the file 1650 = posted now 0 + posted before 1650: balanced; the " \
        "migration account has given 1650 in all" in again.output
    assert balance(shops.by_gstin, shops.program_id) == 1250  # matched by phone
    with unit_of_work() as db:
        anbu = db.scalar(select(Partner).where(Partner.phone == "+919840555666"))
        assert (anbu.name, anbu.shop, anbu.language) == ("Anbu", "Anbu Traders", "ta")
        lot = db.scalar(select(Lot).order_by(Lot.id))
        assert lot.expires_at.date() == date.today() + timedelta(days=200)
    assert balance(anbu.id, shops.program_id) == 400
    report = (tmp_path / "old-program.csv.report.csv").read_text()
    assert "these credits expired already" in report and "phone is not a valid number" in report
