"""USSD beside the other channels: the same phone on USSD and WhatsApp at once, concurrent
deliveries of one step, a call back, and what a USSD caller receives later (by SMS)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from bot.i18n import LANGUAGES, translate
from bot.messages import Reply
from bot.notices.support import CALL_BACK, opened_text
from bot.web import ussd as ussd_web
from models import ledger
from models.codes import tables as qr
from models.codes.format import group
from models.db import unit_of_work
from models.messaging import ussd as ussd_rows
from models.messaging.conversation import Conversation
from models.messaging.outbox import OutboxMessage
from models.messaging.ussd import UssdSession
from models.partners.partner import Partner
from models.programs.program import by_code
from models.support.tickets import Ticket, TicketReason
from tests.conftest import TwilioClient
from tests.redeem.conftest import RETAILER
from tests.ussd.conftest import Gateway


def _codes(count: int) -> list[str]:
    with unit_of_work() as session:
        batch = qr.create_batch(session, program=by_code(session, "CEMPRO"), name="TOGETHER",
                                count=count, credits=5)
        return [group(code) for _serial, code in qr.batch_codes(batch)]


def test_the_same_phone_on_ussd_and_whatsapp_at_once_loses_nothing(app, gateway, retailer,
                                                                   cempro):
    codes = _codes(4)  # (more than 5 scans a minute would go to review)

    def whatsapp(code: str) -> list[str]:
        return TwilioClient(app.test_client()).chat(RETAILER, f"CODE {code}")

    def ussd(code: str) -> str:
        call = Gateway(app.test_client()).dial(RETAILER)
        return call.press(f"CODE {code}")

    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(lambda n: (whatsapp if n % 2 else ussd)(codes[n]), range(4)))
    assert all("5 credits added" in str(a) for a in answers), answers
    with unit_of_work() as session:
        assert ledger.wallet_balance(session, retailer, cempro).balance == 2000 + 4 * 5
        assert session.scalar(select(func.count()).select_from(qr.QrRedemption)) == 4
        states = {c.channel: (c.flow, c.state) for c in session.scalars(
            select(Conversation).where(Conversation.phone == RETAILER))}
    assert set(states) == {"ussd", "whatsapp"}


def test_one_step_delivered_concurrently_is_answered_once(app, gateway, retailer):
    call = gateway.dial(RETAILER)
    form = call.form("1")

    def deliver(_):
        response = Gateway(app.test_client()).post(form)
        return response.get_data(as_text=True)

    with ThreadPoolExecutor(max_workers=5) as pool:
        screens = list(pool.map(deliver, range(5)))
    assert len(set(screens)) == 1 and "credits: 2,000" in screens[0]
    with unit_of_work() as session:
        row = session.scalar(select(UssdSession))
        assert row.consumed == "1" and set(row.screens) == {"0", "1"}


def test_a_screen_is_not_written_over_a_session_row_that_moved_since_it_was_read(gateway,
                                                                                retailer):
    call = gateway.dial(RETAILER)
    with unit_of_work() as session:  # as a step's first transaction read it, then committed
        seen = session.scalar(select(UssdSession))
    call.press("1")  # meanwhile the session went on
    with unit_of_work() as session:
        assert not ussd_rows.answer_as_read(session, seen, step="1", consumed="1",
                                            pages=["stale"], page=0, screen="CON stale")
    with unit_of_work() as session:
        row = session.scalar(select(UssdSession))
        assert row.screens["1"] == call.last and row.pages != ["stale"]


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_call_me_back_opens_a_ticket_and_the_sms_after_it_promises_what_the_screen_did(
        gateway, retailer, lang):
    with unit_of_work() as session:
        session.get(Partner, retailer).language = lang
    call = gateway.dial(RETAILER)
    person = translate(lang, "Talk to a person")
    while f". {person}" not in call.last:
        call.press("98")
    choice = next(line.split(".")[0] for line in call.last.split("\n")
                  if line.endswith(f". {person}"))
    assert translate(lang, "Shall a person from our team call you back on this number?") \
        in call.press(choice)
    screen = call.press("1").removeprefix("CON ").split("\n")[0]  # then the menu
    with unit_of_work() as session:
        ticket = session.scalar(select(Ticket))
        assert (ticket.channel, ticket.reason) == ("ussd", TicketReason.ASKED_FOR_PERSON)
        told = session.scalars(select(OutboxMessage).where(
            OutboxMessage.phone == RETAILER)).all()
    assert [m.channel for m in told] == ["sms"]
    assert screen == told[0].body == opened_text(lang, ticket.id, call_back=True)
    assert translate("en", CALL_BACK, n=4, ticket=1).startswith(
        "Thank you. A person from our team will call you back within 4 hours")


def test_an_image_in_a_reply_is_sent_as_an_sms_link_once(gateway, retailer, monkeypatch):
    monkeypatch.setattr(ussd_web.router, "answer", lambda message, finish: [
        Reply("You passed! Your certificate: C-1", media_url="/media/certificates/C-1.png")])
    call = gateway.dial(RETAILER)
    assert call.last == "CON You passed! Your certificate: C-1"
    call.again()
    with unit_of_work() as session:
        sent = session.scalars(select(OutboxMessage)).all()
    assert [(m.channel, m.body) for m in sent] == [
        ("sms", "Saathi: open this link to see it: "
                "https://saathi.test/media/certificates/C-1.png")]
