"""Program texts per language: `flask programs check` reports each language's missing, stale
(translated from an older English) and placeholder-mismatched texts; a partner whose language
the program does not offer reads whole messages in the program's fallback language."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from flows.learn import question_reply
from models import yamltext
from models.programs import texts
from models.programs.schema import parse

PROGRAMS = Path(__file__).resolve().parents[2] / "programs"


@pytest.fixture
def app(sqlite_app):
    """SQLite only: reading and checking program files does not depend on the database."""
    return sqlite_app
DOC = {"currency_name": {"en": "Voltix points", "hi": "वोल्टिक्स पॉइंट", "pa": "Voltix ਪੁਆਇੰਟ"},
       "notice": {"en": "{n} points left", "hi": "{n} पॉइंट बाकी", "pa": "ਬਾਕੀ ਪੁਆਇੰਟ"}}


def test_report_names_missing_stale_and_placeholder_mismatches_per_language():
    stamps = texts.stamp(DOC, {}, ["hi", "pa"])
    changed = {**DOC, "currency_name": {**DOC["currency_name"], "en": "Voltix stars"}}
    found = texts.report(changed, ["en", "hi", "pa", "ml"], stamps)
    assert found["ml"].missing == ["currency_name", "notice"]
    assert found["hi"].stale == found["pa"].stale == ["currency_name"]
    assert found["pa"].placeholders == ["notice"] and not found["hi"].placeholders
    assert found["hi"].complete and not found["pa"].complete and not found["ml"].complete
    retranslated = {**changed, "currency_name": {**changed["currency_name"], "hi": "वोल्टिक्स स्टार"}}
    assert texts.report(retranslated, ["hi"], stamps)["hi"].stale == []  # rewritten: not stale
    assert texts.report(changed, ["hi"], texts.stamp(changed, stamps, ["hi"]))["hi"].stale == \
        ["currency_name"]  # stamping again does not hide an unchanged translation
    assert texts.report(changed, ["hi"], texts.stamp(changed, stamps, ["hi"], force=True)
                        )["hi"].stale == []


def _elec(tmp_path: Path, edit) -> Path:
    content = yamltext.load_shared((PROGRAMS / "content" / "elec.yaml").read_text(encoding="utf-8"))
    doc = yamltext.load_shared((PROGRAMS / "elec.yaml").read_text(encoding="utf-8"))
    doc["tracks"] = content
    edit(doc)
    path = tmp_path / "elec.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return path


def test_programs_check_reports_each_language_and_stamp_records_sources(app, tmp_path):
    path = _elec(tmp_path, lambda doc: None)
    cli = app.test_cli_runner()
    assert cli.invoke(args=["programs", "stamp", str(path)]).exit_code == 0
    assert cli.invoke(args=["programs", "check", str(path)]).exit_code == 0

    def edit(doc):
        module = doc["tracks"]["modules"][0]
        module["title"]["en"] = "Safe isolation, step by step"  # every translation now stale
        module["parts"][0].pop("or")
        module["questions"][0]["why"]["ml"] += " {n}"
    _elec(tmp_path, edit)
    result = cli.invoke(args=["programs", "check", str(path)])
    assert result.exit_code == 1
    out = result.output
    assert f"{path}: pa: stale: tracks.modules[elec-safety].title" in out
    assert f"{path}: or: missing: tracks.modules[elec-safety].parts[0]" in out
    assert f"{path}: ml: placeholders differ: tracks.modules[elec-safety].questions[0].why" in out
    assert "stale: tracks.modules[elec-safety].parts" not in out  # its English did not change
    refused = cli.invoke(args=["programs", "load", str(path)])
    assert refused.exit_code == 1 and "offers or: missing:" in refused.output
    assert "stale" not in refused.output  # stale texts are reported, not refused


def test_a_language_the_program_does_not_offer_reads_whole_messages_in_the_fallback():
    doc = yamltext.load_shared((PROGRAMS / "elec.yaml").read_text(encoding="utf-8"))
    doc["tracks"] = yamltext.load_shared((PROGRAMS / "content" / "elec.yaml").read_text(
        encoding="utf-8"))
    doc.update(languages=["en", "hi"], fallback_language="hi")
    spec = parse(doc)
    assert spec.content_language("hi") == "hi" and spec.content_language("pa") == "hi"
    assert spec.tier_label("Silver", "ta") == spec.tier_label("Silver", "hi") != "Silver"
    assert spec.currency_in("pa") == doc["currency_name"]["hi"]
    question = spec.tracks.modules[0].questions[0]
    reply = question_reply(spec.content_language("pa"), question, [0, 1, 2], 1, 6)
    assert reply.text == f"Q1/6: {question.ask['hi']}"  # the catalog's Hindi "Q", not "ਸ"
    assert [o.label for o in reply.options] == [o["hi"] for o in question.options]


def test_a_program_that_leaves_the_notice_to_the_default_has_it_in_every_language():
    """TILEPRO (tests/enroll) writes no privacy summary: its Tamil consent question on SMS
    carried the default summary as one English sentence; the default is now written in all
    12 languages, so the admin's check finds no gap in it."""
    from bot.i18n import LANGUAGES

    docs = yamltext.load_shared((PROGRAMS.parent / "tests" / "enroll" / "programs.yaml")
                                .read_text(encoding="utf-8"))
    for spec in map(parse, docs):
        reports = texts.report(spec.model_dump(mode="json"), list(LANGUAGES), {})
        assert [lang for lang, report in reports.items()
                if "privacy.summary" in report.missing] == []
        assert spec.privacy.summary["ta"] != spec.privacy.summary["en"]
