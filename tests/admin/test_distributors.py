"""The distributor view: a distributor admin sees their own shops, reps, batches row by row,
vouchers to honour, review items and the leaderboard; another distributor's page or shop
answers 404, as a page and as JSON; the brand sees every distributor."""

from __future__ import annotations

from models import ledger
from models.db import unit_of_work
from models.enrollment import batches
from models.enrollment.bulk import invite_all, read_rows
from models.partners.partner import Partner
from models.programs.program import Program


def _distributors(world) -> tuple[int, int]:
    with unit_of_work() as db:
        mine = db.query(Partner).filter_by(code="SAITRD").one().id
        other = db.query(Partner).filter_by(code="OTHERD").one().id
    return mine, other


def _batch(world) -> None:
    """A SAITRD rep sends two rows: one new shop and one bad phone."""
    with unit_of_work() as db:
        saitrd = db.query(Partner).filter_by(code="SAITRD").one()
        rep = Partner(phone="+919822200001", role="distributor_rep", parent_id=saitrd.id,
                      name="Rep Ravi")
        db.add(rep)
        db.flush()
        program = db.get(Program, world.cempro)
        result = invite_all(db, rep=rep, program=program, rows=read_rows(
            "Ganesh,9822233344,Ganesh Traders,411005\nBadrow,12345,Bad Shop,411006"),
            language_of=lambda _: "hi")
        batches.record(db, rep, program.id, result)


def test_a_distributor_admin_sees_their_shops_batches_and_leaderboard(clock, as_role, world):
    _batch(world)
    with unit_of_work() as db:
        ledger.earn(db, partner_id=world.own_shop, program_id=world.cempro, credits=40,
                    cause="invoice", cause_ref="inv-1", key="d1", description="invoice",
                    apply_tier_multiplier=False)
    mine, other = _distributors(world)
    admin = as_role("distributor-admin")
    assert admin.get("/admin/distributors").headers["Location"].endswith(
        f"/admin/distributors/{mine}")
    page = admin.get(f"/admin/distributors/{mine}").get_data(as_text=True)
    assert "Ramesh Hardware" in page and "Rep Ravi" in page and "Ganesh" in page
    assert "Suresh Cement Depot" not in page
    body = admin.get(f"/admin/api/distributors/{mine}").get_json()
    assert body["leaderboard"] == [{"partner_id": world.own_shop, "shop": "Ramesh Hardware",
                                    "credits": 40}]
    rows = body["batches"][0]["rows"]
    assert [r["status"] for r in rows] == ["created", "invalid_phone"]
    assert admin.get(f"/admin/distributors/{other}").status_code == 404
    assert admin.get(f"/admin/api/distributors/{other}").status_code == 404
    assert admin.get(f"/admin/partners/{world.other_shop}").status_code == 404
    assert admin.get(f"/admin/api/partners/{world.other_shop}").status_code == 404


def test_the_brand_sees_every_distributor_and_hindi_labels(as_role, world):
    mine, other = _distributors(world)
    brand = as_role("brand-admin")
    listing = brand.get("/admin/distributors").get_data(as_text=True)
    assert "Other Distributor" in listing
    assert brand.get(f"/admin/api/distributors/{other}").status_code == 200
    brand.get("/admin/lang/hi")
    assert "इस महीने" in brand.get(f"/admin/distributors/{mine}").get_data(as_text=True)
    other_brand = as_role("other-brand")
    assert other_brand.get(f"/admin/distributors/{mine}").status_code == 404
