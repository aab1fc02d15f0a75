"""CSV downloads: what the table shows, scoped like the page, and safe in a spreadsheet."""

from __future__ import annotations

import csv
import io

from bot.web.admin_csv import safe_cell
from models.db import unit_of_work
from models.partners.partner import Partner


def _rows(response) -> list[list[str]]:
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def test_cells_that_start_like_a_formula_are_written_as_text():
    assert [safe_cell(v) for v in ("=1+1", "+91", "-5", "@SUM(A1)", "\t=x", "ok", -5, None)
            ] == ["'=1+1", "'+91", "'-5", "'@SUM(A1)", "'\t=x", "ok", "-5", ""]


def test_the_partner_list_downloads_within_scope_and_escaped(as_role, world):
    with unit_of_work() as db:
        db.get(Partner, world.own_shop).shop = '=HYPERLINK("http://evil.test","x")'
    rows = _rows(as_role("distributor-admin").get("/admin/partners.csv"))
    assert rows[0] == ["id", "phone", "name", "shop", "pincode", "gstin", "status"]
    assert [r[1] for r in rows[1:]] == ["'+919811100001"]
    assert rows[1][3] == "'=HYPERLINK(\"http://evil.test\",\"x\")"


def test_a_partners_ledger_downloads_and_another_distributors_is_404(as_role, world):
    admin = as_role("brand-admin")
    admin.get(f"/admin/partners/{world.own_shop}")
    admin.post(f"/admin/partners/{world.own_shop}/adjust",
               {"program": str(world.cempro), "credits": "25", "reason": "@bonus"})
    rows = _rows(admin.get(f"/admin/partners/{world.own_shop}/entries.csv"))
    assert rows[1][0] == "CEMPRO" and rows[1][3:6] == ["25", "adjustment", "'@bonus"]
    other = as_role("distributor-admin")
    assert other.get(f"/admin/partners/{world.other_shop}/entries.csv").status_code == 404
