"""India's DLT: the registry matches the catalogs, every text matches exactly one template or
is refused, and the Gupshup sender's exact request, answers and quiet hours."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.channels import dlt
from bot.channels.sms import segments
from bot.i18n import LANGUAGES, translate
from bot.notices import outbound
from bot.notices.learning import NUDGE
from bot.notices.otp import SMS_TEXT
from models.db import unit_of_work
from models.messaging.outbox import OutboxMessage, OutboxStatus
from workers import outbound as outbound_jobs

PHONE = "+919812345678"


def test_the_registry_is_written_from_the_catalogs():
    raw = dlt.REGISTRY.read_text(encoding="utf-8")
    assert dlt.regenerated(raw) == raw, "run .venv/bin/python scripts/dlt_templates.py"


def test_every_template_has_an_id_a_category_and_every_language():
    registry = dlt.registry((dlt.REGISTRY,))
    assert registry.principal_entity_id.isdigit() and 1 <= len(registry.sender) <= 6
    ids = [t.id for t in registry.templates]
    assert len(set(ids)) == len(ids)
    for template in registry.templates:
        assert set(template.texts) == set(LANGUAGES), template.name
        variables = {text.count(dlt.VAR) for texts in template.texts.values() for text in texts}
        assert len(variables) == 1, f"{template.name}: languages differ in variables"


def test_flow_templates_have_ids_of_their_own_and_words_in_every_text():
    """bot/channels/dlt_flows.yaml, written from the SMS walk (which checks it is up to date:
    tests/i18n/test_sms_segments.py): no id twice in the two files, every text in at most
    two segments at its shortest, and none of variables alone (a quiz's options cut from
    their question), which DLT portals refuse and `dlt.match` never matches."""
    ids = [t.id for t in dlt.registry().templates]
    assert len(set(ids)) == len(ids)
    flows = dlt.registry((dlt.FLOWS,)).templates
    texts = [(t.name, text) for t in flows for found in t.texts.values() for text in found]
    assert len(flows) > 100 and {t.category for t in flows} == {dlt.Category.SERVICE_IMPLICIT}
    assert all(segments(dlt._VARIABLE.sub("x", text)) <= 2 for _, text in texts)
    alone = [f"{name}: {text!r}" for t in dlt.registry().templates
             for name, found in [(t.name, t.texts)] for texts in found.values()
             for text in texts if not dlt.words(text)]
    assert not alone, "texts of variables alone:\n" + "\n".join(alone[:5])


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_an_otp_in_every_language_matches_the_otp_template_only(lang):
    assert dlt.match(translate(lang, SMS_TEXT, code="493021")).name == "otp"


def test_every_template_text_matches_its_own_template_and_no_other_as_well():
    """A variable may swallow words another template has fixed (Hindi "कोड X मंज़ूर: ..."
    fits "कोड {#var#}: ..."): the template with more fixed words is the one, never a tie."""
    wrong = []
    for template in dlt.registry().templates:
        for lang, texts in template.texts.items():
            for text in filter(dlt.words, texts):  # variables alone: never matched
                sent = text.replace(dlt.VAR, "SV-7K2P").replace(dlt.URL, "https://s.in/q/ab")
                try:
                    found = dlt.match(sent).name
                except dlt.DltRefused as exc:
                    found = str(exc)
                if found != template.name:
                    wrong.append(f"{template.name} {lang}: {found}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("text", [
    "Your Saathi code is 493021. It is valid for 5 minutes. Never share it. Also: a prize!",
    "Win a free trip! Reply YES",
    "Congratulations! You are now " + "x" * 61 + " in CEMPRO.",  # a tier over its 2 variables
    "",
])
def test_a_text_of_no_template_is_refused(text):
    with pytest.raises(dlt.DltRefused, match="matches 0 DLT templates"):
        dlt.match(text)


@pytest.mark.parametrize(("utc", "until"), [
    (datetime(2026, 3, 12, 4, 0, tzinfo=UTC), None),  # 09:30 IST
    (datetime(2026, 3, 12, 15, 29, tzinfo=UTC), None),  # 20:59 IST
    (datetime(2026, 3, 12, 15, 30, tzinfo=UTC), datetime(2026, 3, 13, 3, 30, tzinfo=UTC)),
    (datetime(2026, 3, 12, 20, 0, tzinfo=UTC), datetime(2026, 3, 13, 3, 30, tzinfo=UTC)),
    (datetime(2026, 3, 12, 3, 29, tzinfo=UTC), datetime(2026, 3, 12, 3, 30, tzinfo=UTC)),
])
def test_promotional_sms_only_between_nine_and_nine_ist(utc, until):
    assert dlt.promotional_from(utc) == until


def queue(text: str) -> int:
    with unit_of_work() as session:
        row_id = outbound.queue_message(session, phone=PHONE, text=text, channel="sms").id
    return row_id  # delivered in-process once committed


def row(row_id: int) -> OutboxMessage:
    with unit_of_work() as session:
        found = session.get(OutboxMessage, row_id)
        session.expunge(found)
        return found


def test_an_otp_goes_to_gupshup_with_its_dlt_ids(app, gupshup, clock):
    sent = row(queue(translate("en", SMS_TEXT, code="493021")))
    assert [r.path for r in gupshup.stub.requests] == ["/rest"]
    assert gupshup.stub.requests[0].method == "POST"
    assert gupshup.forms() == [{
        "method": "SendMessage", "v": "1.1", "format": "text", "auth_scheme": "plain",
        "userid": "2000123456", "password": "pw-secret", "send_to": "919812345678",
        "msg": "Your Saathi code is 493021. It is valid for 5 minutes. Never share it.",
        "msg_type": "TEXT", "mask": "SAATHI", "principalEntityId": "1101000000000000000",
        "dltTemplateId": "1107000000000000001"}]
    assert (sent.status, sent.provider_sid) == (OutboxStatus.SENT, "4963112341234-1234")


def test_hindi_goes_as_unicode_text(app, gupshup, clock):
    queue(translate("hi", SMS_TEXT, code="493021"))
    assert gupshup.forms()[0]["msg_type"] == "UNICODE_TEXT"
    assert gupshup.forms()[0]["msg"].startswith("आपका Saathi कोड 493021")


def test_a_text_of_no_template_is_never_sent_the_fallback_is(app, gupshup, clock, caplog):
    with caplog.at_level(logging.ERROR, logger="saathi.outbound"):
        refused = row(queue("Win a free trip! Reply YES"))
    assert [f["msg"] for f in gupshup.forms()] == [translate("en", outbound.DLT_FALLBACK)]
    assert refused.status == OutboxStatus.REFUSED and "no DLT template" in refused.error
    assert any(r.getMessage() == "sms refused: no DLT template" for r in caplog.records)


def test_a_gateway_error_is_retried_then_failed(app, gupshup, clock):
    gupshup.answer = b"error | 105 | INVALID PH"
    failed = row(queue(translate("en", SMS_TEXT, code="493021")))
    assert failed.status == OutboxStatus.FAILED and "INVALID PH" in failed.error
    assert len(gupshup.stub.requests) == app.config["JOB_RETRIES"] + 1


def test_a_promotional_sms_at_night_waits_for_nine_and_is_then_sent(app, gupshup, clock):
    clock.set(datetime(2026, 3, 12, 17, 0, tzinfo=UTC))  # 22:30 IST
    nudge = translate("en", NUDGE, track="Basic Cement Retailer")
    waiting = row(queue(nudge))
    assert gupshup.stub.requests == [] and waiting.status == OutboxStatus.QUEUED
    assert "deferred" in waiting.error and waiting.attempts == 0

    clock.set(datetime(2026, 3, 13, 3, 0, tzinfo=UTC))  # 08:30 IST: the sweep leaves it
    assert outbound_jobs.sweep() == 0
    clock.set(datetime(2026, 3, 13, 3, 32, tzinfo=UTC))  # 09:02 IST
    assert outbound_jobs.sweep() == 1
    assert [f["msg"] for f in gupshup.forms()] == [nudge]
    with unit_of_work() as session:
        assert session.scalar(select(OutboxMessage.status)) == OutboxStatus.SENT
