"""`flask sales import` reads each kind of file distributors' systems write, credits each sale
once to the buyer it finds, and reports every row."""

from __future__ import annotations

import pytest
from sqlalchemy import event, func, select

from models.db import engine as current_engine
from models.db import unit_of_work
from models.invoices.invoice import Invoice, InvoiceStatus
from models.partners.partner import Partner, Role
from models.programs.program import Membership
from models.sales import files as sales_files
from models.sales import importer
from models.sales.tables import SalesBatch
from tests.sales.conftest import balance, gstin, import_file, sale
from tests.sales.samples import sales_csv, sales_xlsx, tally_xml


def test_tally_xml_credits_each_sale_to_the_buyer_by_gstin_phone_or_name(app, shops, tmp_path):
    # both databases: a chunk's invoices are written in bulk (ids reserved, JSON rows)
    path = tmp_path / "daybook.xml"
    path.write_bytes(tally_xml([
        sale("CE/26/001"),
        sale("CE/26/002", 5_900_00, buyer="Murugan Stores", buyer_gstin="",
             phone="9840111222", items=[("FRLS wire 1.5 sqmm", "8544", 5, 5_000_00)]),
        sale("CE/26/003", buyer="Sri Ganesh Electricals", buyer_gstin="", pincode="600017"),
        sale("CE/26/004", buyer="Unknown Traders", buyer_gstin=""),
    ]))
    result, rows = import_file(app, path)
    assert result.exit_code == 0, result.output
    assert [(r["invoice"], r["outcome"]) for r in rows] == [
        ("CE/26/001", "credited"), ("CE/26/002", "credited"), ("CE/26/003", "review"),
        ("CE/26/004", "rejected")]
    assert "4 rows" in result.output
    # MCBs are switchgear (HSN 853620): 3 credits per whole ₹1,000 of ₹11,800; wires 2.
    assert balance(shops.by_gstin, shops.program_id) == 33
    assert balance(shops.by_phone, shops.program_id) == 10
    assert balance(shops.by_name, shops.program_id) == 0
    assert "name" in rows[2]["reason"] and "no partner" in rows[3]["reason"]


def test_the_same_file_again_changes_nothing(app, shops, tmp_path):  # both databases
    path = tmp_path / "daybook.xml"
    path.write_bytes(tally_xml([sale("CE/26/001"), sale("CE/26/001")]))
    _result, first = import_file(app, path)
    _result, again = import_file(app, path)
    assert [r["outcome"] for r in first] == ["credited", "already"]
    assert [r["outcome"] for r in again] == ["already", "already"]
    assert balance(shops.by_gstin, shops.program_id) == 33
    with unit_of_work() as db:
        assert db.scalar(select(func.count(Invoice.id))) == 1
        # each run's batch is done once the command ends (its last write waits for the disk)
        assert db.scalars(select(SalesBatch.status)).all() == ["done", "done"]


@pytest.mark.parametrize("app", ["sqlite"], indirect=True)
def test_csv_with_indian_amounts_and_dates(app, shops, tmp_path):
    path = tmp_path / "register.csv"
    path.write_bytes(sales_csv([sale("CE/26/010", 1_23_456_50)]))
    result, rows = import_file(app, path)
    assert result.exit_code == 0, result.output
    assert rows[0]["outcome"] == "credited"
    with unit_of_work() as db:
        invoice = db.scalar(select(Invoice))
        assert (invoice.total_paise, invoice.status, invoice.source) == (
            1_23_456_50, InvoiceStatus.CREDITED, "csv")
        assert invoice.items[0]["hsn"] == "853620"


@pytest.mark.parametrize("app", ["sqlite"], indirect=True)
def test_xlsx_with_date_and_number_cells(app, shops, tmp_path):
    path = sales_xlsx(tmp_path / "register.xlsx", [sale("CE/26/020"), sale("CE/26/021")])
    result, rows = import_file(app, path)
    assert result.exit_code == 0, result.output
    assert [r["outcome"] for r in rows] == ["credited", "credited"]
    assert balance(shops.by_gstin, shops.program_id) == 66


@pytest.mark.parametrize("app", ["sqlite"], indirect=True)
def test_a_dry_run_reports_and_changes_nothing(app, shops, tmp_path):
    path = tmp_path / "register.csv"
    bad_gstin = "33ABCDE0001F1ZX"
    path.write_bytes(sales_csv([sale("CE/26/030"), sale("CE/26/031", buyer_gstin=bad_gstin)]))
    result, rows = import_file(app, path, "--dry-run")
    assert result.exit_code == 0, result.output
    assert [r["outcome"] for r in rows] == ["credited", "rejected"]
    assert rows[1]["reason"] == "buyer GSTIN fails its checksum"
    assert balance(shops.by_gstin, shops.program_id) == 0
    with unit_of_work() as db:
        assert db.scalar(select(func.count(Invoice.id))) == 0


@pytest.mark.parametrize("app", ["sqlite"], indirect=True)
def test_tally_control_references_and_utf16_exports_are_read(app, shops, tmp_path):
    path = tmp_path / "daybook.xml"
    body = tally_xml([sale("CE/26/060")]).replace(
        b"<ISINVOICE>Yes</ISINVOICE>", b"<NARRATION>&#4; Not Applicable</NARRATION>"
        b"<ISINVOICE>Yes</ISINVOICE>")
    path.write_bytes(body)
    result, rows = import_file(app, path)
    assert result.exit_code == 0, result.output
    path.write_bytes(tally_xml([sale("CE/26/061")], encoding="utf-16"))
    result, more = import_file(app, path)
    assert result.exit_code == 0, result.output
    assert [r["outcome"] for r in rows + more] == ["credited", "credited"]


