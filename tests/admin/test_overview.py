"""A program's overview: figures for a date range, two SVG charts drawn on the server (no
script, no CDN), each table as a CSV; a distributor admin's figures count only their shops."""

from __future__ import annotations

import csv
import io

import pytest

from models import ledger
from models.db import unit_of_work
from tests.admin.test_review import unsure_invoice
from workers import figures


@pytest.fixture
def app(both_databases):
    """Both databases: the scope and figure queries are SQL that differs between them."""
    return both_databases



def _csv(response) -> dict[str, list[str]]:
    assert response.status_code == 200, response.status_code
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    return {row[0]: row[1:] for row in rows[1:]}


def test_the_overview_shows_figures_charts_and_csv(clock, as_role, world, twilio):
    item = unsure_invoice(world, twilio)
    with unit_of_work() as db:
        ledger.adjust(db, partner_id=world.other_shop, program_id=world.cempro, credits=70,
                      key="a1", reason="welcome", actor="test")
    admin = as_role("brand-admin")
    admin.get(f"/admin/queue/{item.id}")
    admin.post(f"/admin/queue/{item.id}", {"decision": "approve"})
    figures.refresh()  # the periodic job counts again (the login's overview counted before)
    page = admin.get("/admin/overview/CEMPRO?from=2026-03-01&to=2026-03-12")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and html.count("<svg") == 2 and "<script" not in html
    credits = _csv(admin.get("/admin/overview/CEMPRO/credits.csv?from=2026-03-01&to=2026-03-12"))
    with unit_of_work() as db:
        earned = ledger.wallet_balance(db, world.own_shop, world.cempro).balance
    assert credits["issued"][0] == str(earned + 70)
    assert credits["outstanding"] == [str(earned + 70), str((earned + 70) * 200)]  # ₹2 each
    funnel = _csv(admin.get("/admin/overview/CEMPRO/funnel.csv?from=2026-03-01&to=2026-03-12"))
    assert funnel["first earn"] == ["1"]  # the adjustment is not an earn
    mine = as_role("distributor-admin")
    scoped = _csv(mine.get("/admin/overview/CEMPRO/credits.csv?from=2026-03-01&to=2026-03-12"))
    assert scoped["outstanding"][0] == str(earned)
    cohorts = _csv(admin.get("/admin/overview/CEMPRO/cohorts.csv"))
    assert list(cohorts) == ["2026-03"]


def test_a_bad_range_or_another_brands_program_is_refused(as_role, world):
    admin = as_role("brand-admin")
    assert admin.get("/admin/overview/CHEMX").status_code == 404
    assert admin.get("/admin/overview/CEMPRO?from=2026-13-01").status_code == 400
    assert admin.get("/admin/overview/CEMPRO?from=2025-01-01&to=2026-03-01").status_code == 400
    assert admin.get("/admin/overview/CEMPRO/nothing.csv").status_code == 404
