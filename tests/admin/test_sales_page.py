"""A distributor's sales data on its admin page: a sales file uploaded (the same import as
`flask sales import`, run by a job whose progress the page shows) with its per-row report as
CSV, a file that cannot be read failing its batch with the reason, an import stopped midway
going on from where it stopped, a dry run that changes nothing, API keys
made (shown once) and revoked (the API refuses the key at once); each change in the audit log;
the distributor admin acts for their own distributor only, the analyst only reads."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta

import pytest
from rq import SimpleWorker
from sqlalchemy.exc import OperationalError

from bot import jobs, media
from bot.jobs.names import TIMEOUTS, Job
from models.admin.audit import AuditEntry
from models.db import unit_of_work
from models.invoices.invoice import Invoice
from models.ledger.tables import JournalEntry
from models.partners.partner import Partner
from models.sales import importer
from models.sales.tables import BatchStatus, SaleRow, SalesBatch
from tests.sales.samples import Voucher, tally_xml
from workers import sales_import

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


def _upload(admin, distributor: int, file=None, *, close: bool = True, **form):
    """Upload a file; closing the response runs its import job, as a real server does."""
    page = f"/admin/distributors/{distributor}"
    admin.get(page)
    response = admin.post(f"{page}/sales", {"file": file or _file(), **form},
                          content_type="multipart/form-data")
    if close:
        response.close()
    return response


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
    assert "Imported" in page
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


def _batch() -> SalesBatch:
    [batch] = _batches()
    return batch


def _entries() -> int:
    with unit_of_work() as db:
        return db.query(JournalEntry).count()


def _batches() -> list[SalesBatch]:
    with unit_of_work() as db:
        return db.query(SalesBatch).order_by(SalesBatch.id).all()


def test_an_upload_waits_for_its_job_and_the_page_shows_how_far_it_is(app, as_role, world):
    mine, _other = _ids()
    admin = as_role("distributor-admin")
    response = _upload(admin, mine, close=False)
    assert response.status_code == 302 and response.headers["Location"].endswith("#sales")
    queued = _batch()
    assert (queued.status, queued.rows, queued.total) == (BatchStatus.QUEUED, 0, 3)
    page = admin.get(f"/admin/distributors/{mine}").get_data(as_text=True)
    assert "being imported" in page and "Waiting to import" in page and "0 / ~3" in page
    assert f"/sales/{queued.id}.csv" not in page  # no report before the rows are in
    stored = media.kept(queued.file)
    assert stored.is_file()
    assert app.test_client().get(f"/media/{queued.file}").status_code == 404  # never served
    response.close()  # the response is sent: the job runs
    done = _batch()
    assert (done.status, done.rows, done.file, done.error) == (BatchStatus.DONE, 2, None, None)
    assert not stored.exists()  # the file is not kept once imported
    page = admin.get(f"/admin/distributors/{mine}").get_data(as_text=True)
    assert "Imported" in page and f"/sales/{done.id}.csv" in page and "/ ~3" not in page


def test_with_redis_the_upload_is_a_job_for_the_worker(app, as_role, world, redis_url):
    mine, _other = _ids()
    app.config["REDIS_URL"] = redis_url
    try:
        _upload(as_role("distributor-admin"), mine)
        [job] = jobs.queue().jobs
        assert job.timeout == TIMEOUTS[Job.IMPORT_SALES] > 180  # longer than RQ's default
        assert _batch().status == BatchStatus.QUEUED
        SimpleWorker([jobs.queue()], connection=jobs.redis_connection()).work(burst=True)
        assert (_batch().status, _batch().rows) == (BatchStatus.DONE, 2)
    finally:
        jobs.queue().empty()


def test_a_file_that_cannot_be_read_fails_its_batch_with_the_reason(as_role, world):
    mine, _other = _ids()
    admin = as_role("brand-admin")
    broken = (io.BytesIO(b"<ENVELOPE><BODY><VOUCHER>"), "broken.xml")
    assert _upload(admin, mine, broken).status_code == 302
    batch = _batch()
    assert batch.status == BatchStatus.FAILED and batch.file is None
    assert "not well-formed" in batch.error
    page = admin.get(f"/admin/distributors/{mine}")
    assert page.status_code == 200
    assert "Failed" in page.get_data(as_text=True)
    assert "the XML file is not well-formed" in page.get_data(as_text=True)


def test_an_import_stopped_midway_goes_on_from_where_it_stopped(as_role, world, monkeypatch):
    mine, _other = _ids()
    admin = as_role("distributor-admin")
    _upload(admin, mine, close=False)  # queued; its job is run by hand below
    batch_id = _batch().id
    commit, calls = importer._commit_chunk, []

    def second_fails(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise OperationalError("INSERT", {}, Exception("server closed the connection"))
        return commit(*args, **kwargs)

    monkeypatch.setattr(importer, "CHUNK", 1)
    monkeypatch.setattr(importer, "_commit_chunk", second_fails)
    with pytest.raises(OperationalError):
        sales_import.import_file(batch_id)
    stopped = _batch()
    assert (stopped.status, stopped.rows) == (BatchStatus.FAILED, 1)
    assert "stopped after 1 rows (OperationalError)" in stopped.error
    assert media.kept(stopped.file).is_file()  # kept for the retry
    assert "upload the same file again" in \
        admin.get(f"/admin/distributors/{mine}").get_data(as_text=True)
    sales_import.import_file(batch_id)  # the job's retry
    done = _batch()
    assert (done.status, done.rows, done.error) == (BatchStatus.DONE, 2, None)
    with unit_of_work() as db:
        rows = [(r.number, r.outcome) for r in db.query(SaleRow).order_by(SaleRow.row)]
    assert rows == [("ST/1", "credited"), ("ST/2", "rejected")]  # each row once
    sales_import.import_file(batch_id)  # a copy of the job sent again: nothing to do
    assert _batch().rows == 2


def test_a_dry_run_reports_every_row_and_changes_nothing(as_role, world):
    """A dry run is checked by the job, not in the request (a year of sales would outlast
    it): its batch says so on the page, its CSV says what each row would do, and nothing
    is credited or claimed."""
    mine, _other = _ids()
    entries = _entries()
    admin = as_role("brand-admin")
    refused = admin.post(f"/admin/distributors/{mine}/sales",
                         {"file": (io.BytesIO(b"notes"), "notes.txt")},
                         content_type="multipart/form-data")
    assert refused.status_code == 302
    page = admin.get(f"/admin/distributors/{mine}").get_data(as_text=True)
    assert "unknown kind of file &#39;.txt&#39;" in page
    response = _upload(admin, mine, dry_run="1")
    assert response.status_code == 302
    page = admin.get(f"/admin/distributors/{mine}").get_data(as_text=True)
    assert "being checked: nothing will change" in page
    assert "Checked only: nothing was changed." in page
    assert "<td>Checked</td>" in page and "Imported" not in page
    [batch] = _batches()
    assert (batch.dry_run, batch.status, batch.rows, batch.file) == (True, BatchStatus.DONE, 2,
                                                                     None)
    report = admin.get(f"/admin/distributors/{mine}/sales/{batch.id}.csv")
    lines = list(csv.reader(io.StringIO(report.get_data(as_text=True))))
    assert [line[1:3] for line in lines[1:]] == [["ST/1", "credited"], ["ST/2", "rejected"]]
    assert "buyer GSTIN fails its checksum" in lines[2][3]
    with unit_of_work() as db:
        assert db.query(Invoice).count() == 0
        assert db.query(SaleRow).filter(SaleRow.key.is_not(None)).count() == 0
    assert not list(media.kept(media.SALES).iterdir())  # the file went with its job
    assert _actions() == ["sales.dry_run"] and _entries() == entries
    _upload(admin, mine)  # the real import afterwards credits as if no check had run
    with unit_of_work() as db:
        assert [i.number for i in db.query(Invoice)] == ["ST/1"]
    assert _entries() > entries


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
