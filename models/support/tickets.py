"""Support tickets: what a partner asked a person for, and whether someone answered in time.

A partner has at most one open ticket; asking again adds to it instead of opening another.
The first answer is due `FIRST_ANSWER` after opening (the SLA timer the inbox shows).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from models import events
from models.base import INPUT, Base, BigId, UTCDateTime, column_length, utcnow
from models.partners.partner import Partner

FIRST_ANSWER = timedelta(hours=4)


class TicketStatus(StrEnum):
    OPEN = "open"
    ANSWERED = "answered"
    CLOSED = "closed"


class TicketReason(StrEnum):
    ASKED_FOR_PERSON = "asked_for_person"  # HELP ME, "talk to a person", USSD "call me back"
    NOT_UNDERSTOOD = "not_understood"  # the bot could not handle the message
    VOICE_NOTE = "voice_note"
    DISPUTE = "dispute"  # "my credits are missing"


class Ticket(Base):
    __tablename__ = "support_tickets"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(String(24))
    status: Mapped[str] = mapped_column(String(12), default=TicketStatus.OPEN, index=True)
    first_words: Mapped[str] = mapped_column(String(500), default="", info=INPUT)
    # A voice note the partner sent, stored under media/inbound/support/ for a person to hear
    # (workers/support_audio.py fetches it after the message's commit).
    audio_url: Mapped[str | None] = mapped_column(String(300), nullable=True)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answer_due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


def open_ticket(session: Session, partner: Partner, *, channel: str, reason: TicketReason,
                words: str = "", told: bool = False, call_back: bool = False) -> Ticket:
    """Open a ticket for `partner`, or return their open one (a repeated ask adds nothing).
    `told`: the caller's reply gives the partner the ticket's promise (no message after);
    `call_back`: the partner asked for a call."""
    ticket = open_for(session, partner.id)
    if ticket is not None:
        return ticket
    now = utcnow()
    ticket = Ticket(partner_id=partner.id, channel=channel, reason=reason,
                    first_words=clean_words(words), opened_at=now,
                    answer_due_at=now + FIRST_ANSWER, status=TicketStatus.OPEN)
    session.add(ticket)
    session.flush()
    events.record(session, events.TicketOpened(ticket.id, partner.id, told, call_back))
    return ticket


def attach_audio(session: Session, ticket_id: int, url: str) -> None:
    """Keep the stored voice note on its ticket (the first one, if several came)."""
    ticket = session.get(Ticket, ticket_id)
    if ticket is not None and ticket.audio_url is None:
        ticket.audio_url = url


def clean_words(text: str) -> str:
    """What the partner wrote, cut to what the ticket keeps."""
    return text.strip()[:column_length(Ticket.first_words)]


def open_for(session: Session, partner_id: int) -> Ticket | None:
    return session.scalar(select(Ticket).where(Ticket.partner_id == partner_id,
                                               Ticket.status != TicketStatus.CLOSED)
                          .order_by(Ticket.id.desc()).limit(1))


def overdue(session: Session, now: datetime | None = None) -> list[Ticket]:
    """Open tickets whose first answer is late."""
    return list(session.scalars(select(Ticket).where(
        Ticket.status == TicketStatus.OPEN, Ticket.answer_due_at < (now or utcnow()))
        .order_by(Ticket.answer_due_at)))


class TicketError(ValueError):
    """The ticket cannot be answered or closed as asked."""


def answer(session: Session, ticket_id: int, *, text: str, key: str) -> Ticket:
    """Record an agent's answer (the first one stops the SLA timer); the partner is sent
    `text` by whoever subscribes to TicketAnswered. The same `key` answers once."""
    ticket = session.scalar(select(Ticket).where(Ticket.id == ticket_id).with_for_update())
    if ticket is None or ticket.status == TicketStatus.CLOSED:
        raise TicketError(f"ticket {ticket_id} is not open")
    if not text.strip():
        raise TicketError("an answer needs some text")
    ticket.status = TicketStatus.ANSWERED
    ticket.answered_at = ticket.answered_at or utcnow()
    session.flush()
    events.record(session, events.TicketAnswered(ticket.id, ticket.partner_id, text.strip(),
                                                 key))
    return ticket


def close(session: Session, ticket_id: int) -> Ticket:
    ticket = session.scalar(select(Ticket).where(Ticket.id == ticket_id).with_for_update())
    if ticket is None:
        raise TicketError(f"no ticket {ticket_id}")
    ticket.status, ticket.closed_at = TicketStatus.CLOSED, ticket.closed_at or utcnow()
    return ticket


def recent(session: Session, partner_ids, limit: int = 200) -> list[Ticket]:
    """Open tickets first (the most overdue on top), then the latest closed ones."""
    order = (Ticket.status == TicketStatus.CLOSED, Ticket.answer_due_at)
    return list(session.scalars(select(Ticket).where(Ticket.partner_id.in_(partner_ids))
                                .order_by(*order).limit(limit)))
