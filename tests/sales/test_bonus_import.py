"""An imported sale earns a running bonus campaign's extra credits like a partner's photo: the
bulk credit of a chunk reads the program's campaigns once and pays each invoice's bonus."""

from __future__ import annotations

import pytest

from models.db import unit_of_work
from models.programs.program import Program
from tests.campaigns.test_bonus import bonus_campaign, entries
from tests.sales.conftest import import_file, sale
from tests.sales.samples import tally_xml

pytestmark = pytest.mark.parametrize("app", ["sqlite"], indirect=True)


def test_an_imported_sale_earns_a_running_bonus(app, shops, tmp_path, clock):
    with unit_of_work() as db:
        program = db.get(Program, shops.program_id)
    campaign = bonus_campaign(program, "ELEC-BONUS", fixed=7)  # for partners speaking English
    path = tmp_path / "daybook.xml"
    path.write_bytes(tally_xml([
        sale("CE/26/300"),  # the Tamil-speaking shop: no bonus
        sale("CE/26/301", buyer="Murugan Stores", buyer_gstin="", phone="9840111222")]))
    result, rows = import_file(app, path)
    assert result.exit_code == 0, result.output
    assert [r["outcome"] for r in rows] == ["credited", "credited"]
    assert entries(shops.by_phone) == [("invoice", 33, "CE/26/301"),
                                       ("bonus", 7, f"campaign:{campaign}")]
    assert [cause for cause, *_ in entries(shops.by_gstin)] == ["invoice"]
