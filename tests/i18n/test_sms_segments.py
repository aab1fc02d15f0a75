"""Every SMS Saathi sends costs at most two segments, in every language: a partner, a rep and
an invited shop walk every dialogue over SMS (tests/i18n/walk.py), and every answer and every
proactive SMS they get is counted as a carrier counts it (GSM-7 or UCS-2)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.channels.sms import MAX_SEGMENTS, segments
from bot.i18n import LANGUAGES
from models.db import engine as current_engine
from models.db import unit_of_work
from models.messaging.outbox import OutboxMessage
from tests.conftest import _make_app
from tests.i18n.walk import INVITEE, PARTNER, REP, Walk, load_programs, spy


@pytest.fixture
def app(request, tmp_path):
    """SQLite only: a segment count does not depend on the database (the same walk runs on
    both in tests/i18n/test_no_english.py)."""
    app = _make_app("sqlite", request, tmp_path)
    with app.app_context():
        yield app
        current_engine().dispose()


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_every_sms_of_every_flow_and_notice_fits_two_segments(app, twilio, clock, monkeypatch,
                                                              lang):
    load_programs()
    walk = Walk(twilio, clock, lang, spy(monkeypatch), channel="sms")
    answers = [(s.where, s.text) for s in walk.run() if " sent " in s.where]
    with unit_of_work() as session:
        rows = session.scalars(select(OutboxMessage).where(
            OutboxMessage.phone.in_([PARTNER, REP, INVITEE]), OutboxMessage.channel == "sms"))
        proactive = [(f"outbox {r.idempotency_key}", r.body, r.media_urls) for r in rows]

    assert len(answers) > 150 and len(proactive) > 10
    long = [f"{where}: {segments(text)} segments: {text!r}" for where, text in answers
            + [(w, t) for w, t, _ in proactive] if segments(text) > MAX_SEGMENTS]
    assert not long, f"{lang}: {len(long)} SMS over two segments:\n" + "\n".join(long[:20])
    assert not [w for w, _, media in proactive if media], "an SMS carries no media, only links"
    if lang == "en":
        forcing = [text for _, text in answers if "₹" in text or "–" in text]
        assert not forcing, f"English SMS in UCS-2 for a rupee sign or a dash: {forcing[:3]}"
