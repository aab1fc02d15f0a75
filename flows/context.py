"""What a step sees: the session, the conversation (and the data it keeps), the partner, the
message and the time. Keys of `data` that start with "_" belong to the engine."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from bot import jobs
from bot.channels import dlt_shapes
from bot.i18n import DEFAULT, Message, translate
from bot.messages import InboundMessage, Option, Reply
from models.messaging.conversation import KEPT, Conversation
from models.partners.partner import Partner

HISTORY = "_history"  # the states of this flow that asked something, for BACK
STACK = "_stack"  # the callers of the sub-flow under way, innermost last
RESERVED = (KEPT, HISTORY, STACK)


@dataclass
class Context:
    session: Session
    conversation: Conversation
    partner: Partner | None
    message: InboundMessage
    now: datetime
    data: dict = field(default_factory=dict)
    # A program of the partner's raised its privacy notice since they agreed, as read with the
    # conversation's lock (bot/router.py); None: not read, flows/notice.py asks.
    notice_outdated: bool | None = None
    # Where the conversation is: read from it, written back with `data` once the step is
    # done (bot/router.py), so that no query mid-step flushes a move half made.
    flow: str = ""
    state: str = ""

    def __post_init__(self) -> None:
        if not self.flow:
            self.flow, self.state = self.conversation.flow, self.conversation.state

    @property
    def language(self) -> str:
        if self.partner is not None and self.partner.language:
            return self.partner.language
        return self.conversation.language or DEFAULT

    def _(self, msgid: Message, **values: object) -> str:
        """Translate `msgid` into the partner's language; by SMS, with a name too long for
        it shortened (bot/channels/dlt_shapes.py `shortened`)."""
        if self.message.traits.paged:
            values = dlt_shapes.shortened(values)
        return translate(self.language, msgid, **values)

    def say(self, msgid: Message, *, options: tuple[Option, ...] = (), media_url: str | None = None,
            **values: object) -> Reply:
        """A reply with `msgid` translated and filled in."""
        return Reply(self._(msgid, **values), options=options, media_url=media_url)

    def keep(self, name: str, value: dict) -> None:
        """Remember `value` on this conversation past the end of the flow, until forgotten
        (entering a flow clears everything else in `data`)."""
        self.data.setdefault(KEPT, {})[name] = value

    def kept(self, name: str) -> dict | None:
        return (self.data.get(KEPT) or {}).get(name)

    def forget(self, name: str) -> None:
        kept = self.data.get(KEPT) or {}
        kept.pop(name, None)
        if not kept:
            self.data.pop(KEPT, None)

    def enqueue(self, func: str, *args: object) -> None:
        """Run `func(*args)` in a job once this message's transaction commits."""
        jobs.after_commit(self.session, func, *args)
