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


def test_an_inbound_voice_note_opens_a_ticket_that_keeps_the_audio(app, twilio, clock):
    """The bot cannot listen: a voice note becomes a ticket with the audio stored for a
    person to hear (fetched by a job after the commit), and the partner is told, in their
    language, that someone will reply."""
    from bot import media
    from models.db import unit_of_work
    from tests.mediahost import provider_media

    with unit_of_work() as session:
        session.add(Partner(phone="+919800000102", role=Role.RETAILER, name="Gurpreet",
                            language="pa"))
    audio = b"OggS" + bytes(400)
    url = provider_media(audio, ".ogg")
    replies = twilio.chat("+919800000102", "", NumMedia="1", MediaUrl0=url,
                          MediaContentType0="audio/ogg")
    assert replies == [] or all("ਟਿਕਟ" in r for r in replies)
    with unit_of_work() as session:
        ticket = session.scalars(select(Ticket)).one()
        rows = session.scalars(select(OutboxMessage)).all()
    assert ticket.reason == TicketReason.VOICE_NOTE and ticket.first_words == ""
    assert ticket.audio_url.startswith("/media/inbound/support/")
    assert media.stored(ticket.audio_url).read_bytes() == audio
    assert any(f"(ਟਿਕਟ {ticket.id})" in row.body for row in rows)


def test_a_ticket_asked_for_in_words_promises_a_written_answer_not_a_call(db, clock):
    """Only the call-back entry promises a call; a person asked for in words (or a voice note)
    is answered in writing, and the message says so."""
    partner = _partner(db, language="en")
    ticket = open_ticket(db, partner, channel="sms", reason=TicketReason.ASKED_FOR_PERSON,
                         words="talk to someone")
    [row] = db.scalars(select(OutboxMessage)).all()
    assert row.body == f"Thank you. A person from our team will reply here within 4 hours " \
                       f"(ticket {ticket.id})."
