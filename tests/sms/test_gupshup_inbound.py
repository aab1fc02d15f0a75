"""Inbound SMS from Gupshup's keyword response URL (the secret path key, the exact answers
sent back through the Gupshup DLT sender, once per SMS, refused requests), and SMS sent later
as registered templates: one per line, an image's link on its own."""

from __future__ import annotations

import itertools
import logging

import pytest
from sqlalchemy import select

from bot.channels import dlt
from bot.channels.sms import LINK, MORE_HINT, segments
from bot.config import ConfigError, load_settings
from bot.i18n import LANGUAGES, translate
from bot.notices import outbound
from bot.notices.invoices import CONFIRM_ALL
from bot.notices.redemptions import VOUCHER
from models import ledger
from models.db import unit_of_work
from models.messaging.outbox import OutboxMessage, OutboxStatus
from models.partners.partner import Partner
from models.programs.program import by_code
from tests.scan.conftest import add_batch, add_partner

KEY = "gs-7f3a9c"
PHONE = "+919812345678"
URL = f"/webhooks/gupshup/sms/{KEY}"


@pytest.fixture
def app(sqlite_app):
    """SQLite only: the callback's parsing and routing do not depend on the database."""
    return sqlite_app


@pytest.fixture
def inbound(app, gupshup):
    app.config["GUPSHUP_INBOUND_KEY"] = KEY
    return app.test_client()


def callback(client, member_phone: str, content: str, timestamp: str = "1773312000000",
             path: str = URL):
    national = member_phone.removeprefix("+91")
    response = client.get(path, query_string={
        "phonecode": "9220092200", "keyword": content.split()[0], "location": "Mumbai",
        "carrier": "Vodafone", "content": content, "msisdn": national, "timestamp": timestamp})
    response.close()  # runs the in-process jobs (the sends), as a real server does
    return response


def _template(name: str) -> dlt.Template:
    return next(t for t in dlt.registry().templates if t.name == name)


def test_an_sms_from_gupshup_is_answered_through_gupshup_with_its_dlt_id(inbound, gupshup,
                                                                         member, clock):
    phone, _ = member
    response = callback(inbound, phone, "BAL")
    assert response.status_code == 200 and response.mimetype == "application/xml"
    assert response.text.strip().endswith("<response></response>")
    # one answer of three lines: one SMS, a flow template (bot/channels/dlt_flows.yaml)
    text = "QRA test - Shakti credits: 0 (worth Rs 0)\nTier: Member\n" \
        "Next tier Specialist: 700 more credits"
    assert [(f["send_to"], f["msg_type"], f["mask"], f["msg"], f["dltTemplateId"])
            for f in gupshup.forms()] == [
        (phone.removeprefix("+"), "TEXT", "SAATHI", text, dlt.match(text).id)]
    assert dlt.match(text).name.startswith("flow_")


def test_the_same_callback_twice_is_answered_once(inbound, gupshup, member, clock):
    phone, _ = member
    assert callback(inbound, phone, "HELP").status_code == 200
    assert callback(inbound, phone, "HELP").status_code == 200
    assert len(gupshup.forms()) == 1
    assert gupshup.forms()[0]["dltTemplateId"] == _template("sms_help").id
    callback(inbound, phone, "HELP", timestamp="1773312060000")  # sent again a minute later
    assert len(gupshup.forms()) == 2


@pytest.mark.parametrize("path", [URL + "x", "/webhooks/gupshup/sms/", "/webhooks/gupshup/sms/a"])
def test_a_wrong_key_is_not_found(inbound, gupshup, member, path):
    assert callback(inbound, member[0], "BAL", path=path).status_code == 404
    assert gupshup.forms() == []


def test_without_a_key_the_endpoint_is_off(app, gupshup, member):
    assert callback(app.test_client(), member[0], "BAL").status_code == 404


@pytest.mark.parametrize("query", [
    {"msisdn": "98123", "timestamp": "1773312000000", "content": "BAL"},  # not a number
    {"msisdn": "9812345678", "timestamp": "yesterday", "content": "BAL"},
    {"msisdn": "9812345678", "timestamp": "1773312000000", "content": "BAL", "pin": "1234"},
])
def test_a_request_not_in_gupshups_shape_is_refused_and_logged(inbound, gupshup, query,
                                                               caplog):
    with caplog.at_level(logging.WARNING, logger="saathi.gupshup"):
        response = inbound.get(URL, query_string=query)
        response.close()
    assert response.status_code == 400 and gupshup.forms() == []
    assert any(r.getMessage() == "gupshup sms refused" for r in caplog.records)


def test_the_inbound_key_needs_gupshup_to_answer():
    with pytest.raises(ConfigError, match="GUPSHUP_INBOUND_KEY needs SMS_PROVIDER=gupshup"):
        load_settings({"GUPSHUP_INBOUND_KEY": KEY})
    assert load_settings({"GUPSHUP_INBOUND_KEY": KEY, "SMS_PROVIDER": "gupshup",
                          "GUPSHUP_USERID": "2000123456", "GUPSHUP_PASSWORD": "pw",
                          "PUBLIC_BASE_URL": "https://saathi.example.com"})


