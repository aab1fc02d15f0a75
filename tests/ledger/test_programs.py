"""Program files: schema errors name file, field and problem; loading upserts and creates
the distributors listed."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from models import yamltext
from models.partners.partner import Role, find_by_phone
from models.programs.program import by_code, load_file
from models.programs.schema import ProgramFileError, read_file

from .conftest import PROGRAMS


def _write(tmp_path: Path, data: dict | str) -> Path:
    path = tmp_path / "broken.yaml"
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data), encoding="utf-8")
    return path


def _demo() -> dict:
    return yamltext.load_shared((PROGRAMS / "cempro.yaml").read_text())


def _problems(path: Path) -> list[str]:
    with pytest.raises(ProgramFileError) as info:
        read_file(path)
    assert str(path) in str(info.value)
    return info.value.problems


def test_demo_programs_are_valid():
    codes = {read_file(p).code for p in PROGRAMS.glob("*.yaml")}
    assert codes == {"CEMPRO", "CHEMX", "LUBE", "ELEC"}


def test_missing_field_and_wrong_type_are_named(tmp_path):
    data = _demo()
    del data["brand"]
    data["credit_value_paise"] = "two hundred"
    problems = _problems(_write(tmp_path, data))
    assert any(p.startswith("brand: Field required") for p in problems)
    assert any(p.startswith("credit_value_paise:") for p in problems)


def test_bad_gstin_checksum_is_refused(tmp_path):
    data = _demo()
    data["distributors"][0]["gstin"] = "27AAACS1234P1Z8"
    problems = _problems(_write(tmp_path, data))
    assert problems == ["distributors.0.gstin: Value error, '27AAACS1234P1Z8' is not a valid "
                        "GSTIN (shape or check character)"]


def test_tier_thresholds_must_increase(tmp_path):
    data = _demo()
    data["tiers"]["levels"][2]["threshold"] = 10
    assert any(p.startswith("tiers:") and "increasing" in p
               for p in _problems(_write(tmp_path, data)))


def test_unknown_field_and_typo_in_rule_are_refused(tmp_path):
    data = _demo()
    data["earnings"] = {}
    data["earning"]["invoice"][0]["cashback_percent"] = 2.0
    problems = _problems(_write(tmp_path, data))
    assert any(p.startswith("earnings: Extra inputs") for p in problems)
    assert any(p.startswith("earning.invoice.0:") and "either" in p for p in problems)


def test_expiry_days_needed_for_days_policy(tmp_path):
    data = _demo()
    data["expiry"] = {"policy": "days"}
    assert any(p.startswith("expiry:") for p in _problems(_write(tmp_path, data)))


def test_broken_yaml_names_the_line(tmp_path):
    problems = _problems(_write(tmp_path, "code: CEMPRO\nname: [unclosed\n"))
    assert "line" in problems[0] and "not valid YAML" in problems[0]


def test_sponsor_distributor_must_be_listed(tmp_path):
    data = _demo()
    data["sponsor"]["distributor"] = "NOPE"
    assert any("NOPE" in p for p in _problems(_write(tmp_path, data)))


def test_loading_twice_updates_and_creates_distributors_with_reps(db, tmp_path):
    first = load_file(db, PROGRAMS / "cempro.yaml")
    data = _demo()
    data["name"] = "Shakti Pro 2"
    second = load_file(db, _write(tmp_path, data))
    assert first.id == second.id and by_code(db, "cempro").name == "Shakti Pro 2"
    dist = find_by_phone(db, "+919820012345")
    rep = find_by_phone(db, "+919820012346")
    assert (dist.role, dist.code, dist.gstin) == (Role.DISTRIBUTOR, "SAITRD", "27AAACS1234P1Z7")
    assert (rep.role, rep.parent_id) == (Role.DISTRIBUTOR_REP, dist.id)
    assert second.spec.tiers.levels[-1].name == "Master"


def test_cli_validate_exits_non_zero_on_errors(app, tmp_path):
    data = _demo()
    data["tiers"]["levels"][0]["multiplier"] = 0
    bad = _write(tmp_path, data)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["programs", "validate", str(bad)])
    assert result.exit_code == 1
    assert f"{bad}: tiers.levels.0.multiplier: Input should be greater than 0" in result.output
    ok = runner.invoke(args=["programs", "validate", str(PROGRAMS / "lube.yaml")])
    assert ok.exit_code == 0


def test_cli_load_all_and_list(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["programs", "load-all"]).exit_code == 0
    listed = runner.invoke(args=["programs", "list"]).output
    assert all(code in listed for code in ("CEMPRO", "CHEMX", "LUBE", "ELEC"))
