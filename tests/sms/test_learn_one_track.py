"""LEARN over Gupshup in a program with one track (the walk's demo programs have several) that
offers English and Hindi only: in every language, every SMS of it (the list of its one track,
in English under a Tamil heading for a Tamil partner, the lesson, its MORE pages, the quiz)
is a registered DLT template, not the fallback, once `flask programs dlt` wrote the
program's own."""

from __future__ import annotations

import itertools

import pytest
import yaml
from sqlalchemy import select

from bot.channels import dlt
from bot.i18n import LANGUAGES
from models.db import unit_of_work
from models.messaging.outbox import OutboxMessage, OutboxStatus
from models.partners.partner import Partner
from models.programs.program import Membership, by_code
from tests.sms.test_gupshup_inbound import KEY, callback
from tests.sms.test_program_dlt import PROGRAM


@pytest.fixture
def app(sqlite_app):
    sqlite_app.config.update(PUBLIC_BASE_URL="https://saathi.example.com",
                             GUPSHUP_INBOUND_KEY=KEY)
    return sqlite_app


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_learn_in_a_one_track_program_goes_as_registered_templates(app, gupshup, tmp_path,
                                                                  monkeypatch, clock, lang):
    monkeypatch.setattr(dlt, "PROGRAMS", tmp_path / "dlt_programs")
    path = tmp_path / "tilex.yaml"
    path.write_text(yaml.safe_dump(PROGRAM, allow_unicode=True), encoding="utf-8")
    runner = app.test_cli_runner()
    assert runner.invoke(args=["programs", "dlt", str(path)]).exit_code == 0
    assert runner.invoke(args=["programs", "load", str(path)]).exit_code == 0
    phone = "+919812300001"
    with unit_of_work() as session:
        partner = Partner(phone=phone, name="Ramesh", language=lang)
        session.add(partner)
        session.flush()
        session.add(Membership(partner_id=partner.id, program_id=by_code(session, "TILEX").id))
    stamps = itertools.count(1773312000000, 60_000)
    for body in ("LEARN", "1", "MORE", "MORE", "1", "1", "LEARN", "1", "1"):
        if body == "LEARN":
            clock.advance(minutes=3)  # the quiz opens 2 minutes after the module
        callback(app.test_client(), phone, body, timestamp=str(next(stamps)))
    with unit_of_work() as session:
        refused = [r.body for r in session.scalars(select(OutboxMessage)) if r.status in (
            OutboxStatus.REFUSED, OutboxStatus.FAILED)]
    sent = [form["msg"] for form in gupshup.forms()]
    assert not refused, f"{lang}: refused by DLT: {refused}"
    assert all(dlt.match(m).name != dlt.FALLBACK for m in sent), sent
    assert any("Grout" in m or "ग्राउट" in m for m in sent), sent
