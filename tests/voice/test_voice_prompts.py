"""The key prompts as voice notes (REACH 3), on SQLite and PostgreSQL with real espeak-ng and
ffmpeg: in voice mode on WhatsApp the menu and a quiz question come with a note made when the
program loaded; the quiz result and the redemption's confirmation (a score, rupees) get a note
made by a job after the text reply and sent as a follow-up. Each note is under 100 KB and
decodes as Opus; nothing is spoken while the webhook answers; text mode gets no audio.

Speech is slow, so notes are made once per test session: `make` is wrapped by a cache keyed
by the note's language and words (the content hash the media folder uses)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from flask import has_request_context
from sqlalchemy import select

from bot import media
from bot.i18n import translate
from bot.jobs.names import Job
from models.db import unit_of_work
from models.jobs.records import JobRecord
from models.messaging.outbox import OutboxMessage
from tests.conftest import TwilioClient
from tests.transcripts import given
from tests.voice.audio import media_of, probe
from workers.speech import notes, voices

HERE = Path(__file__).parent
VOICE = "+919812300041"  # Punjabi, voice notes on
TEXT = "+919812300042"  # English, text only
VPA = "gurpreet.singh@okaxis"


@pytest.fixture
def speech_spy(monkeypatch, request) -> list[bool]:
    """Every note asked of the speech module, as "was a request being answered?". The real
    espeak-ng + ffmpeg run once per distinct note: kept in the run's shared folder by
    content hash (language, words and the encoder's settings), so later tests reuse it, in
    any worker process (a note appears whole: written aside, then renamed)."""
    calls: list[bool] = []
    real, kept = notes.make, request.getfixturevalue("run_folder") / "voice-notes"
    kept.mkdir(exist_ok=True)

    def make(script, programs_dir):
        calls.append(has_request_context())
        settings = f"{notes.RATE} {notes.BITRATE} {notes.WORDS_PER_MINUTE}"
        name = media.voice_url(script.lang, f"{settings}\n{script.text}").rsplit("/", 1)[-1]
        if not (kept / name).is_file():
            ogg, seconds = real(script, programs_dir)
            for path, data in ((kept / f"{name}.seconds", str(seconds).encode()),
                               (kept / name, ogg)):
                aside = path.with_name(f"{path.name}.{os.getpid()}")
                aside.write_bytes(data)
                os.replace(aside, path)
        return (kept / name).read_bytes(), float((kept / f"{name}.seconds").read_text())

    monkeypatch.setattr(notes, "make", make)
    return calls


@pytest.fixture
def loaded(app, speech_spy) -> list[bool]:
    """VOLTPA loaded by `flask programs load` with voice notes on (the menu and the learning
    content spoken in English and Punjabi), and two members with 500 credits."""
    app.config["VOICE_NOTES"] = True
    out = app.test_cli_runner().invoke(args=["programs", "load", str(HERE / "program.yaml"),
                                                    "--allow-incomplete"])
    assert out.exit_code == 0, out.output
    # 4 content + (3 menus + "Correct!" + the question's "Not quite…") x 2 languages
    assert re.search(r"voice notes: 14 ready", out.output)
    given.build({"partners": [
        {"phone": VOICE, "name": "Gurpreet Singh", "shop": "Singh Elec",
         "language": "pa", "upi_vpa": VPA, "credits": {"VOLTPA": 500}},
        {"phone": TEXT, "name": "Ravi Kumar", "shop": "Ravi Elec",
         "language": "en", "upi_vpa": VPA, "credits": {"VOLTPA": 500}}]})
    speech_spy.clear()
    return speech_spy


def _audio_followups(phone: str) -> list[OutboxMessage]:
    with unit_of_work() as session:
        return [m for m in session.scalars(select(OutboxMessage).where(
            OutboxMessage.phone == phone).order_by(OutboxMessage.id)) if m.media_urls]


def _otp(phone: str) -> str:
    with unit_of_work() as session:
        body = session.scalars(select(OutboxMessage.body).where(
            OutboxMessage.phone == phone, OutboxMessage.channel == "sms")
            .order_by(OutboxMessage.id.desc())).first()
    return re.search(r"\b(\d{6})\b", body).group(1)


def _note(app, url: str) -> Path:
    """The note behind a sent URL: under 100 KB and Opus."""
    path = media.stored(url.removeprefix(app.config["PUBLIC_BASE_URL"]))
    assert path is not None and url.endswith(".ogg")
    assert path.stat().st_size < media.MAX_SENT_BYTES
    assert probe(path)["codec"] == "opus"
    return path


def _walk(twilio, phone: str, right: str) -> dict[str, list[tuple[str, str | None]]]:
    """Menu, a quiz to its result (answering `right`, as numbered), and a UPI redemption to
    its confirmation."""
    seen = {"menu": media_of(twilio.send(phone, "MENU"))}
    twilio.chat(phone, "LEARN")
    twilio.chat(phone, "1")
    seen["question"] = media_of(twilio.send(phone, "NEXT"))
    number = next(re.search(rf"(\d)\. {right}$", text, re.M) for text, _url in seen["question"]
                  if re.search(rf"(\d)\. {right}$", text, re.M)).group(1)
    seen["result"] = media_of(twilio.send(phone, number))
    twilio.chat(phone, "REDEEM")
    twilio.chat(phone, "1")
    seen["summary"] = media_of(twilio.send(phone, "100"))
    twilio.chat(phone, "1")
    seen["confirmed"] = media_of(twilio.send(phone, _otp(phone)))
    return seen


def test_voice_mode_speaks_menu_question_result_and_confirmation(app, twilio, clock, loaded):
    on = media_of(twilio.send(VOICE, "VOICE"))
    assert on[0][0].startswith("ਵੌਇਸ ਨੋਟ ਚਾਲੂ") and on[-1][1].endswith(".ogg")  # the menu's
    seen = _walk(twilio, VOICE, "ਹਰਾ ਜਾਂ ਹਰਾ-ਪੀਲਾ")

    # Fixed words: the note rides with the text, made when the program loaded.
    menu_text, menu_note = seen["menu"][0][0], seen["menu"][1]
    assert "1. " in menu_text and menu_note[0] == "" and menu_note[1].endswith(".ogg")
    question = next(i for i, (text, _u) in enumerate(seen["question"]) if text.startswith("ਸ1/1"))
    assert seen["question"][question + 1][1].endswith(".ogg")
    # the answer's feedback ("Correct!", fixed words) rides with its note, then the result
    feedback, seen["result"] = seen["result"][:2], seen["result"][2:]
    assert feedback[0][0] == translate("pa", "Correct!") and feedback[1][0] == ""
    inline = [menu_note[1], seen["question"][question + 1][1], feedback[1][1]]

    # Figures: the text at once (no audio in the reply), the note after it from a job.
    assert seen["result"][-1][0].startswith("ਤੁਸੀਂ 1/1 ਨਾਲ ਪਾਸ ਹੋਏ!")
    assert seen["summary"][0][0].startswith("100 ਕ੍ਰੈਡਿਟ = gu****@okaxis ਨੂੰ ₹100")
    assert "₹100" in seen["confirmed"][0][0]
    for step in ("result", "summary", "confirmed"):  # (the result carries the certificate)
        assert not any(url and url.endswith(".ogg") for _text, url in seen[step]), step
    followups = _audio_followups(VOICE)
    assert len(followups) == 3 and all(m.channel == "whatsapp" and m.body == ""
                                       for m in followups)
    assert [m.idempotency_key.split(":")[0] for m in followups] == ["voice"] * 3
    for url in inline + [m.media_urls[0] for m in followups]:
        _note(app, url)
    assert len(set(inline + [m.media_urls[0] for m in followups])) == 6

    # Nothing was spoken while a request was answered; the three notes came from jobs.
    assert loaded == [False, False, False]
    with unit_of_work() as session:
        jobs = session.scalars(select(JobRecord).where(JobRecord.func == Job.VOICE_NOTE)).all()
        assert len(jobs) == 3 and all(j.status == "done" for j in jobs)


def test_text_mode_and_sms_get_no_audio(app, twilio, clock, loaded):
    seen = _walk(twilio, TEXT, "Green or green-yellow")
    assert seen["result"][-1][0].startswith("You passed with 1/1!")
    assert all(url is None or not url.endswith(".ogg")
               for replies in seen.values() for _text, url in replies)
    assert _audio_followups(TEXT) == [] and loaded == []

    twilio.send(VOICE, "VOICE")
    sms = media_of(twilio.send(VOICE, "MENU", channel="sms"))
    assert all(url is None for _text, url in sms)  # voice mode, but SMS: text only
    with unit_of_work() as session:
        assert session.scalars(select(JobRecord).where(
            JobRecord.func == Job.VOICE_NOTE)).all() == []


def test_a_language_espeak_lacks_is_text_only_and_said_so(sqlite_app, clock, speech_spy,
                                                          monkeypatch, caplog):
    """(SQLite only: no database in this.)"""
    app, twilio = sqlite_app, TwilioClient(sqlite_app.test_client())
    monkeypatch.setattr(voices, "installed", lambda: frozenset({"en-us"}))
    app.config["VOICE_NOTES"] = True
    out = app.test_cli_runner().invoke(args=["programs", "load", str(HERE / "program.yaml"),
                                             "--allow-incomplete"])
    assert "no voice in pa: text only" in out.output  # the English notes only
    given.build({"partners": [{"phone": VOICE, "name": "Gurpreet Singh", "language": "pa",
                               "upi_vpa": VPA, "credits": {"VOLTPA": 500}}]})
    twilio.send(VOICE, "VOICE")
    menu = media_of(twilio.send(VOICE, "MENU"))
    assert menu[0][0].startswith("ਤੁਸੀਂ ਕੀ ਕਰਨਾ ਚਾਹੋਗੇ?") and len(menu) == 1  # no note
    twilio.chat(VOICE, "REDEEM")
    twilio.chat(VOICE, "1")
    summary = media_of(twilio.send(VOICE, "100"))
    assert summary[0][0].startswith("100 ਕ੍ਰੈਡਿਟ") and _audio_followups(VOICE) == []
    assert "voice note not made: no voice for the language, text only" in caplog.text


def test_twilio_gets_the_follow_up_note_at_an_absolute_url(sqlite_app):
    """Twilio fetches a note itself: an outbox row's /media/ path goes as a full URL."""
    from types import SimpleNamespace

    from bot.channels.senders import TwilioSender
    created: list[list[tuple[str, str]]] = []
    sender = TwilioSender({**sqlite_app.config, "TWILIO_ACCOUNT_SID": "AC" + "0" * 32})
    sender.messages = SimpleNamespace(create=lambda form: created.append(form) or "SM1")
    note = OutboxMessage(channel="whatsapp", phone=VOICE, body="", template=None, reply=None,
                         media_urls=["/media/voice/ab.ogg"])
    assert sender.send(note) == "SM1"
    base = sqlite_app.config["PUBLIC_BASE_URL"]
    assert [v for k, v in created[0] if k == "MediaUrl"] == [base + "/media/voice/ab.ogg"]


def test_programs_voice_makes_the_notes_a_load_left_with_a_progress_bar(app, speech_spy):
    """`make run` loads the programs without their notes and makes them in the background
    with `flask programs voice`: the same 14 notes as a load with voice, each made once."""
    runner = app.test_cli_runner()
    app.config["VOICE_NOTES"] = False
    assert runner.invoke(args=["programs", "load", str(HERE / "program.yaml"),
                               "--allow-incomplete"]).exit_code == 0
    assert speech_spy == []
    app.config["VOICE_NOTES"] = True
    out = runner.invoke(args=["programs", "voice"])
    assert out.exit_code == 0, out.output
    assert re.search(r"VOLTPA\n  voice notes: 14 ready, 14 made now", out.output)
    assert "VOLTPA voice notes" in out.stderr  # the bar (on a terminal it shows the share done)
    again = runner.invoke(args=["programs", "voice", "VOLTPA"])
    assert re.search(r"voice notes: 14 ready, 0 made now", again.output)
    unknown = runner.invoke(args=["programs", "voice", "NOPE"])
    assert unknown.exit_code == 1 and "no program NOPE is loaded" in unknown.output
