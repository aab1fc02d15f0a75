"""`flask codes generate|void|read` through Flask's CLI runner."""

from __future__ import annotations

import csv
import json

from PIL import Image

from models.db import unit_of_work
from models.qr import BatchStatus, QrBatch
from models.qr_codes import find_codes, verify


def test_generate_writes_pngs_a_sheet_and_a_manifest_of_genuine_codes(app, programs, db,
                                                                      tmp_path):
    db.commit()
    out = tmp_path / "print"
    result = app.test_cli_runner().invoke(args=[
        "codes", "generate", "--program", "qra", "--batch", "JAN-26", "--count", "3",
        "--credits", "5", "--region", "Maharashtra", "--out", str(out)])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["count"] == 3 and len(summary["sheets"]) == 1
    rows = list(csv.DictReader((out / "manifest.csv").open()))
    assert [r["serial"] for r in rows] == ["1", "2", "3"]
    keys = app.config["QR_SIGNING_KEYS"]
    assert all(verify(keys, find_codes(r["code"])[0]) for r in rows)
    assert all((out / r["png"]).is_file() for r in rows)
    assert Image.open(summary["sheets"][0]).size == (2480, 3480)

    read = app.test_cli_runner().invoke(args=["codes", "read", str(out / rows[1]["png"])])
    assert json.loads(read.output)["codes"] == [{
        "text": rows[1]["code"], "valid": True, "batch": "JAN-26", "serial": 2, "kid": "k1",
        "batch_status": "active"}]

    void = app.test_cli_runner().invoke(args=["codes", "void", "JAN-26"])
    assert void.output.strip() == "batch JAN-26 is void"
    with unit_of_work() as session:
        assert session.query(QrBatch).one().status == BatchStatus.VOID


def test_generate_refuses_an_unknown_program_and_a_duplicate_batch(app, programs, db, tmp_path):
    db.commit()
    runner = app.test_cli_runner()
    args = ["codes", "generate", "--batch", "B", "--count", "1", "--credits", "5", "--out",
            str(tmp_path)]
    assert "no program 'NOPE'" in runner.invoke(args=[*args, "--program", "NOPE"]).output
    assert runner.invoke(args=[*args, "--program", "QRA"]).exit_code == 0
    again = runner.invoke(args=[*args, "--program", "QRA"])
    assert again.exit_code != 0 and "exists already" in again.output
