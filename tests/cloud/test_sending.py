"""Sending through the Graph API from the outbox: the exact JSON of each kind, templates per
language outside the 24-hour window, Meta's error codes, and order per partner."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot import media
from bot.messages import Option, Reply
from bot.notices import outbound
from models.db import unit_of_work
from models.messaging.outbox import OutboxMessage
from models.partners.partner import Partner
from tests.cloud.graphstub import NUMBER_ID, delivery, status
from workers import outbound as delivering

PHONE = "+919812345678"
TO = PHONE[1:]
ENVELOPE = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": TO}


@pytest.fixture
def partner(app, graph, cloud, clock):
    with unit_of_work() as session:
        session.add(Partner(phone=PHONE, name="Ravi", language="hi"))
    cloud.send(PHONE, "Hi", "opening")  # opens the 24-hour window on NUMBER_ID
    graph.sent.clear()


def _queue(reply: Reply | None = None, **kwargs) -> None:
    with unit_of_work() as session:
        if reply is not None:
            outbound.queue_reply(session, phone=PHONE, channel="whatsapp", reply=reply,
                                 key=kwargs.pop("key", "k"))
        else:
            outbound.queue_message(session, phone=PHONE, channel="whatsapp", **kwargs)


def _rows() -> list[OutboxMessage]:
    with unit_of_work() as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_text(partner, graph):
    _queue(Reply("Balance: 1,200 credits"))
    assert graph.sent == [(NUMBER_ID, {**ENVELOPE, "type": "text", "text": {
        "preview_url": False, "body": "Balance: 1,200 credits"}})]


def test_buttons(partner, graph):
    _queue(Reply("Confirm?", options=(Option("yes", "Yes, redeem 500 credits now"),
                                      Option("no", "No"))))
    assert graph.sent[0][1] == {**ENVELOPE, "type": "interactive", "interactive": {
        "type": "button", "body": {"text": "Confirm?"}, "action": {"buttons": [
            {"type": "reply", "reply": {"id": "yes", "title": "Yes, redeem 500 cre…"}},
            {"type": "reply", "reply": {"id": "no", "title": "No"}}]}}}


def test_list_in_the_partners_language(partner, graph):
    options = (*(Option(f"k{n}", f"Option {n}") for n in range(1, 5)),
               Option("long", "A very long option title that needs its description"))
    _queue(Reply("Pick one", options=options))
    assert graph.sent[0][1] == {**ENVELOPE, "type": "interactive", "interactive": {
        "type": "list", "body": {"text": "Pick one"}, "action": {
            "button": "चुनें", "sections": [{"rows": [
                {"id": "k1", "title": "Option 1"}, {"id": "k2", "title": "Option 2"},
                {"id": "k3", "title": "Option 3"}, {"id": "k4", "title": "Option 4"},
                {"id": "long", "title": "A very long option titl…",
                 "description": "A very long option title that needs its description"}]}]}}}


def test_more_than_ten_options_are_numbered_text(partner, graph):
    _queue(Reply("Pick", options=tuple(Option(str(n), f"o{n}") for n in range(11))))
    assert graph.sent[0][1]["type"] == "text"
    assert graph.sent[0][1]["text"]["body"].endswith("\n11. o10")


def test_image_by_the_services_public_url(partner, graph, app):
    _queue(Reply("Your certificate", media_url="/media/certificates/C1.png"))
    assert graph.sent[0][1] == {**ENVELOPE, "type": "image", "image": {
        "link": f"{app.config['PUBLIC_BASE_URL']}/media/certificates/C1.png",
        "caption": "Your certificate"}}


def test_image_uploaded_when_the_service_has_no_public_url(partner, graph, app):
    app.config["PUBLIC_BASE_URL"] = ""
    stored = media.store_as(b"\x89PNG certificate", "certificates", "C2.png")
    _queue(Reply("Your certificate", media_url=stored))
    (upload,) = graph.uploads
    assert b"\x89PNG certificate" in upload and b'name="messaging_product"' in upload
    assert b"image/png" in upload
    assert graph.sent[0][1] == {**ENVELOPE, "type": "image", "image": {
        "id": "4490709327384034", "caption": "Your certificate"}}


def test_template_outside_the_window_in_the_partners_language(partner, graph, app, clock):
    app.config["WHATSAPP_CLOUD_TEMPLATES"] = {
        "tier_change": {"en": "tier_change_en", "hi": "tier_change_hi"}}
    clock.advance(hours=25)
    _queue(text="Your tier is Gold", template="tier_change",
           template_vars={"2": "1,200", "1": "Gold"})
    assert graph.sent[0][1] == {**ENVELOPE, "type": "template", "template": {
        "name": "tier_change_hi", "language": {"code": "hi"}, "components": [
            {"type": "body", "parameters": [{"type": "text", "text": "Gold"},
                                            {"type": "text", "text": "1,200"}]}]}}


def test_a_template_without_a_cloud_name_fails_the_row(partner, graph, app, clock):
    clock.advance(hours=25)
    _queue(text="x", template="unknown", key="t")
    assert graph.sent == [] and _rows()[-2].error.endswith("'unknown'")


def test_a_template_the_operator_never_mapped_goes_by_sms_at_once(partner, graph, app, clock):
    """Retrying cannot conjure a template: the row fails on its first attempt and the partner
    reads the text by SMS instead of nothing."""
    clock.advance(hours=25)
    _queue(text="DuraChem: 500 credits reached", template="milestone_reached", key="m")
    whatsapp, sms = _rows()[-2:]
    assert graph.sent == []
    assert (whatsapp.status, whatsapp.attempts) == ("failed", 1)
    assert whatsapp.error == "no Cloud API template for 'milestone_reached'"
    assert (sms.channel, sms.body, sms.status) == ("sms", "DuraChem: 500 credits reached", "sent")


@pytest.mark.parametrize("code", [130429, 131056])
def test_a_rate_limit_backs_off_and_the_retry_sends(partner, graph, app, code):
    graph.errors.append((400, code))
    _queue(Reply("one"), key="one")  # the in-process runner retries after its backoff
    row = _rows()[-1]
    assert (row.status, row.attempts, row.error) == ("sent", 2, f"{code}: refused")
    assert len(graph.sent) == 2


def test_rate_limits_never_give_up_for_good(partner, graph, app):
    graph.errors += [(400, 130429)] * 10
    _queue(Reply("one"), key="one")
    row = _rows()[-1]
    assert row.status == "queued" and row.attempts == app.config["JOB_RETRIES"] + 1
    assert "130429" in row.error  # the outbox sweep sends it later


def test_undeliverable_is_marked_and_never_retried(partner, graph):
    graph.errors.append((400, 131026))
    _queue(Reply("one"), key="one")
    row = _rows()[-1]
    assert (row.status, row.attempts, row.error) == ("failed", 1, "131026: refused")
    assert len(graph.sent) == 1


def test_outside_the_window_at_send_time_goes_by_sms(partner, graph):
    graph.errors.append((400, 131047))
    _queue(Reply("Your credits expire soon"), key="one")
    whatsapp, sms = _rows()[-2:]
    assert (whatsapp.status, sms.channel, sms.body, sms.status) == (
        "failed", "sms", "Your credits expire soon", "sent")


def test_a_failed_status_outside_the_window_goes_by_sms_once(partner, graph, cloud):
    _queue(Reply("Your credits expire soon"), key="one")
    sent = _rows()[-1].provider_sid
    for _ in range(2):  # Meta retries the webhook
        cloud.post(delivery(statuses=[status(sent, "failed", 131047)]))
    rows = _rows()
    assert [(r.channel, r.status) for r in rows[-2:]] == [("whatsapp", "failed"),
                                                           ("sms", "sent")]
    assert len([r for r in rows if r.channel == "sms"]) == 1


def test_rows_for_one_partner_leave_in_order(partner, graph, app):
    app.config["REDIS_URL"] = ""
    with unit_of_work() as session:
        for n in range(3):
            row = OutboxMessage(channel="whatsapp", phone=PHONE, body=f"m{n}", via=NUMBER_ID)
            session.add(row)
    last = _rows()[-1].id
    delivering.deliver(last)  # the last row's job runs first: the earlier ones go before it
    assert [p["text"]["body"] for _n, p in graph.sent] == ["m0", "m1", "m2"]
    assert {r.status for r in _rows()[-3:]} == {"sent"}
    delivering.deliver(last - 1)  # their own jobs find nothing left to do
    assert len(graph.sent) == 3
