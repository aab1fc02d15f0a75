"""A partner's conversation as an agent reads it: what they sent, what the bot answered, and
every proactive message, in time order."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.messaging.inbox import InboxMessage
from models.messaging.outbox import OutboxMessage

LIMIT = 200


@dataclass(frozen=True)
class Line:
    at: datetime
    inbound: bool
    text: str
    channel: str
    status: str = ""


def transcript(session: Session, phone: str, limit: int = LIMIT) -> list[Line]:
    """The latest `limit` inbound messages and outbox rows of `phone`, oldest first."""
    lines = []
    for msg in session.scalars(select(InboxMessage).where(InboxMessage.phone == phone)
                               .order_by(InboxMessage.id.desc()).limit(limit)):
        lines.append(Line(msg.received_at, True, msg.body or _media(msg.payload), msg.channel))
        lines += [Line(msg.received_at, False, _reply_text(r), msg.channel, "reply")
                  for r in msg.replies or ()]
    for row in session.scalars(select(OutboxMessage).where(OutboxMessage.phone == phone)
                               .order_by(OutboxMessage.id.desc()).limit(limit)):
        lines.append(Line(row.created_at, False, row.body, row.channel, row.status))
    return sorted(lines, key=lambda line: (line.at, not line.inbound))[-limit:]


def _media(payload: dict) -> str:
    media = (payload or {}).get("media") or ()
    return " ".join(f"[{m.get('content_type', 'media')}]" for m in media)


def _reply_text(reply: object) -> str:
    return reply.get("text", "") if isinstance(reply, dict) else str(reply)
