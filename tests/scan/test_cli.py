"""`flask codes generate|void|read` through Flask's CLI runner."""

from __future__ import annotations

import csv
import json

from PIL import Image

from models.codes.format import find_codes, verify
from models.codes.tables import BatchStatus, QrBatch
from models.db import unit_of_work
from models.programs.program import load_file, load_spec
from models.programs.schema import parse
from tests.scan.conftest import PROGRAMS, program_spec


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

    void = app.test_cli_runner().invoke(args=["codes", "void", "JAN-26", "--reason", "box lost"])
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


def test_generate_takes_the_credits_from_the_programs_qr_rule_for_the_product(
        app, programs, db, tmp_path):
    load_file(db, PROGRAMS / "lube.yaml")  # engine-oil-4l: 20 credits, anything else: 5
    no_rules = program_spec("NOQR")
    no_rules["earning"]["qr_code"] = []
    load_spec(db, parse(no_rules))
    db.commit()
    runner = app.test_cli_runner()

    def generate(program: str, batch: str, *extra: str):
        return runner.invoke(args=["codes", "generate", "--program", program, "--batch", batch,
                                   "--count", "1", "--out", str(tmp_path / batch), *extra])

    assert generate("LUBE", "OIL", "--product", "ENGINE-OIL-4L").exit_code == 0
    assert generate("LUBE", "GREASE", "--product", "grease").exit_code == 0
    assert generate("LUBE", "BONUS", "--product", "grease", "--credits", "50").exit_code == 0
    refused = generate("NOQR", "X")
    assert refused.exit_code != 0 and "NOQR has no QR rule for '*': pass --credits" in \
        refused.output
    with unit_of_work() as session:
        credits = dict(session.query(QrBatch.name, QrBatch.credits))
    assert credits == {"OIL": 20, "GREASE": 5, "BONUS": 50}
