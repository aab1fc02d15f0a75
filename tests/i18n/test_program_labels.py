"""Program texts per language (tier names, currency names, catalog labels, learning content):
a partner reads them in their language; a text missing in a language the program offers is
listed by `flask programs check` and stops `flask programs load` (unless --allow-incomplete),
so the admin sees the gap before a partner does."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.i18n import LANGUAGES
from models import yamltext
from models.programs.schema import parse

PROGRAMS = Path(__file__).resolve().parents[2] / "programs"


def _cempro() -> dict:
    return yamltext.load_shared((PROGRAMS / "cempro.yaml").read_text(encoding="utf-8"))


def _without_tamil(doc: dict) -> dict:
    doc["currency_name"].pop("ta")
    doc["tiers"]["levels"][0]["label"].pop("ta")
    doc["catalog"]["items"][0]["label"].pop("ta")
    return doc


def test_tier_and_currency_names_follow_the_partners_language():
    spec = parse(_cempro())
    assert spec.tier_label("Member", "hi") == "सदस्य"
    assert spec.tier_label("Specialist", "ta") == "ஸ்பெஷலிஸ்ட்"
    assert spec.tier_label("Member", "en") == "Member"
    assert spec.currency_in("bn") == "শক্তি ক্রেডিট"
    partial = parse(_without_tamil(_cempro()))
    assert partial.tier_label("Member", "ta") == "Member"  # English, and the check says so
    assert partial.currency_in("ta") == "Shakti credits"


def test_a_plain_string_is_the_english_name():
    doc = _cempro()
    doc["currency_name"] = "Shakti credits"
    doc["tiers"]["levels"][0].pop("label")
    spec = parse(doc)
    assert spec.currency_in("hi") == "Shakti credits"
    assert spec.tier_label("Member", "hi") == "Member"


def test_programs_check_lists_each_text_a_language_lacks(app, tmp_path):
    path = tmp_path / "cempro.yaml"
    path.write_text(yaml.safe_dump(_without_tamil(_cempro()), allow_unicode=True),
                    encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["programs", "check", str(path)])
    assert result.exit_code == 1
    for where in ("currency_name", "tiers.levels[Member].label", "catalog.items[upi].label"):
        assert f"{path}: ta: missing: {where}" in result.output
    refused = app.test_cli_runner().invoke(args=["programs", "load", str(path)])
    assert refused.exit_code == 1
    assert f"{path}: offers ta: missing: currency_name" in refused.output
    loaded = app.test_cli_runner().invoke(args=["programs", "load", str(path),
                                                "--allow-incomplete"])
    assert loaded.exit_code == 0, loaded.output


def test_shipped_programs_have_every_text_in_every_language(app):
    result = app.test_cli_runner().invoke(args=["programs", "check"])
    assert result.exit_code == 0, result.output[-3000:]
    assert result.output.count(f"every text in {len(LANGUAGES)} languages") == \
        len(list(PROGRAMS.glob("*.yaml")))
