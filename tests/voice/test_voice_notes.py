"""Voice notes: made once when a program loads (espeak-ng, or a recording, encoded to
OGG/Opus by ffmpeg, stored by content hash), each under 100 KB; a partner who sends VOICE gets
each module part and quiz question as text and audio on WhatsApp, quiz options numbered aloud
in the order shown; SMS stays text; a language espeak-ng lacks stays text only."""

from __future__ import annotations

import json
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from xml.etree import ElementTree

import pytest

from bot import media
from bot.i18n import LANGUAGES, translate
from models import yamltext
from models.db import unit_of_work
from models.programs.program import load_spec
from models.programs.schema import parse
from models.programs.speech import Script, question_script
from tests.transcripts import given
from workers import speech
from workers.speech import notes, voices

HERE = Path(__file__).parent
PHONE = "+919812300031"


@pytest.fixture
def app(sqlite_app):
    """SQLite only: what a note says and weighs does not depend on the database."""
    return sqlite_app


def _spec():
    return parse(yamltext.load_shared((HERE / "program.yaml").read_text(encoding="utf-8")))


def probe(path: Path) -> dict:
    """ffprobe's view of an audio file: codec, duration, comment."""
    out = subprocess.run(["ffprobe", "-v", "error", "-print_format", "json", "-show_streams",
                          str(path)], capture_output=True, text=True, check=True).stdout
    stream = json.loads(out)["streams"][0]
    return {"codec": stream["codec_name"], "seconds": float(stream["duration"]),
            "comment": stream.get("tags", {}).get("comment", "")}


def _media(response) -> list[tuple[str, str | None]]:
    root = ElementTree.fromstring(response.data)
    return [((m.find("Body").text if m.find("Body") is not None else m.text) or "",
             m.find("Media").text if m.find("Media") is not None else None)
            for m in root.iter("Message")]


@pytest.mark.slow
def test_espeak_speaks_every_language_in_notes_under_100_kb(app, tmp_path):
    assert all(voices.voice_for(lang) for lang in LANGUAGES), "espeak-ng lacks a language"
    with ThreadPoolExecutor(max_workers=2) as pool:
        made = dict(zip(LANGUAGES, pool.map(lambda lang: notes.make(Script(
            lang, translate(lang, "Correct!") + " 1, 2, 3."), tmp_path), LANGUAGES), strict=True))
    for lang, (ogg, seconds) in made.items():
        (tmp_path / f"{lang}.ogg").write_bytes(ogg)
        found = probe(tmp_path / f"{lang}.ogg")
        assert found["codec"] == "opus" and found["comment"] == "generated speech (espeak-ng)"
        assert 0 < seconds < 60 and len(ogg) < media.MAX_SENT_BYTES
        assert len(ogg) / max(seconds, 1) * 60 < 100 * 1024  # under 100 KB a minute


def test_a_language_espeak_lacks_stays_text_only(app, monkeypatch):
    monkeypatch.setattr(voices, "installed", lambda: frozenset({"en-us"}))
    done = speech.prepare(_spec().tracks, ["en", "pa"], HERE)
    assert done.silent == {"pa"} and done.made == 2  # the English part and question only
    spec = _spec()
    pa = media.voice_url("pa", question_script(spec.tracks.modules[0].questions[0], "pa"))
    assert media.stored(pa) is None


def test_voice_mode_sends_text_and_an_opus_note_on_whatsapp_only(app, twilio, clock):
    spec = _spec()
    with unit_of_work() as session:
        load_spec(session, spec)
    given.build({"partners": [{"phone": PHONE, "name": "Gurpreet Singh", "shop": "Singh Elec",
                               "programs": ["VOLTPA"], "language": "pa"}]})
    done = speech.prepare(spec.tracks, spec.languages, HERE)
    assert done.made == 4 and not done.silent
    assert speech.prepare(spec.tracks, spec.languages, HERE).made == 0  # made once, cached

    on = twilio.send(PHONE, "VOICE")
    assert _media(on)[0][0].startswith("ਵੌਇਸ ਨੋਟ ਚਾਲੂ")
    twilio.chat(PHONE, "LEARN")
    part = _media(twilio.send(PHONE, "1"))
    assert part[0][0].startswith("ਪਾਠ 1/1: ਅਰਥ ਤਾਰ (ਭਾਗ 1/1)") and part[0][1] is None
    assert part[1][0] == "" and part[1][1].endswith(".ogg")
    notes_sent = [part[1][1]]
    twilio.chat(PHONE, "NEXT")
    twilio.chat(PHONE, "LEARN")
    quiz = _media(twilio.send(PHONE, "1"))
    question = next(i for i, (text, _url) in enumerate(quiz) if text.startswith("ਸ1/1: "))
    assert "1. ਲਾਲ\n2. ਹਰਾ ਜਾਂ ਹਰਾ-ਪੀਲਾ\n3. ਕਾਲਾ" in quiz[question][0]  # the order spoken
    notes_sent.append(quiz[question + 1][1])
    assert quiz[question + 1][0] == "" and notes_sent[-1].endswith(".ogg")
    assert twilio.chat(PHONE, "2")[-1].startswith("ਤੁਸੀਂ 1/1 ਨਾਲ ਪਾਸ ਹੋਏ!")
    for url in notes_sent:
        path = media.stored(url.removeprefix(app.config["PUBLIC_BASE_URL"]))
        assert path is not None and path.stat().st_size < media.MAX_SENT_BYTES
        assert probe(path)["codec"] == "opus"

    sms = _media(twilio.send(PHONE, "LEARN", channel="sms"))
    assert all(url is None for _text, url in sms)  # SMS: text only


def test_cloud_api_sends_a_voice_note_as_audio_and_a_picture_as_image():
    from bot.channels.graph import reply_payload
    from bot.messages import Reply
    note = reply_payload("+919812300031", Reply("", media_url="/media/voice/ab.ogg"), "Choose",
                         "https://saathi.example")
    assert note["type"] == "audio" and note["audio"] == {
        "link": "https://saathi.example/media/voice/ab.ogg"}
    picture = reply_payload("+919812300031", Reply("Done", media_url="/media/c/x.png"),
                            "Choose", "https://saathi.example")
    assert picture["type"] == "image" and picture["image"]["caption"] == "Done"
