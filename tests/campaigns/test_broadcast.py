"""A broadcast end to end through the Twilio stand-in: the channel and template each partner
gets, STOP, the frequency cap, the A/B holdout, cancel, rate limits and the SMS fallback."""

from __future__ import annotations

import json
import time

from sqlalchemy import select

from bot.channels import twilio_messages
from bot.notices.campaigns import preview
from models import campaigns, ledger
from models.base import utcnow
from models.campaigns import Campaign, Delivery, DeliveryStatus
from models.db import unit_of_work
from models.messaging.outbox import OutboxMessage
from models.partners.partner import PartnerStatus
from models.programs.campaign_spec import CampaignSpec
from tests.campaigns.conftest import BOTH, SMS_FROM, TEMPLATE, WA_FROM, members, phone_of
from workers import campaigns as runner

TIP = {"en": "Hello {name}: OPC stock is in. You hold {balance} credits.",
       "hi": "नमस्ते {name}: OPC का स्टॉक आ गया है।"}


def make(program, code: str = "TIP", **fields) -> int:
    spec = CampaignSpec.model_validate({"code": code, "messages": TIP, "template": {
        "name": "campaign_tip", "vars": {"1": "{name}"}}, **fields})
    with unit_of_work() as session:
        return campaigns.save(session, session.merge(program), spec).id


def send(campaign_id: int) -> None:
    with unit_of_work() as session:
        campaigns.schedule(session, session.get(Campaign, campaign_id), None)
    runner.run(campaign_id)


def deliveries(campaign_id: int) -> dict[int, tuple[str, str | None]]:
    with unit_of_work() as session:
        return {d.partner_id: (d.status, d.reason) for d in session.scalars(
            select(Delivery).where(Delivery.campaign_id == campaign_id))}


@BOTH
def test_each_partner_gets_it_once_on_the_channel_and_template_that_reach_them(
        app, program, member, twilio_api, clock):
    in_window = member("en", whatsapp=1, name="Asha")
    outside = member("hi", whatsapp=30, name="Bina")
    sms_only = member("en", whatsapp=None, name="Chetan")
    tamil_outside = member("ta", whatsapp=30, name="Devi")
    stopped = member("en", status=PartnerStatus.OPTED_OUT)
    campaign_id = make(program)

    send(campaign_id)
    send(campaign_id)  # sending again (a resume) sends nobody twice

    callback = "https://saathi.test/webhooks/twilio/status"
    assert twilio_api.to(phone_of(in_window)) == [{
        "To": f"whatsapp:{phone_of(in_window)}", "From": f"whatsapp:{WA_FROM}",
        "Body": "Hello Asha: OPC stock is in. You hold 0 credits.", "StatusCallback": callback}]
    assert twilio_api.to(phone_of(outside)) == [{
        "To": f"whatsapp:{phone_of(outside)}", "From": f"whatsapp:{WA_FROM}",
        "ContentSid": TEMPLATE["hi"], "ContentVariables": json.dumps({"1": "Bina"}),
        "StatusCallback": callback}]
    assert twilio_api.to(phone_of(sms_only)) == [{
        "To": phone_of(sms_only), "From": SMS_FROM,
        "Body": "Hello Chetan: OPC stock is in. You hold 0 credits. -Saathi",  # DLT wording
        "StatusCallback": callback}]
    # no approved Tamil template: outside the window the (English) text goes by SMS
    assert [f["From"] for f in twilio_api.to(phone_of(tamil_outside))] == [SMS_FROM]
    assert twilio_api.to(phone_of(stopped)) == []
    assert len(twilio_api.forms) == 4
    with unit_of_work() as session:
        assert session.get(Campaign, campaign_id).status == "done"


def test_preview_counts_the_audience_and_names_missing_templates(app, program, member, clock):
    member("en"), member("hi"), member("hi"), member("ta", whatsapp=30)
    member("en", status=PartnerStatus.OPTED_OUT)
    app.config["WHATSAPP_TEMPLATES"] = {"campaign_tip": TEMPLATE}
    campaign_id = make(program, holdout_percent=25)
    with unit_of_work() as session:
        shown = preview(session, session.get(Campaign, campaign_id), utcnow())
    assert (shown.audience, shown.control) == (4, 1)
    assert shown.by_language == {"en": 1, "hi": 2, "ta": 1}
    assert shown.samples["hi"].startswith("नमस्ते Ravi")
    assert shown.samples["ta"].startswith("Hello Ravi")
    assert len(shown.errors) == 2 and all("'ta'" in e for e in shown.errors)