@pytest.mark.parametrize("app", ["sqlite"], indirect=True)
def test_a_sale_rejected_on_review_is_not_imported_again(app, shops, tmp_path):
    from models import review

    path = tmp_path / "daybook.xml"
    path.write_bytes(tally_xml([sale("CE/26/070", buyer="Sri Ganesh Electricals",
                                     buyer_gstin="", pincode="600017")]))
    _result, rows = import_file(app, path)
    assert rows[0]["outcome"] == "review"
    with unit_of_work() as db:
        item = review.pending(db)[0]
        review.decide(db, item.id, approve=False, actor="test",
                      verdict={"reason": "not_buyer"})
    result, again = import_file(app, path)
    assert result.exit_code == 0, result.output
    assert (again[0]["outcome"], again[0]["reason"]) == ("already", "received before (rejected)")


def test_a_long_import_refreshes_the_planners_statistics_as_its_tables_grow(
        app, shops, tmp_path, monkeypatch):
    """PostgreSQL plans a chunk's statements from what ANALYZE last saw: on tables that a big
    file grows from nothing, plans for a few rows made the 100,000-row import take 200 s
    instead of 63 (bench/README). ANALYZE runs after 1, 2, 4, ... rows credited (here, with
    the first threshold at 1 and chunks of one row); a replay, which writes nothing, and
    SQLite run none."""
    monkeypatch.setattr(importer, "FIRST_ANALYZE", 1)
    monkeypatch.setattr(importer, "CHUNK", 1)
    ran: list[str] = []
    listen = (current_engine(), "before_cursor_execute")
    record = lambda *args: ran.append(args[2])  # noqa: E731 - (conn, cursor, statement, ...)
    event.listen(*listen, record)
    try:
        path = tmp_path / "daybook.xml"
        path.write_bytes(tally_xml([sale(f"CE/26/{n:03}") for n in range(1, 6)]))
        first, _rows = import_file(app, path)
        analyzed_first = [s for s in ran if s.startswith("ANALYZE")]
        ran.clear()
        again, rows = import_file(app, path)
    finally:
        event.remove(*listen, record)
    assert first.exit_code == again.exit_code == 0
    assert [r["outcome"] for r in rows] == ["already"] * 5
    postgres = current_engine().dialect.name == "postgresql"
    assert len(analyzed_first) == (3 if postgres else 0)  # before rows 2, 3, 5: 1, 2, 4 written
    # the tables its chunks read or point at; not those only written (ANALYZE costs)
    assert all('"invoices"' in s and '"ledger_lots"' in s for s in analyzed_first)
    assert not [s for s in analyzed_first if '"postings"' in s or '"sale_rows"' in s]
    assert not [s for s in ran if s.startswith("ANALYZE")]


def test_a_run_of_the_same_file_takes_over_the_one_killed_before_its_end(
        app, shops, tmp_path, monkeypatch):
    """An import killed mid-run (here: interrupted after its first chunk) leaves its batch
    "running"; the same file imported again says so, fails that batch with the reason, and
    credits only what was not credited."""
    path = tmp_path / "daybook.xml"
    path.write_bytes(tally_xml([sale("CE/26/001"), sale("CE/26/002")]))
    monkeypatch.setattr(importer, "CHUNK", 1)
    commit_chunk = importer._commit_chunk

    def killed_after_one(*args, **kwargs):
        if kwargs.get("careful") is False and args[4][0].sale.number == "CE/26/002":
            raise KeyboardInterrupt
        return commit_chunk(*args, **kwargs)

    monkeypatch.setattr(importer, "_commit_chunk", killed_after_one)
    with pytest.raises(KeyboardInterrupt):
        importer.run("ELEC", "CHNELEC", sales_files.lines(path, "tally", None),
                     source="tally", name=path.name, rerunnable=True)
    monkeypatch.setattr(importer, "_commit_chunk", commit_chunk)
    result, rows = import_file(app, path)
    assert result.exit_code == 0, result.output
    with unit_of_work() as db:
        killed, again = db.scalars(select(SalesBatch).order_by(SalesBatch.id)).all()
        assert (killed.status, again.status) == ("failed", "done")
        assert f"batch {again.id} imported the same file again" in killed.error
    assert f"batch {killed.id} of daybook.xml had stopped before its end" in result.output
    assert [r["outcome"] for r in rows] == ["already", "credited"]
    assert balance(shops.by_gstin, shops.program_id) == 66


def test_a_sale_to_a_gstin_two_members_declared_waits_for_a_person(app, shops, tmp_path):
    """A GSTIN is declared, never proven: one a second member copied must not send a
    distributor's sale to whichever of them joined first (QA finding F)."""
    with unit_of_work() as db:
        copier = Partner(role=Role.RETAILER, phone="+919840009999", gstin=gstin(1))
        db.add(copier)
        db.flush()
        db.add(Membership(partner_id=copier.id, program_id=shops.program_id))
    path = tmp_path / "daybook.xml"
    path.write_bytes(tally_xml([sale("CE/26/001")]))
    result, rows = import_file(app, path)
    assert result.exit_code == 0, result.output
    assert [(r["invoice"], r["outcome"]) for r in rows] == [("CE/26/001", "review")]
    assert balance(shops.by_gstin, shops.program_id) == 0
