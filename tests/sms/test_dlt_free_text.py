"""Free text by SMS under India's DLT: an agent's answer and a campaign's own words go inside
registered wordings (a run of {#var#}), and the Gupshup sender sends them with that
template's id; an answer too long for one SMS is split, one too long for three is refused;
a promotional campaign's SMS waits for 09:00 IST, a service-explicit one does not."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.channels import dlt
from bot.channels.sms import MAX_SEGMENTS, segments
from bot.notices import outbound
from bot.notices.campaigns import sms_wording
from bot.notices.support import MAX_SMS, AnswerTooLong, sms_answer
from models import campaigns
from models.db import engine as current_engine
from models.db import unit_of_work
from models.messaging.outbox import OutboxMessage, OutboxStatus
from models.partners.partner import Partner
from models.programs.campaign_spec import CampaignSpec
from models.programs.program import by_code
from models.support.tickets import TicketReason, answer, open_ticket
from tests.conftest import _make_app
from tests.privacy.helpers import PHONE, add_partner, load_cempro
from workers import campaigns as campaign_jobs

IDS = {t.name: t.id for t in dlt.registry().templates}
DAY = datetime(2026, 3, 12, 6, 0, tzinfo=UTC)  # 11:30 IST
NIGHT = datetime(2026, 3, 12, 17, 0, tzinfo=UTC)  # 22:30 IST


@pytest.fixture
def app(request, tmp_path):
    """SQLite only: what is sent does not depend on the database."""
    app = _make_app("sqlite", request, tmp_path)
    with app.app_context():
        yield app
        current_engine().dispose()


def _answer(text: str, language: str = "en") -> None:
    load_cempro()
    partner_id = add_partner(language=language)
    with unit_of_work() as session:
        ticket = open_ticket(session, session.get(Partner, partner_id), channel="sms",
                             reason=TicketReason.ASKED_FOR_PERSON, words="help")
    with unit_of_work() as session:
        answer(session, ticket.id, text=text, key="answer-1")


def _answers(gupshup) -> list[dict]:
    return [f for f in gupshup.forms() if f["dltTemplateId"] != IDS["ticket_opened"]]


def test_an_agents_answer_goes_with_the_support_template_id(app, gupshup, clock):
    _answer("Your credits are on the way.\nThanks for waiting!")
    (form,) = _answers(gupshup)
    assert form["dltTemplateId"] == IDS["support_answer"] == "1107000000000000064"
    assert form["msg"] == "Saathi support: Your credits are on the way. Thanks for waiting!"
    assert form["msg_type"] == "TEXT" and form["principalEntityId"] == "1101000000000000000"


def test_a_hindi_answer_goes_as_unicode_with_the_same_template(app, gupshup, clock):
    _answer("आपके क्रेडिट आ रहे हैं 🙏", language="hi")
    (form,) = _answers(gupshup)
    assert form["dltTemplateId"] == IDS["support_answer"]
    assert form["msg"] == "Saathi सहायता: आपके क्रेडिट आ रहे हैं 🙏"
    assert form["msg_type"] == "UNICODE_TEXT"


def test_a_long_answer_is_split_into_sms_of_two_segments_each(app, gupshup, clock):
    words = "Your invoice INV-2291 was checked again and the credits are being added now. "
    _answer(words * 6)  # about 480 characters: two SMS in GSM-7
    sent = _answers(gupshup)
    assert len(sent) == 2 and {f["dltTemplateId"] for f in sent} == {IDS["support_answer"]}
    assert all(segments(f["msg"]) <= MAX_SEGMENTS for f in sent)
    joined = " ".join(f["msg"].removeprefix("Saathi support: ") for f in sent)
    assert joined == " ".join((words * 6).split())


@pytest.mark.parametrize("lang", ["en", "hi", "ta"])
def test_an_answer_needing_more_than_three_sms_is_refused(lang):
    with pytest.raises(AnswerTooLong, match="too long for SMS"):
        sms_answer(lang, "अ" * 600 if lang != "en" else "word " * 300)
    parts = sms_answer(lang, "x" * 150)  # a word longer than an SMS in UCS-2 is cut
    assert 1 <= len(parts) <= MAX_SMS
    assert all(dlt.match(p).name == "support_answer" and segments(p) <= 2 for p in parts)


def _campaign(spec: CampaignSpec) -> None:
    load_cempro()
    add_partner()
    with unit_of_work() as session:
        campaign = campaigns.save(session, by_code(session, "CEMPRO"), spec)
        campaigns.schedule(session, campaign, None)
        campaign_id = campaign.id
    campaign_jobs.run(campaign_id)


def test_a_broadcast_goes_as_a_promotional_sms(app, gupshup, clock):
    clock.set(DAY)
    _campaign(CampaignSpec(code="OPC-DOUBLE", messages={
        "en": "Double credits on OPC bags this week,\n{name}!"}))
    (form,) = gupshup.forms()
    assert form["dltTemplateId"] == IDS["campaign_promotional"]
    assert form["msg"] == "Double credits on OPC bags this week, Rajesh Kumar! -Saathi"


def test_a_promotional_sms_at_night_waits_for_nine(app, gupshup, clock):
    clock.set(NIGHT)
    spec = CampaignSpec(code="OPC-NIGHT", messages={"en": "Double credits this week!"})
    _campaign(spec)
    assert gupshup.forms() == []  # the program's quiet hours hold the campaign
    with unit_of_work() as session:  # and the gateway's rule holds a promotional SMS
        row_id = outbound.queue_message(session, phone=PHONE, channel="sms",
                                        text=sms_wording(spec, "en", "Last day!")).id
    with unit_of_work() as session:
        row = session.get(OutboxMessage, row_id)
        assert row.status == OutboxStatus.QUEUED and "deferred" in row.error
    assert gupshup.forms() == []


def test_an_urgent_or_triggered_campaign_goes_as_service_explicit(app, gupshup, clock):
    clock.set(NIGHT)
    _campaign(CampaignSpec(code="RECALL", urgent=True,
                           messages={"en": "Batch 7 of OPC is recalled: do not sell it."}))
    (form,) = gupshup.forms()
    assert form["dltTemplateId"] == IDS["campaign_service"]
    assert form["msg"] == "Saathi update: Batch 7 of OPC is recalled: do not sell it."
    assert dlt.match(form["msg"]).category == dlt.Category.SERVICE_EXPLICIT


def test_an_urgent_campaign_cannot_be_promotional():
    with pytest.raises(ValueError, match="cannot be promotional"):
        CampaignSpec(code="BAD", urgent=True, sms_category="promotional",
                     messages={"en": "x"})


def _refused_on_whatsapp(key: str, body: str) -> None:
    """A WhatsApp row the provider refused (outside the window): it goes by SMS instead."""
    with unit_of_work() as session:
        partner = session.scalar(select(Partner).where(Partner.phone == PHONE))
        row = OutboxMessage(channel="whatsapp", phone=PHONE, partner_id=partner.id, body=body,
                            idempotency_key=key, status=OutboxStatus.FAILED)
        session.add(row)
        session.flush()
        outbound.fall_back_to_sms(session, row)


def test_answers_and_campaigns_falling_back_from_whatsapp_keep_their_dlt_wording(
        app, gupshup, clock):
    clock.set(DAY)
    _campaign(CampaignSpec(code="LATER", kind="triggered",
                           trigger={"event": "inactive", "days": 30},
                           messages={"en": "We miss you!"}))  # nobody inactive yet: no SMS
    _refused_on_whatsapp("ticket-answer:9:r1", "Your credits are on the way.")
    with unit_of_work() as session:
        campaign_id = session.scalar(select(campaigns.Campaign.id))
    _refused_on_whatsapp(f"campaign:{campaign_id}:1:1", "We miss you!")
    assert [(f["dltTemplateId"], f["msg"]) for f in gupshup.forms()] == [
        (IDS["support_answer"], "Saathi support: Your credits are on the way."),
        (IDS["campaign_service"], "Saathi update: We miss you!")]
