"""A provider that answers the same message id twice (a stand-in gateway, a provider's bug)
must not undo the batch: the rows already sent stay sent, once each, and the clash is logged."""

from __future__ import annotations

import logging

from sqlalchemy import select

from bot.i18n import translate
from bot.notices import outbound
from bot.notices.otp import SMS_TEXT
from models.db import unit_of_work
from models.messaging.outbox import OutboxMessage, OutboxStatus
from workers import outbound as outbound_jobs

PHONE = "+919812345678"
SAME_ID = b"success | 919812345678 | 4963112341234-7"


def test_the_same_provider_id_twice_sends_each_row_once_and_keeps_them_sent(
        app, gupshup, clock, caplog):
    gupshup.answer = SAME_ID
    gupshup.ids = iter(lambda: 7, None)  # every SMS the same id
    with unit_of_work() as session:
        ids = [outbound.queue_message(session, phone=PHONE, channel="sms", deliver=False,
                                      text=translate("en", SMS_TEXT, code=f"49302{n}")).id
               for n in range(3)]
    with caplog.at_level(logging.ERROR, logger="saathi.outbound"):
        outbound_jobs.deliver(ids[-1])  # the batch: all three, in order
        outbound_jobs.sweep(older_than_seconds=-60)  # nothing left to send again
    codes = [f["msg"].split()[4].rstrip(".") for f in gupshup.forms()]
    assert codes == ["493020", "493021", "493022"]
    with unit_of_work() as session:
        rows = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        assert [r.status for r in rows] == [OutboxStatus.SENT] * 3
        assert [r.provider_sid for r in rows] == ["4963112341234-7", None, None]
        assert all("4963112341234-7" in r.error for r in rows[1:])
    assert [r.getMessage() for r in caplog.records].count("provider id already used") == 2


def test_a_chunks_rows_keep_one_id_among_themselves_before_a_refusal_commits_them(app):
    """A campaign chunk whose next row is refused commits the rows sent before it (no query
    against older rows then: one statement a message): repeated ids among them are dropped."""
    rows = [OutboxMessage(id=n, phone=PHONE, channel="sms", body="b", provider_sid=sid)
            for n, sid in enumerate(["A", "A", "B", "A"], 1)]
    with unit_of_work() as session:
        outbound_jobs.keep_first_ids(session, rows, in_database=False)
    assert [r.provider_sid for r in rows] == ["A", None, "B", None]
    assert rows[1].error.startswith("sent, but the provider's id A")
