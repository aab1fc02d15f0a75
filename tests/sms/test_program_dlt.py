"""A brand's new program on SMS in India: its lessons' pages are DLT templates of its own.
With Gupshup configured, loading a program whose SMS texts lack templates is refused with
one line saying what to run; `flask programs dlt` lists them and writes them beside the
registry; once there, the program loads and a lesson's SMS page matches its template."""

from __future__ import annotations

import pytest
import yaml

from bot.channels import dlt, sms
from bot.channels.dlt_shapes import plan
from bot.i18n import translate
from flows import learn, program_sms, wallet
from flows import sms as sms_flow
from flows.sms import answer_text
from models.programs.schema import read_file

BASE = "https://saathi.example.com"
LESSON = {
    "en": "Grout joints within 24 hours of laying the tiles, once the adhesive holds. Press "
          "the grout in diagonally with a rubber float; wipe the face with a damp sponge "
          "after 15 minutes, never with a wet cloth.",
    "hi": "टाइल लगाने के 24 घंटे के अंदर, चिपकने वाला पक्का होने पर, जोड़ों में ग्राउट भरें। "
          "रबर फ्लोट से तिरछा दबाएँ; 15 मिनट बाद गीले स्पंज से पोंछें, भीगे कपड़े से नहीं।",
}
PROGRAM = {
    "code": "TILEX", "name": "Tile Expert Club", "brand": "Tile Co",
    "sponsor": {"manufacturer": "Tile Co Ltd"}, "credit_value_paise": 100,
    "currency_name": {"en": "credits", "hi": "क्रेडिट"},
    "languages": ["en", "hi"],
    "privacy": {"summary": {"en": "Tile Co keeps your name, phone and credits for the club.",
                            "hi": "Tile Co क्लब के लिए आपका नाम, फ़ोन और क्रेडिट रखती है।"}},
    "tracks": {
        "modules": [{
            "id": "grout", "title": {"en": "Grouting", "hi": "ग्राउटिंग"},
            "parts": [LESSON, {"en": "Seal the grout after 72 hours in wet areas.",
                               "hi": "गीली जगहों पर 72 घंटे बाद ग्राउट सील करें।"}],
            "questions": [{
                "ask": {"en": "When do you grout?", "hi": "ग्राउट कब भरें?"},
                "options": [{"en": "Within 24 hours", "hi": "24 घंटे में"},
                            {"en": "After a week", "hi": "एक हफ़्ते बाद"}],
                "answer": 1, "why": {"en": "The adhesive holds by then.",
                                     "hi": "तब तक चिपकने वाला पक्का हो जाता है।"}}]}],
        "tracks": [{"code": "grouter", "name": {"en": "Grouter", "hi": "ग्राउटर"},
                    "modules": ["grout"], "credits": 50}]},
}


def history_before_credits(path) -> str:
    """HIST in Hindi before any credit: the program's name on a line of its own."""
    return sms_flow.named(read_file(path), translate("hi", wallet.NO_CREDITS)).text


def matched(page: str) -> str | None:
    """The name of the template `page` matches, or None."""
    try:
        return dlt.match(page).name
    except dlt.DltRefused:
        return None


@pytest.fixture
def app(sqlite_app):
    """SQLite only: what a program's SMS say does not depend on the database."""
    sqlite_app.config["PUBLIC_BASE_URL"] = BASE
    return sqlite_app


@pytest.fixture
def program_file(tmp_path, monkeypatch):
    monkeypatch.setattr(dlt, "PROGRAMS", tmp_path / "dlt_programs")
    path = tmp_path / "tilex.yaml"
    path.write_text(yaml.safe_dump(PROGRAM, allow_unicode=True), encoding="utf-8")
    return path


def lesson_pages(path, lang: str) -> list[str]:
    """The first part of the lesson as a partner reading `lang` gets it by SMS."""
    spec = read_file(path)
    content, shown = spec.tracks, spec.content_language(lang)
    track, module = content.tracks[0], content.modules[0]
    text = answer_text(lang, [learn.part_reply(shown, track, module, 0)], BASE)
    return sms.pages(text, translate(lang, sms.MORE_HINT), plan=plan(text, lang))


def test_a_new_program_is_published_once_its_lessons_are_dlt_templates(app, gupshup,
                                                                       program_file):
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["programs", "load", str(program_file)])
    assert refused.exit_code == 1
    line, = [text for text in refused.output.splitlines() if "DLT" in text]
    assert "SMS texts of TILEX have no DLT template (" in line and " hi " in line
    assert f"run `flask programs dlt {program_file}`" in line
    unmatched = {lang: [page for page in lesson_pages(program_file, lang)
                        if matched(page) is None] for lang in ("en", "hi", "ta")}
    assert all(unmatched.values()), "a lesson's page matched a template before its own"
    assert matched(history_before_credits(program_file)) is None

    check = runner.invoke(args=["programs", "dlt", "--check", str(program_file)])
    assert check.exit_code == 1 and "hi: " in check.output
    gaps = program_sms.missing(read_file(program_file), BASE)
    assert {"en", "hi", "ta"} <= set(gaps)  # a Tamil partner reads it in English
    assert any(LESSON["hi"][:40] in text for text in gaps["hi"])

    wrote = runner.invoke(args=["programs", "dlt", str(program_file)])
    assert wrote.exit_code == 0 and "tilex.yaml" in wrote.output
    written = yaml.safe_load((dlt.PROGRAMS / "tilex.yaml").read_text(encoding="utf-8"))
    assert all(name.startswith("tilex_") for name in written["templates"])
    assert all(dlt.words(text) for spec in written["templates"].values()
               for texts in spec["text"].values() for text in texts)
    ids = [t.id for t in dlt.registry().templates]
    assert len(ids) == len(set(ids))

    assert runner.invoke(args=["programs", "dlt", "--check", str(program_file)]).exit_code == 0
    loaded = runner.invoke(args=["programs", "load", str(program_file)])
    assert loaded.exit_code == 0, loaded.output
    assert "loaded TILEX" in loaded.output
    for lang, pages in unmatched.items():  # the pages with the lesson's words
        assert all(matched(page).startswith("tilex_") for page in pages), lang
        assert all(matched(page) for page in lesson_pages(program_file, lang)), lang
    assert matched(history_before_credits(program_file)).startswith("tilex_")

    PROGRAM["tracks"]["modules"][0]["parts"][1]["hi"] += " हमेशा।"  # an edited lesson
    try:
        program_file.write_text(yaml.safe_dump(PROGRAM, allow_unicode=True), encoding="utf-8")
        assert runner.invoke(args=["programs", "load", str(program_file)]).exit_code == 1
    finally:
        PROGRAM["tracks"]["modules"][0]["parts"][1]["hi"] = \
            PROGRAM["tracks"]["modules"][0]["parts"][1]["hi"].removesuffix(" हमेशा।")


def test_without_a_dlt_sender_a_program_loads_as_before(app, program_file):
    assert app.test_cli_runner().invoke(args=["programs", "load", str(program_file)]
                                        ).exit_code == 0
