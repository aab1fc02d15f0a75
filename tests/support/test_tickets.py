"""A partner who asks for a person gets one ticket, is told when to expect an answer in their
language, and an overdue ticket shows up as overdue."""

from datetime import timedelta

from sqlalchemy import select

from models import events
from models.messaging.outbox import OutboxMessage
from models.partners.partner import Partner, Role
from models.support.tickets import Ticket, TicketReason, TicketStatus, open_ticket, overdue


def _partner(db, language="hi") -> Partner:
    partner = Partner(phone="+919800000101", role=Role.RETAILER, name="Asha", language=language)
    db.add(partner)
    db.flush()
    return partner


def test_asking_twice_keeps_one_ticket_and_one_message_in_the_partners_language(db, clock):
    partner = _partner(db)
    first = open_ticket(db, partner, channel="sms", reason=TicketReason.ASKED_FOR_PERSON,
                        words="mujhe kisi se baat karni hai")
    again = open_ticket(db, partner, channel="sms", reason=TicketReason.ASKED_FOR_PERSON)
    assert again.id == first.id and first.status == TicketStatus.OPEN
    assert first.answer_due_at - first.opened_at == timedelta(hours=4)
    [row] = db.scalars(select(OutboxMessage)).all()
    assert row.channel == "sms" and row.phone == partner.phone
    assert f"(टिकट {first.id})" in row.body and "4 घंटों" in row.body
    assert [type(e).__name__ for e in events.recorded(db)] == ["TicketOpened"]


def test_a_ticket_not_answered_in_time_is_overdue(db, clock):
    partner = _partner(db, language="en")
    ticket = open_ticket(db, partner, channel="whatsapp", reason=TicketReason.DISPUTE,
                         words="x" * 2000)
    assert len(ticket.first_words) == 500  # kept within the column, not refused
    assert overdue(db) == []
    clock.advance(hours=4, minutes=1)
    assert [t.id for t in overdue(db)] == [ticket.id]
    assert db.scalar(select(Ticket.status)) == TicketStatus.OPEN