def test_a_read_back_too_long_for_one_sms_goes_as_one_template_sms_per_line(app, gupshup, clock):
    read = translate("hi", "I read: {summary}.", summary=translate(
        "hi", "Invoice {number}, seller GSTIN {gstin}, date {date}, total {total}",
        number="B-54811", gstin="27AAACS1234P1Z7", date="08-03-2026", total="₹1,01,456.40"))
    question = translate("hi", CONFIRM_ALL)
    with unit_of_work() as session:
        outbound.queue_message(session, phone=PHONE, text=f"{read}\n{question}", channel="sms")
    assert [(f["msg"], f["dltTemplateId"]) for f in gupshup.forms()] == [
        (read, _template("invoice_read").id), (question, _template("invoice_confirm").id)]


def test_an_image_goes_as_a_link_sms_of_its_own_after_the_text(app, gupshup, clock):
    text = translate("ta", VOUCHER, label="ஊழியர் பயிற்சி உதவித்தொகை", code="SV-JDTM-XA3D",
                     distributor="Sai Traders", date="19-03-2026")
    with unit_of_work() as session:
        session.add(Partner(phone=PHONE, name="Ravi", language="ta"))
    with unit_of_work() as session:
        outbound.queue_message(session, phone=PHONE, text=text, channel="sms", key="v1",
                               media_urls=("/media/vouchers/" + "a" * 32 + ".png",))
    link = translate("ta", LINK, url=f"https://saathi.test/media/vouchers/{'a' * 32}.png")
    assert [(f["msg"], f["dltTemplateId"]) for f in gupshup.forms()] == [
        (text, _template("voucher").id), (link, _template("image_link").id)]
    assert all(segments(f["msg"]) <= 2 for f in gupshup.forms())


def test_top_through_gupshup_is_one_leaderboard_template_sms_in_every_language(
        inbound, gupshup, member, db, programs, clock):
    phone, _ = member
    for n in range(11):  # a full board of long names in the partner's district (400…)
        add_partner(db, programs, name=f"Venkataraman{n} Subramaniam", region="Mumbai City")
    add_partner(db, programs, name="No Pin", pincode=None)
    db.commit()
    board = _template("leaderboard_sms")
    for n, lang in enumerate(LANGUAGES):
        with unit_of_work() as session:
            session.query(Partner).filter_by(phone=phone).update({"language": lang})
        callback(inbound, phone, "TOP", timestamp=str(1773312000000 + n * 60_000))
        form = gupshup.forms()[-1]
        assert len(gupshup.forms()) == n + 1, lang  # one SMS, no menu, no MORE pages
        assert form["dltTemplateId"] == board.id, (lang, form["msg"])
        assert segments(form["msg"]) <= 2, (lang, form["msg"])
        assert "#1 " in form["msg"] and "\n" not in form["msg"], (lang, form["msg"])
    assert form["msg"].startswith("QRA test, ")
    with unit_of_work() as session:
        no_pin = session.query(Partner).filter_by(name="No Pin").one().phone
    callback(inbound, no_pin, "TOP")
    assert gupshup.forms()[-1]["dltTemplateId"] == _template("leaderboard_no_pin").id


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_every_keyword_answer_and_every_page_of_it_goes_as_a_registered_template(
        inbound, gupshup, db, programs, clock, lang):
    """Each SMS as the Gupshup sender sends it, MORE pages and their footer included: BAL in
    two programs is paged in every language but English (GSM-7), and a page goes as one
    template SMS a line, its footer too (i17 #6 QA: a Tamil BAL over Gupshup was refused
    for its "reply MORE" footer). Each page is one flow template (bot/channels/dlt_flows.yaml),
    its footer inside."""
    partner = add_partner(db, programs, "QRA", "QRB", language=lang)
    codes = add_batch(db, programs["QRA"], count=2, credits=10)
    db.commit()
    with unit_of_work() as session:
        qra, qrb = (by_code(session, code).id for code in ("QRA", "QRB"))
        for program_id in (qra, qrb):
            ledger.adjust(session, partner_id=partner.id, program_id=program_id, credits=1500,
                          key=f"grant{program_id}", reason="welcome", actor="admin")
    stamps = itertools.count(1773312000000, 60_000)
    for body in ("BAL", "MORE", "MORE", "MORE", "HELP", f"CODE {codes[0]}"):
        callback(inbound, partner.phone, body, timestamp=str(next(stamps)))
    with unit_of_work() as session:
        rows = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        refused = [r.body for r in rows if r.status == OutboxStatus.FAILED]
    assert not refused, f"{lang}: refused by DLT: {refused}"
    sent = [f["msg"] for f in gupshup.forms()]
    assert all(segments(m) <= 2 and dlt.match(m) for m in sent)
    footer = translate(lang, MORE_HINT)
    assert any(m.endswith(f"\n{footer}") for m in sent) or lang == "en", \
        f"{lang}: BAL not paged: no footer was checked"


@pytest.mark.parametrize("lang", ["hi", "ta"])
def test_a_menu_and_its_more_page_go_through_gupshup_as_flow_templates(
        inbound, gupshup, member, clock, lang):
    """A flow's answer over Gupshup (the main menu, paged in a UCS-2 language) and its MORE
    page each go as one registered flow template (bot/channels/dlt_flows.yaml)."""
    phone, _ = member
    with unit_of_work() as session:
        session.query(Partner).filter_by(phone=phone).update({"language": lang})
    for n, body in enumerate(("MENU", "MORE")):
        callback(inbound, phone, body, timestamp=str(1773312000000 + n * 60_000))
    flows = {t.id: t.name for t in dlt.registry((dlt.FLOWS,)).templates}
    forms = gupshup.forms()
    assert [f["dltTemplateId"] in flows for f in forms] == [True, True], forms
    assert forms[0]["msg"].endswith(translate(lang, MORE_HINT))