def test_a_partner_who_sends_stop_mid_campaign_gets_nothing_more(app, program, member,
                                                              twilio_api, twilio, clock,
                                                              monkeypatch):
    app.config["CAMPAIGN_BATCH"] = 1
    first, second = member(), member()
    sent_batch = runner._send

    def then_stop(campaign_id, ids):
        result = sent_batch(campaign_id, ids)
        if len(twilio_api.forms) == 1:
            twilio.chat(phone_of(second), "STOP")
        return result

    monkeypatch.setattr(runner, "_send", then_stop)
    campaign_id = make(program)
    send(campaign_id)
    assert [f["To"] for f in twilio_api.forms if "Body" in f and "OPC" in f["Body"]] == \
        [f"whatsapp:{phone_of(first)}"]
    assert deliveries(campaign_id)[second] == (DeliveryStatus.SKIPPED, "opted_out")


def test_the_frequency_cap_holds_across_campaigns(app, program, member, twilio_api, clock):
    partner = member()
    first, second = make(program, "FIRST"), make(program, "SECOND")
    send(first)
    send(second)
    assert len(twilio_api.to(phone_of(partner))) == 1
    assert deliveries(second)[partner] == (DeliveryStatus.SKIPPED, "capped")
    clock.advance(days=1)
    third = make(program, "THIRD")
    send(third)
    assert len(twilio_api.to(phone_of(partner))) == 2


def test_the_holdout_is_counted_and_never_sent(app, program, twilio_api, clock):
    ids = members(program, 16)
    campaign_id = make(program, holdout_percent=50)
    send(campaign_id)
    found = deliveries(campaign_id)
    control = [p for p in ids if found[p][0] == DeliveryStatus.CONTROL]
    assert 3 <= len(control) <= 13 and len(twilio_api.forms) == 16 - len(control)
    assert not any(twilio_api.to(phone_of(p)) for p in control)


def test_cancel_stops_a_running_campaign(app, program, member, twilio_api, clock, monkeypatch):
    app.config["CAMPAIGN_BATCH"] = 2
    for _ in range(6):
        member()
    campaign_id = make(program)
    sent_batch = runner._send

    def then_cancel(cid, ids):  # an operator cancels while the first batch goes out
        sent = sent_batch(cid, ids)
        result = app.test_cli_runner().invoke(args=["campaigns", "cancel", "CEMPRO", "TIP"])
        assert "4 partners will not get it" in result.output
        return sent

    monkeypatch.setattr(runner, "_send", then_cancel)
    send(campaign_id)
    assert len(twilio_api.forms) == 2
    assert sorted(s for s, _ in deliveries(campaign_id).values()) == \
        ["cancelled"] * 4 + ["queued"] * 2


def test_rate_limits_back_off_and_send_once(app, program, member, twilio_api, clock):
    app.config["CAMPAIGN_BACKOFF_SECONDS"] = 0
    partner = member()
    answers = iter([(429, {"code": 20429, "message": "Too Many Requests", "status": 429}),
                    (400, {"code": 63018, "message": "rate exceeded", "status": 400})])
    twilio_api.answer = lambda form: next(answers, None)
    send(make(program))
    assert len(twilio_api.to(phone_of(partner))) == 1


def test_a_message_whose_answer_never_came_is_asked_about_not_sent_again(
        app, program, member, twilio_api, clock, monkeypatch):
    """Twilio took it, its answer timed out: the row stays in flight, and the next run asks
    Twilio's Messages list about it instead of sending it a second time."""
    monkeypatch.setattr(twilio_messages, "TIMEOUT", 0.3)
    partners = [member(), member()]
    answered = iter([False])
    twilio_api.accepted = lambda form: next(answered, True) or time.sleep(1)
    campaign_id = make(program)
    send(campaign_id)
    assert len(twilio_api.forms) == 2
    clock.advance(minutes=5)  # the sender's lease is over
    runner.run(campaign_id)
    assert [len(twilio_api.to(phone_of(p))) for p in partners] == [1, 1]
    with unit_of_work() as session:
        assert set(session.scalars(select(OutboxMessage.status))) == {"sent"}


