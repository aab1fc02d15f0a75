"""An SMS no DLT template matches is never lost: the partner gets the registered fallback
template in their language instead (the exact Gupshup request), the log names its shape and
never its words, `flask status` counts it with what to do, and `flask outbox retry-refused`
sends it once, after its template is registered. A template text of variables alone is
never matched."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
import yaml
from sqlalchemy import select

from bot.channels import dlt, sms
from bot.i18n import translate
from bot.notices import outbound
from models import campaigns, keys
from models.base import utcnow
from models.campaigns import Campaign, CampaignStatus, Delivery, DeliveryStatus
from models.campaigns.tables import CampaignOptOut
from models.db import unit_of_work
from models.messaging import conversation
from models.messaging.outbox import OutboxMessage, OutboxStatus
from models.partners.partner import Partner, PartnerStatus
from models.programs.campaign_spec import CampaignSpec
from models.programs.program import Program
from tests.conftest import status_lines
from tests.redeem.conftest import add_partner, load_cempro

PHONE = "+919812345678"
SECRET = "Ramesh, your gift code is K7-PRIZE"  # words of no template, with a name and a code


@pytest.fixture
def programs_dir(tmp_path, monkeypatch):
    """Program templates written here, not beside the registry."""
    folder = tmp_path / "dlt_programs"
    folder.mkdir()
    monkeypatch.setattr(dlt, "PROGRAMS", folder)
    return folder


def register(folder, name: str, lang: str, text: str) -> None:
    (folder / f"{name}.yaml").write_text(yaml.safe_dump({"templates": {name: {
        "id": "1107000000000999001", "category": "service-implicit",
        "text": {lang: [text]}}}}, allow_unicode=True), encoding="utf-8")


def rows() -> list[tuple[str, str, str]]:
    with unit_of_work() as session:
        return [(r.status, r.body, r.idempotency_key or "") for r in session.scalars(
            select(OutboxMessage).order_by(OutboxMessage.id))]


def test_an_unregistered_sms_goes_as_the_fallback_is_counted_and_sent_once_registered(
        app, gupshup, clock, caplog, programs_dir):
    with unit_of_work() as session:
        session.add(Partner(phone=PHONE, name="Ramesh", language="hi"))
    with caplog.at_level(logging.ERROR, logger="saathi.outbound"), unit_of_work() as session:
        outbound.queue_message(session, phone=PHONE, text=SECRET, channel="sms", key="k1")

    fallback = translate("hi", outbound.DLT_FALLBACK)
    assert gupshup.forms() == [{
        "method": "SendMessage", "v": "1.1", "format": "text", "auth_scheme": "plain",
        "userid": "2000123456", "password": "pw-secret", "send_to": "919812345678",
        "msg": fallback, "msg_type": "UNICODE_TEXT", "mask": "SAATHI",
        "principalEntityId": "1101000000000000000",
        "dltTemplateId": dlt.match(fallback).id}]
    assert dlt.match(fallback).name == dlt.FALLBACK
    (status, body, _), (sent_status, _, key) = rows()
    assert (status, body) == (OutboxStatus.REFUSED, SECRET)  # kept to send later
    assert sent_status == OutboxStatus.SENT and key.startswith("dlt-fallback:")
    logged = [r for r in caplog.records if r.getMessage() == "sms refused: no DLT template"]
    assert len(logged) == 1 and logged[0].shape.startswith("flow_")
    assert logged[0].lines == ["<text>"]
    assert not [r for r in caplog.records if "Ramesh" in str(r.__dict__)
                or "K7-PRIZE" in str(r.__dict__)], "a refused SMS's words were logged"

    runner = app.test_cli_runner()
    clock.advance(minutes=1)
    status = runner.invoke(args=["status"])
    assert status.exit_code == 1
    assert status_lines(status.output)["SMS refused: no DLT template"] == ("STUCK", 1)
    assert "flask outbox retry-refused" in status.output
    waiting = runner.invoke(args=["outbox", "retry-refused"])
    assert "queued 0" in waiting.output and "1 still match no DLT template" in waiting.output
    assert len(gupshup.forms()) == 1

    register(programs_dir, "gift", "hi", "{#var#}, your gift code is {#var#}")
    assert runner.invoke(args=["outbox", "retry-refused"]).output.startswith("queued 1")
    assert runner.invoke(args=["outbox", "retry-refused"]).output.startswith("queued 0")
    assert [f["msg"] for f in gupshup.forms()] == [fallback, SECRET]
    assert gupshup.forms()[1]["dltTemplateId"] == "1107000000000999001"
    assert [status for status, _, _ in rows()] == [OutboxStatus.SENT, OutboxStatus.SENT]
    assert status_lines(runner.invoke(args=["status"]).output)[
        "SMS refused: no DLT template"] == ("ok", 0)


def test_refused_at_the_send_too_is_kept_for_retry_with_the_fallback_sent(
        app, gupshup, clock, programs_dir):
    """A template withdrawn between the queueing and the send (a deploy): the same."""
    register(programs_dir, "gift", "en", "{#var#}, your gift code is {#var#}")
    with unit_of_work() as session:
        row = outbound.queue_message(session, phone=PHONE, text=SECRET, channel="sms",
                                     deliver=False)
        row_id = row.id
    (programs_dir / "gift.yaml").unlink()
    from workers.outbound import deliver
    deliver(row_id)
    assert [f["msg"] for f in gupshup.forms()] == [translate("en", outbound.DLT_FALLBACK)]
    assert [status for status, _, _ in rows()] == [OutboxStatus.REFUSED, OutboxStatus.SENT]


def test_a_template_of_variables_alone_is_never_matched(programs_dir):
    register(programs_dir, "options", "hi", "1. {#var#}\n2. {#var#}\n3. {#var#}")
    assert not dlt.words("1. {#var#}\n2. {#var#}\n3. {#var#}")
    assert not dlt.words("{#var#}: {#url#}") and dlt.words("Q{#var#}/{#var#}")
    with pytest.raises(dlt.DltRefused, match="matches 0 DLT templates"):
        dlt.match("1. सीमेंट\n2. रेत\n3. पानी")


def test_a_refusal_never_quotes_the_text():
    with pytest.raises(dlt.DltRefused) as refused:
        dlt.match(SECRET)
    assert "Ramesh" not in str(refused.value) and "K7" not in str(refused.value)


# Retried late: never to who said STOP or left, never out of hours, never a dead code.

def test_retry_refused_fails_the_sms_of_a_partner_who_sent_stop(
        app, gupshup, clock, programs_dir):
    with unit_of_work() as session:
        session.add(Partner(phone=PHONE, name="Ramesh", language="hi"))
    with unit_of_work() as session:
        outbound.queue_message(session, phone=PHONE, text=SECRET, channel="sms", key="k1")
    with unit_of_work() as session:  # the partner sends STOP
        session.scalar(select(Partner)).status = PartnerStatus.OPTED_OUT
    register(programs_dir, "gift", "hi", "{#var#}, your gift code is {#var#}")
    runner = app.test_cli_runner()
    assert runner.invoke(args=["outbox", "retry-refused"]).output.startswith("queued 0")
    assert [f["msg"] for f in gupshup.forms()] == [translate("hi", outbound.DLT_FALLBACK)]
    assert refused_row("k1") == (OutboxStatus.FAILED, "opted out")


def test_retry_refused_holds_the_sms_until_quiet_hours_end(app, gupshup, clock, programs_dir):
    with unit_of_work() as session:
        session.add(Partner(phone=PHONE, name="Ramesh", language="hi"))
    with unit_of_work() as session:  # a notice held an hour; refused: the fallback goes then
        outbound.queue_message(session, phone=PHONE, text=SECRET, channel="sms", key="k1",
                               not_before=utcnow() + timedelta(hours=1))
    register(programs_dir, "gift", "hi", "{#var#}, your gift code is {#var#}")
    clock.advance(hours=13)  # 04:30 IST: quiet hours
    app.test_cli_runner().invoke(args=["outbox", "retry-refused"])
    from workers.outbound import sweep
    sweep()
    fallback = translate("hi", outbound.DLT_FALLBACK)
    assert refused_row("k1")[0] == OutboxStatus.QUEUED
    assert [f["msg"] for f in gupshup.forms()] == [fallback]
    clock.advance(hours=4, minutes=31)  # 09:01 IST
    sweep()
    assert refused_row("k1")[0] == OutboxStatus.SENT
    assert [f["msg"] for f in gupshup.forms()] == [fallback, SECRET]


def test_a_refused_one_time_code_is_never_sent_late(app, gupshup, clock, programs_dir):
    """Its code lasts 5 minutes: a later retry fails it, whatever is registered since."""
    with unit_of_work() as session:
        session.add(Partner(phone=PHONE, name="Ramesh", language="hi"))
    with unit_of_work() as session:
        outbound.queue_message(session, phone=PHONE, text=SECRET, channel="sms",
                               key=keys.otp(7))
    register(programs_dir, "gift", "hi", "{#var#}, your gift code is {#var#}")
    app.test_cli_runner().invoke(args=["outbox", "retry-refused"])
    assert refused_row(keys.otp(7)) == (OutboxStatus.FAILED, "expired")
    assert SECRET not in [f["msg"] for f in gupshup.forms()]


def test_a_refused_first_page_keeps_no_rest_for_more(app, gupshup, clock, programs_dir):
    """Pages 2.. of a text whose first page was refused are never offered to MORE."""
    with unit_of_work() as session:
        session.add(Partner(phone=PHONE, name="Ramesh", language="en"))
    long = "\n".join(f"Line {n}: Ramesh, your gift code is K7-PRIZE{n}" for n in range(12))
    with unit_of_work() as session:
        outbound.queue_message(session, phone=PHONE, text=long, channel="sms", key="k1")
    with unit_of_work() as session:
        conv = conversation.latest_for_phone(session, PHONE, "sms")
        assert sms.next_page(dict(conv.data or {}) if conv else {}) is None
    assert refused_row("k1")[0] == OutboxStatus.REFUSED
    assert [key for _, _, key in rows() if key.startswith("k1")] == ["k1"]


@pytest.mark.parametrize("leave", ["cancel", "unsubscribe"])
def test_a_campaigns_refused_sms_is_never_sent_once_cancelled_or_left(
        app, gupshup, clock, programs_dir, leave):
    campaign_id, partner_id, key = refused_campaign_sms()
    with unit_of_work() as session:
        campaign = session.get(Campaign, campaign_id)
        if leave == "cancel":
            campaigns.cancel(session, campaign)
        else:
            campaigns.unsubscribe(session, campaign, partner_id)
    reason = {"cancel": "campaign cancelled", "unsubscribe": "unsubscribed"}[leave]
    assert refused_row(key) == (OutboxStatus.FAILED, reason)
    register(programs_dir, "gift", "hi", "{#var#}, your gift code is {#var#}")
    app.test_cli_runner().invoke(args=["outbox", "retry-refused"])
    assert refused_row(key) == (OutboxStatus.FAILED, reason)
    assert SECRET not in [f["msg"] for f in gupshup.forms()]


@pytest.mark.parametrize("leave", ["cancel", "unsubscribe"])
def test_retry_refused_fails_a_row_refused_before_its_campaign_was_left(
        app, gupshup, clock, programs_dir, leave):
    """A row still refused after its campaign was left (an older release's): the retry
    itself asks."""
    campaign_id, partner_id, key = refused_campaign_sms()
    with unit_of_work() as session:
        if leave == "cancel":
            session.get(Campaign, campaign_id).status = CampaignStatus.CANCELLED
        else:
            session.add(CampaignOptOut(campaign_id=campaign_id, partner_id=partner_id))
    register(programs_dir, "gift", "hi", "{#var#}, your gift code is {#var#}")
    app.test_cli_runner().invoke(args=["outbox", "retry-refused"])
    reason = {"cancel": "campaign cancelled", "unsubscribe": "unsubscribed"}[leave]
    assert refused_row(key) == (OutboxStatus.FAILED, reason)
    assert SECRET not in [f["msg"] for f in gupshup.forms()]


def refused_campaign_sms() -> tuple[int, int, str]:
    """A CEMPRO campaign's SMS to a Hindi partner, refused: (campaign id, partner id, key)."""
    program_id = load_cempro()
    partner_id = add_partner(program_id, PHONE, 0, distributor_code=None, language="hi")
    with unit_of_work() as session:
        campaign = campaigns.save(session, session.get(Program, program_id),
                                  CampaignSpec.model_validate({
                                      "code": "OFFERS", "messages": {"en": SECRET},
                                      "unsubscribe_word": "STOP OFFERS", "urgent": True}))
        key = keys.campaign(campaign.id, 0, partner_id)
        row = outbound.queue_message(session, phone=PHONE, text=SECRET, channel="sms", key=key)
        session.add(Delivery(campaign_id=campaign.id, partner_id=partner_id, outbox_id=row.id,
                             status=DeliveryStatus.QUEUED))
        return campaign.id, partner_id, key


def refused_row(key: str) -> tuple[str, str | None]:
    with unit_of_work() as session:
        row = session.scalar(select(OutboxMessage).where(OutboxMessage.idempotency_key == key))
        return row.status, row.error


def test_status_says_while_templates_carry_placeholder_ids(app, gupshup, tmp_path, monkeypatch):
    """The repository's templates carry placeholder ids until the operator puts in the
    portal's: Gupshup answers "success" to an SMS under one and the carrier drops it. With
    Gupshup configured, `flask status` is stuck on them until every id is a real one."""
    runner = app.test_cli_runner()
    shown = runner.invoke(args=["status"])
    assert shown.exit_code == 1
    count = len(dlt.registry().templates)
    assert status_lines(shown.output)["DLT ids still placeholders"] == ("STUCK", count)
    assert "register their texts on the DLT portal" in shown.output

    real = iter(range(1107161234500000000, 1107161234600000000))
    copies = []
    for path in (*dlt.PATHS, *sorted(dlt.PROGRAMS.glob("*.yaml"))):
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        for spec in (raw["templates"] or {}).values():
            spec["id"] = str(next(real))
        copies.append(tmp_path / path.name)
        copies[-1].write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    monkeypatch.setattr(dlt, "PATHS", tuple(copies[:2]))
    monkeypatch.setattr(dlt, "REGISTRY", copies[0])
    (tmp_path / "programs").mkdir()
    for copy in copies[2:]:
        copy.rename(tmp_path / "programs" / copy.name)
    monkeypatch.setattr(dlt, "PROGRAMS", tmp_path / "programs")
    assert "DLT ids still placeholders" not in status_lines(
        runner.invoke(args=["status"]).output)

    app.config["SMS_PROVIDER"] = "twilio"
    monkeypatch.undo()
    assert "DLT ids still placeholders" not in status_lines(
        runner.invoke(args=["status"]).output)
