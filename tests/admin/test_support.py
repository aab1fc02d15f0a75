"""The support inbox: HELP ME (in any language) or a voice note opens a ticket; the agent
reads the conversation and answers from the page; the answer is an outbox row (a template
outside WhatsApp's 24 hours, nothing for a partner who sent STOP); the SLA timer shows."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from models.db import unit_of_work
from models.messaging.outbox import OutboxMessage
from models.support.tickets import Ticket, TicketReason

PHONE = "+919811100001"


def _rows(phone: str = PHONE) -> list[OutboxMessage]:
    with unit_of_work() as db:
        return list(db.scalars(select(OutboxMessage).where(OutboxMessage.phone == phone)
                               .order_by(OutboxMessage.id)))


def _ticket() -> Ticket:
    with unit_of_work() as db:
        return db.scalar(select(Ticket))


@pytest.mark.parametrize("words", ["help me", "Talk to a person!", "मदद चाहिए",
                                   "সাহায্য করুন"])
def test_asking_for_a_person_opens_one_ticket(world, twilio, clock, words):
    twilio.chat(PHONE, words)
    twilio.chat(PHONE, words)
    ticket = _ticket()
    assert ticket.reason == TicketReason.ASKED_FOR_PERSON and ticket.first_words == words
    [told] = _rows()
    assert f"{ticket.id}" in told.body and "4" in told.body


def test_a_voice_note_opens_a_ticket(world, twilio, clock):
    twilio.send(PHONE, "", NumMedia="1", MediaUrl0="https://api.twilio.com/x/voice.ogg",
                MediaContentType0="audio/ogg")
    assert _ticket().reason == TicketReason.VOICE_NOTE


def test_the_agent_answers_from_the_page_and_the_partner_gets_it(as_role, world, twilio,
                                                                 clock):
    twilio.chat(PHONE, "HELP ME")
    ticket = _ticket()
    agent = as_role("support")
    inbox = agent.get("/admin/inbox/").get_data(as_text=True)
    assert f"/admin/inbox/{ticket.id}" in inbox and "Ramesh" in inbox
    page = agent.get(f"/admin/inbox/{ticket.id}").get_data(as_text=True)
    assert "HELP ME" in page
    form = {"text": "Namaste, your credits are on the way.", "request_id": "r1"}
    agent.post(f"/admin/inbox/{ticket.id}/answer", form)
    agent.post(f"/admin/inbox/{ticket.id}/answer", form)  # a double click
    answers = [r for r in _rows() if r.body == form["text"]]
    assert len(answers) == 1 and answers[0].template is None  # inside the 24 hours
    assert _ticket().status == "answered" and _ticket().answered_at == clock.now
    clock.advance(hours=25)
    agent.get(f"/admin/inbox/{ticket.id}")
    agent.post(f"/admin/inbox/{ticket.id}/answer", {"text": "Any news?", "request_id": "r2"})
    assert _rows()[-1].template == "support_reply"
    assert _rows()[-1].template_vars == {"1": "Any news?"}


def test_no_answer_goes_to_a_partner_who_sent_stop(as_role, world, twilio, clock):
    twilio.chat(PHONE, "HELP ME")
    twilio.chat(PHONE, "STOP")
    before = len(_rows())
    agent = as_role("support")
    ticket = _ticket()
    agent.get(f"/admin/inbox/{ticket.id}")
    agent.post(f"/admin/inbox/{ticket.id}/answer", {"text": "hello", "request_id": "r3"})
    assert len(_rows()) == before
    assert "stopped messages" in agent.get(f"/admin/inbox/{ticket.id}").get_data(as_text=True)


def test_an_overdue_ticket_says_so_and_other_roles_cannot_open_the_inbox(as_role, world,
                                                                        twilio, clock):
    twilio.chat(PHONE, "HELP ME")
    clock.advance(hours=5)
    agent = as_role("support")
    assert "Overdue" in agent.get("/admin/inbox/").get_data(as_text=True)
    ticket = _ticket()
    for role in ("analyst", "distributor-admin"):
        assert as_role(role).get(f"/admin/inbox/{ticket.id}").status_code == 403
    assert as_role("other-brand").get(f"/admin/inbox/{ticket.id}").status_code == 404


def test_an_answer_too_long_for_sms_is_refused_to_the_agent(as_role, world, twilio, clock):
    """By SMS an answer goes in at most three SMS of two segments (bot/notices/support.py);
    longer, the agent is told to shorten it and nothing is sent."""
    twilio.chat(PHONE, "HELP ME", channel="sms")
    before, ticket, agent = len(_rows()), _ticket(), as_role("support")
    agent.get(f"/admin/inbox/{ticket.id}")
    agent.post(f"/admin/inbox/{ticket.id}/answer", {"text": "Please wait. " * 100,
                                                    "request_id": "r4"})
    page = agent.get(f"/admin/inbox/{ticket.id}").get_data(as_text=True)
    assert "too long for SMS" in page and "please shorten it" in page
    assert len(_rows()) == before and _ticket().status == "open"
    agent.post(f"/admin/inbox/{ticket.id}/answer", {"text": "Please wait. " * 15,
                                                    "request_id": "r5"})  # Hindi: UCS-2
    sent = [r.body for r in _rows()[before:]]
    assert len(sent) == 2 and all(b.startswith("Saathi सहायता: Please wait.") for b in sent)
