"""Files that are malformed or hostile are refused whole, or row by row, with the reason in
the distributor's report: never a traceback, never a half-written ledger."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from models.db import unit_of_work
from models.invoices.invoice import Invoice
from tests.sales.conftest import import_file, sale
from tests.sales.samples import sales_csv, sales_xlsx

pytestmark = pytest.mark.parametrize("app", ["sqlite"], indirect=True)

BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<ENVELOPE><BODY><IMPORTDATA><REQUESTDATA><TALLYMESSAGE><VOUCHER>
<VOUCHERTYPENAME>Sales</VOUCHERTYPENAME><VOUCHERNUMBER>&lol3;</VOUCHERNUMBER>
</VOUCHER></TALLYMESSAGE></REQUESTDATA></IMPORTDATA></BODY></ENVELOPE>"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE e [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<ENVELOPE><BODY><IMPORTDATA><REQUESTDATA><TALLYMESSAGE><VOUCHER>
<VOUCHERTYPENAME>Sales</VOUCHERTYPENAME><VOUCHERNUMBER>&secret;</VOUCHERNUMBER>
</VOUCHER></TALLYMESSAGE></REQUESTDATA></IMPORTDATA></BODY></ENVELOPE>"""


def _invoices() -> int:
    with unit_of_work() as db:
        return db.scalar(select(func.count(Invoice.id)))


@pytest.mark.parametrize("body", [BOMB, XXE], ids=["billion-laughs", "external-entity"])
def test_an_xml_bomb_or_external_entity_is_refused_unread(app, shops, tmp_path, body):
    path = tmp_path / "daybook.xml"
    path.write_bytes(body)
    result, _rows = import_file(app, path)
    assert result.exit_code == 1
    assert "declares a DTD or entities, which are refused" in result.output
    assert _invoices() == 0


def test_a_broken_xml_file_says_where(app, shops, tmp_path):
    path = tmp_path / "daybook.xml"
    path.write_bytes(b"<ENVELOPE><BODY><VOUCHER></BODY>")
    result, _rows = import_file(app, path)
    assert result.exit_code == 1 and "not well-formed (mismatched tag: line 1" in result.output


def test_a_file_over_the_size_limit_is_refused_before_reading(app, shops, tmp_path):
    path = tmp_path / "huge.csv"
    with path.open("wb") as out:  # 50 MB, sparse: nothing is written to disk
        out.truncate(50 * 1024 * 1024)
    app.config["SALES_FILE_MAX_MB"] = 32
    result, _rows = import_file(app, path)
    assert result.exit_code == 1 and "larger than 32 MB: split it" in result.output


def test_a_csv_in_another_encoding_is_refused_and_utf16_is_read(app, shops, tmp_path):
    path = tmp_path / "register.csv"
    path.write_bytes(sales_csv([sale("CE/26/040", buyer="Ganesh Électricals")], "cp1252"))
    result, _rows = import_file(app, path)
    assert result.exit_code == 1 and "not UTF-8" in result.output and _invoices() == 0
    path.write_bytes(sales_csv([sale("CE/26/040", buyer="கணேஷ் எலக்ட்ரிக்கல்ஸ்")], "utf-16"))
    result, rows = import_file(app, path)
    assert result.exit_code == 0 and rows[0]["outcome"] == "credited"


def test_formula_cells_and_bad_values_are_refused_row_by_row(app, shops, tmp_path):
    path = sales_xlsx(tmp_path / "register.xlsx", [sale("CE/26/050")], extra_rows=[
        ["CE/26/051", "20/11/2026", "Sales", "=HYPERLINK(\"http://x\")", "", "", "", "", "",
         "", "=SUM(1,2)", ""],
        ["CE/26/052", "31/02/2026", "Sales", "A", "", "", "", "", "", "", "1,000.00", ""],
        ["CE/26/053", "20/11/2026", "Sales", "A", "", "12345", "", "", "", "", "1000", ""],
        ["CE/26/054", "20/11/2026", "Sales", "A", "", "", "", "", "", "", "12 lakh", ""]])
    result, rows = import_file(app, path)
    assert result.exit_code == 0, result.output
    assert [(r["outcome"], r["reason"]) for r in rows] == [
        ("credited", "buyer matched by gstin"),
        ("rejected", "a formula in the amount cell (type the value instead)"),
        ("rejected", "date '31/02/2026' is not in the format %d/%m/%Y"),
        ("rejected", "buyer phone is not a valid number"),
        ("rejected", "amount '12 lakh' is not an amount")]
    report = (tmp_path / "register.xlsx.report.csv").read_text()
    assert "=HYPERLINK" not in report  # nothing a spreadsheet would run
