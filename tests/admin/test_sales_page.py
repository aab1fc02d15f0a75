"""A distributor's sales data on its admin page: a sales file uploaded (the same import as
`flask sales import`) with its per-row report as CSV, a dry run that changes nothing, API keys
made (shown once) and revoked (the API refuses the key at once); each change in the audit log;
the distributor admin acts for their own distributor only, the analyst only reads."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta

from models.admin.audit import AuditEntry
from models.db import unit_of_work
from models.partners.partner import Partner
from models.sales.tables import SaleRow, SalesBatch
from tests.sales.samples import Voucher, tally_xml

OWN_GSTIN = "27AAACS1234P1Z7"  # the world's own shop (SAITRD's retailer) has this GSTIN
DAY = date.today() - timedelta(days=3)


def _ids() -> tuple[int, int]:
    with unit_of_work() as db:
        return (db.query(Partner).filter_by(code="SAITRD").one().id,
                db.query(Partner).filter_by(code="OTHERD").one().id)


def _file() -> tuple[io.BytesIO, str]:
    vouchers = [Voucher("ST/1", DAY, 59_000_00, buyer="Ramesh Hardware", buyer_gstin=OWN_GSTIN,
                        items=[("Shakti OPC 53 grade", "25232910", 100, 50_000_00)]),
                Voucher("ST/2", DAY, 11_800_00, buyer="Nobody", buyer_gstin="27AAACS1234P1ZX")]
    return io.BytesIO(tally_xml(vouchers)), "register.xml"


def _upload(admin, distributor: int, **form):
    page = f"/admin/distributors/{distributor}"
    admin.get(page)
    return admin.post(f"{page}/sales", {"file": _file(), **form},
                      content_type="multipart/form-data")


def _actions() -> list[str]:
    with unit_of_work() as db:
        return [e.action for e in db.query(AuditEntry).order_by(AuditEntry.id)
                if e.action.startswith("sales.")]


def test_a_distributor_admin_uploads_a_file_and_downloads_its_report(as_role, world):
    mine, other = _ids()
    admin = as_role("distributor-admin")
    page = admin.get(f"/admin/distributors/{mine}").get_data(as_text=True)
    assert "Sales data" in page and 'name="file"' in page
    response = _upload(admin, mine)
    assert response.status_code == 302
    page = admin.get(f"/admin/distributors/{mine}").get_data(as_text=True)
    assert "register.xml (tally)" in page and "credited 1, rejected 1" in page
    with unit_of_work() as db:
        batch = db.query(SalesBatch).one()
    report = admin.get(f"/admin/distributors/{mine}/sales/{batch.id}.csv")
    assert report.headers["Content-Disposition"].endswith(f'sales-SAITRD-{batch.id}.csv"')
    rows = list(csv.DictReader(io.StringIO(report.get_data(as_text=True))))
    assert [(r["invoice"], r["outcome"], r["reason"]) for r in rows] == [
        ("ST/1", "credited", "buyer matched by gstin"),
        ("ST/2", "rejected", "buyer GSTIN fails its checksum")]
    assert rows[0]["partner_id"] == str(world.own_shop) and int(rows[0]["credits"]) > 0
    assert _actions() == ["sales.import"]
    # another distributor's page, upload and report answer as if they did not exist
    assert _upload(admin, other).status_code == 404
    assert admin.get(f"/admin/distributors/{other}/sales/{batch.id}.csv").status_code == 404
    # without the CSRF token the upload is refused
    refused = admin.client.post(f"/admin/distributors/{mine}/sales", data={"file": _file()},
                                content_type="multipart/form-data")
    assert refused.status_code == 400
    with unit_of_work() as db:
        assert db.query(SalesBatch).count() == 1


def test_a_dry_run_reports_every_row_and_changes_nothing(as_role, world):
    mine, _other = _ids()
    admin = as_role("brand-admin")
    refused = admin.post(f"/admin/distributors/{mine}/sales",
                         {"file": (io.BytesIO(b"notes"), "notes.txt")},
                         content_type="multipart/form-data")
    assert refused.status_code == 302
    page = admin.get(f"/admin/distributors/{mine}").get_data(as_text=True)
    assert "unknown kind of file &#39;.txt&#39;" in page
    response = _upload(admin, mine, dry_run="1")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "nothing was changed" in page
    assert "ST/1" in page and "buyer GSTIN fails its checksum" in page
    with unit_of_work() as db:
        assert db.query(SalesBatch).count() == db.query(SaleRow).count() == 0
    assert _actions() == ["sales.dry_run"]


def test_an_api_key_is_shown_once_and_revoking_it_stops_the_api(app, as_role, world):
    mine, _other = _ids()
    admin = as_role("brand-admin")
    admin.get(f"/admin/distributors/{mine}")
    made = admin.post(f"/admin/distributors/{mine}/api-keys")
    assert made.status_code == 200 and made.headers["Cache-Control"] == "no-store"
    key = re.search(r"sk_[\w-]+", made.get_data(as_text=True)).group(0)
    prefix = key.split("_")[1]
    page = admin.get(f"/admin/distributors/{mine}").get_data(as_text=True)
    assert f"sk_{prefix}_…" in page and key not in page  # listed by its prefix only
    api = app.test_client()
    sale = {"number": "API/1", "date": DAY.isoformat(), "amount": "59,000.00",
            "buyer": {"gstin": OWN_GSTIN},
            "items": [{"name": "Shakti OPC 53 grade", "hsn": "25232910", "quantity": 100}]}
    pushed = api.post("/api/v1/sales", json={"sales": [sale]},
                      headers={"Authorization": f"Bearer {key}"})
    assert pushed.status_code == 200 and pushed.get_json()["results"][0]["outcome"] == "credited"
    revoked = admin.post(f"/admin/distributors/{mine}/api-keys/{prefix}/revoke")
    assert revoked.status_code == 302
    again = api.post("/api/v1/sales", json={"sales": [{**sale, "number": "API/2"}]},
                     headers={"Authorization": f"Bearer {key}"})
    assert again.status_code == 401
    assert "Revoked" in admin.get(f"/admin/distributors/{mine}").get_data(as_text=True)
    assert _actions() == ["sales.api_key_create", "sales.api_key_revoke"]
    assert admin.post(f"/admin/distributors/{mine}/api-keys/nosuch/revoke").status_code == 404


def test_roles_each_see_and_do_what_they_may(as_role, world):
    mine, _other = _ids()
    own = as_role("distributor-admin")
    own.get(f"/admin/distributors/{mine}")
    made = own.post(f"/admin/distributors/{mine}/api-keys")
    prefix = re.search(r"sk_([0-9a-f]+)_", made.get_data(as_text=True)).group(1)
    for role in ("analyst", "support"):
        admin = as_role(role)
        page = admin.get(f"/admin/distributors/{mine}").get_data(as_text=True)
        assert f"sk_{prefix}_…" in page  # they see the keys and imports ...
        assert 'name="file"' not in page and "/revoke" not in page  # ... and no controls
        assert _upload(admin, mine).status_code == 403
        assert admin.post(f"/admin/distributors/{mine}/api-keys").status_code == 403
        assert admin.post(f"/admin/distributors/{mine}/api-keys/{prefix}/revoke"
                          ).status_code == 403
    other_brand = as_role("other-brand")
    assert other_brand.get(f"/admin/distributors/{mine}").status_code == 404
    assert _upload(other_brand, mine).status_code == 404
    assert other_brand.post(f"/admin/distributors/{mine}/api-keys").status_code == 404
    brand = as_role("brand-admin")
    brand.get("/admin/lang/hi")
    assert "बिक्री डेटा" in brand.get(f"/admin/distributors/{mine}").get_data(as_text=True)