def test_whatsapp_that_cannot_reach_the_partner_falls_back_to_sms_and_stats_count_it(
        app, program, member, twilio_api, twilio, clock):
    reached, unreachable = member(), member()
    campaign_id = make(program)
    send(campaign_id)
    sids = {f["To"]: f"SM{n:032d}" for n, f in enumerate(twilio_api.forms, start=1)}
    for phone, status, code in ((phone_of(reached), "read", None),
                                (phone_of(unreachable), "undelivered", "63016")):
        form = {"MessageSid": sids[f"whatsapp:{phone}"], "MessageStatus": status,
                "AccountSid": "AC" + "0" * 32}
        if code:
            form["ErrorCode"] = code
        assert twilio.post(form, "/webhooks/twilio/status").status_code == 204
    assert [f["From"] for f in twilio_api.to(phone_of(unreachable))] == \
        [f"whatsapp:{WA_FROM}", SMS_FROM]
    clock.advance(minutes=5)
    twilio.chat(phone_of(reached), "BAL")
    result = app.test_cli_runner().invoke(args=["campaigns", "stats", "CEMPRO", "TIP"])
    assert result.exit_code == 0, result.output
    assert "deliveries: queued 2" in result.output
    assert "messages: read 1, undelivered 1" in result.output
    assert "failed: 63016 1" in result.output
    assert "replied: 1, opted out: 0, cost: Rs 1.72" in result.output


def test_a_cancelled_campaign_cannot_be_sent(app, program, member, twilio_api, clock):
    member()
    make(program)
    cli = app.test_cli_runner()
    assert cli.invoke(args=["campaigns", "cancel", "CEMPRO", "TIP"]).exit_code == 0
    result = cli.invoke(args=["campaigns", "send", "CEMPRO", "TIP"])
    assert result.exit_code != 0 and "TIP is cancelled" in result.output


@BOTH
def test_the_ab_effect_compares_sent_and_held_out_partners(app, program, twilio_api, clock):
    ids = members(program, 12)
    campaign_id = make(program, holdout_percent=50)
    send(campaign_id)
    found = deliveries(campaign_id)
    test = [p for p in ids if found[p][0] == DeliveryStatus.QUEUED]
    control = [p for p in ids if found[p][0] == DeliveryStatus.CONTROL]
    clock.advance(days=3)
    with unit_of_work() as session:
        for n, partner in enumerate([*test[:2], control[0]]):
            ledger.earn(session, partner_id=partner, program_id=program.id, credits=10,
                        key=f"ab:{n}", cause="adjustment", cause_ref="t")
    clock.advance(days=10)
    with unit_of_work() as session:
        ledger.earn(session, partner_id=test[2], program_id=program.id, credits=10,
                    key="ab:late", cause="adjustment", cause_ref="t")
    with unit_of_work() as session:
        effects = {(e.group, e.days): (e.partners, e.earned) for e in
                   campaigns.effect(session, session.get(Campaign, campaign_id), 7)
                   + campaigns.effect(session, session.get(Campaign, campaign_id), 30)}
    assert effects == {("test", 7): (len(test), 2), ("control", 7): (len(control), 1),
                       ("test", 30): (len(test), 3), ("control", 30): (len(control), 1)}


@BOTH
def test_a_refusal_mid_chunk_keeps_the_rows_sent_before_it_when_one_has_an_older_rows_id(
        app, program, member, twilio_api, clock):
    """The provider answers a chunk's first row with an id an older message holds, then
    rate-limits the next row: the commit that refusal makes keeps the first row sent, without
    the id (it used to fail on the unique id and have the row sent again)."""
    app.config.update(CAMPAIGN_BACKOFF_SECONDS=0, CAMPAIGN_THREADS=1)
    with unit_of_work() as session:  # an older message the provider gave the first id to
        session.add(OutboxMessage(phone="+919800000001", channel="sms", body="older",
                                  status="sent", provider_sid=f"SM{1:032d}"))
    first, second = member(), member()
    answers = iter([None, (429, {"code": 20429, "message": "Too Many Requests",
                                 "status": 429})])
    twilio_api.answer = lambda form: next(answers, None)
    send(make(program))
    assert [len(twilio_api.to(phone_of(p))) for p in (first, second)] == [1, 1]
    with unit_of_work() as session:
        rows = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        assert [(r.status, r.provider_sid) for r in rows] == [
            ("sent", f"SM{1:032d}"), ("sent", None), ("sent", f"SM{2:032d}")]
        assert "is another message's already" in rows[1].error
