"""Take one InboundMessage from any channel to its replies, exactly once.

1. Store the message (unique by channel + provider id) and commit: it is never lost.
2. In a second transaction, lock the conversation row, skip the message if another delivery
   already handled it, run the flow, and store the replies on the message; commit.
3. Jobs and outbound sends recorded during step 2 go out only after that commit
   (bot/jobs/dispatch.py).
A retried delivery gets the stored replies. A flow that fails is rolled back whole, logged
with the message id, and answered with an apology in the partner's language. A message whose
request died between 1 and 2 (the process was killed, the database went away) is answered
later by the inbox sweep (workers/inbox.py), through the outbox.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Callable

from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session

from bot.i18n import DEFAULT, N_, translate
from bot.messages import InboundMessage, Reply
from bot.notices import outbound
from flows import dispatch, sms
from flows.engine import Context
from models import keys, ledger, privacy
from models.base import utcnow
from models.db import unit_of_work
from models.messaging import conversation as conversations
from models.messaging import inbox, links
from models.partners.partner import find_by_phone

log = logging.getLogger("saathi.router")
SORRY = N_("Sorry, something went wrong on our side. Please try again in a minute.")
Finish = Callable[[Session, list[Reply], str], None]  # session, replies, partner's language


def handle(message: InboundMessage, *, by_outbox: bool = False) -> list[Reply]:
    """Process `message` once and return the replies to send back on its channel.

    `by_outbox`: the channel cannot answer in its response (Meta's Cloud API), so the replies
    are queued in the outbox in the transaction that finishes the message; and a database
    that cannot even store it raises, for the provider to deliver it again."""
    try:
        with unit_of_work() as session:
            answered = receive(session, message)
        if answered is not None:
            return answered
    except SQLAlchemyError:
        if by_outbox:
            raise
        # Nothing was stored, so nothing was done: say so rather than fail Twilio's request.
        # The partner's language is in the database too, hence the default one.
        log.exception("message not stored: database unavailable",
                      extra={"message_id": message.provider_id, "channel": message.channel})
        return [Reply(translate(DEFAULT, SORRY))]
    return _run(message, late=by_outbox)


def receive(session: Session, message: InboundMessage) -> list[Reply] | None:
    """Store `message` in `session`'s transaction, which commits before `answer` runs: None
    if it is new (or still unanswered), else the replies a delivery of it got already."""
    stored = inbox.store(session, channel=message.channel, provider_id=message.provider_id,
                         phone=message.sender, body=message.text, payload=message.to_dict())
    if stored is None or not stored.done:
        return None
    log.info("duplicate delivery answered from store", extra={"message_id": message.provider_id})
    return [Reply.from_dict(r) for r in stored.replies or []]


def answer(message: InboundMessage, *, finish: Finish | None = None) -> list[Reply]:
    """`handle`'s second half, for a channel that stored the message itself with `receive`
    (USSD: in the transaction that locks its session row).

    `finish(session, replies, language)` runs in the transaction that records the replies,
    just before they are recorded (so that the channel's own row, USSD's session row, is
    locked before the message's row, in the order `receive`'s transaction locks them), with
    the replies this call answers with: when a concurrent delivery of the message recorded
    first, this transaction is rolled back and `finish` runs again with that one's replies."""
    return _run(message, finish=finish)


def recover(message: InboundMessage) -> None:
    """Answer a stored message whose request died before it was answered (the web process
    crashed or was killed): run it now and send the replies as proactive messages. If a
    redelivery finishes it meanwhile, that one answers and nothing is sent from here."""
    log.warning("answering a message left unanswered", extra={
        "message_id": message.provider_id, "channel": message.channel})
    _run(message, late=True)


def _run(message: InboundMessage, *, late: bool = False, finish: Finish | None = None
         ) -> list[Reply]:
    try:
        try:
            return _process(message, late=late, finish=finish)
        except ledger.BudgetOvertaken:  # concurrent earns took the month's room: again, with
            return _process(message, late=late, finish=finish, count_late=False)  # it locked
    except OperationalError:
        # The database went away mid-message (a restart, a failover, a lock wait past its
        # limit): nothing of the flow was committed, and recording an apology would need the
        # same database. The message stays stored and unanswered: a redelivery, or the inbox
        # sweep once the database is back, answers it.
        log.warning("message left for the inbox sweep: database unavailable",
                    extra={"message_id": message.provider_id, "channel": message.channel})
        return [Reply(translate(DEFAULT, SORRY))]
    except Exception:
        log.exception("flow failed", extra={"message_id": message.provider_id,
                                            "channel": message.channel})
        return _apologise(message, late=late)


def _process(message: InboundMessage, *, late: bool = False, finish: Finish | None = None,
             count_late: bool = True) -> list[Reply]:
    with unit_of_work() as session:
        if count_late:  # a capped program's budget row: locked only from the end of the step
            ledger.count_budget_at_commit(session)
        conv, partner, notice_outdated = conversations.lock_with_partner(
            session, message.channel, message.sender, privacy.NOTICE_OUTDATED)
        now = utcnow()
        whatsapp = message.channel == "whatsapp"
        if whatsapp:  # the window opens as the message arrives, so what is queued while
            conv.last_inbound_at = now  # answering it is inside
        ctx = Context(session=session, conversation=conv, partner=partner, message=message,
                      now=now, data=copy.deepcopy(conv.data or {}),
                      notice_outdated=notice_outdated)
        replies = sms.fit(ctx, dispatch.process(ctx))
        conversations.save_step(session, conv, flow=ctx.flow, state=ctx.state, data=ctx.data,
                                partner_id=partner.id if partner else conv.partner_id,
                                via=message.via if whatsapp else conv.via, updated_at=now)
        ledger.count_budget_now(session)  # (may raise BudgetOvertaken: nothing shown yet)
        if finish is not None:
            finish(session, replies, ctx.language)
        if not inbox.finish(session, message.channel, message.provider_id,
                            [links.redact_reply(r.to_dict()) for r in replies]):
            # A concurrent delivery of the same message finished first: undo ours, answer
            # with what it answered.
            session.rollback()
            row = inbox.get(session, message.channel, message.provider_id)
            replies = [Reply.from_dict(r) for r in row.replies or []]
            if finish is not None:
                finish(session, replies, ctx.language)
            return replies
        if late:
            _send_late(session, message, replies)
        log.info("message handled", extra={"message_id": message.provider_id,
                                           "flow": conv.flow, "state": conv.state})
        return replies


def _apologise(message: InboundMessage, *, late: bool = False) -> list[Reply]:
    """Record the failure on the stored message and answer politely; state is untouched."""
    with unit_of_work() as session:
        partner = find_by_phone(session, message.sender)
        conv = conversations.latest_for_phone(session, message.sender, message.channel)
        lang = (partner.language if partner else None) or (conv.language if conv else None)
        reply = Reply(translate(lang or DEFAULT, SORRY))
        finished = inbox.finish(session, message.channel, message.provider_id,
                                [reply.to_dict()], error="flow failed")
        if late and finished:
            _send_late(session, message, [reply])
        row = inbox.get(session, message.channel, message.provider_id)
        return [Reply.from_dict(r) for r in row.replies or [reply.to_dict()]]


def _send_late(session: Session, message: InboundMessage, replies: list[Reply]) -> None:
    """Queue `replies` through the outbox, in the transaction that finishes the message."""
    for n, reply in enumerate(replies):
        key = keys.late_reply(message.channel, message.provider_id, n)
        try:
            outbound.queue_reply(session, phone=message.sender, channel=message.channel,
                                 reply=reply, key=key)
        except outbound.OutboundError as exc:  # e.g. past WhatsApp's 24-hour window
            log.warning("late reply not sent", extra={"message_id": message.provider_id,
                                                      "error": str(exc)})
