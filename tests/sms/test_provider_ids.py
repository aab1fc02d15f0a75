"""A provider that answers the same message id twice (a stand-in gateway, a provider's bug)
must not undo the batch: the rows already sent stay sent, once each, and the clash is logged."""

from __future__ import annotations

import logging
import threading
import time

from sqlalchemy import select, text

from bot.i18n import translate
from bot.notices import outbound
from bot.notices.otp import SMS_TEXT
from models.db import unit_of_work
from models.messaging import outbox
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


def test_two_jobs_given_one_id_at_the_same_instant_both_keep_their_send(pg_app, monkeypatch,
                                                                         caplog):
    """Two jobs (two partners) hear the same provider id at once and check it before either
    commits: the second waits for the first's commit, then keeps its send without the id,
    instead of failing on the unique id and rolling its send back to be sent again."""
    with unit_of_work() as session:
        ids = [outbound.queue_message(session, phone=f"+9198123456{n:02d}", channel="sms",
                                      deliver=False,
                                      text=translate("en", SMS_TEXT, code=f"49302{n}")).id
               for n in range(2)]
    calls, together = [], threading.Barrier(2)

    class SameId:
        def send(self, row: OutboxMessage) -> str:
            calls.append(row.id)
            if len(calls) <= 2:
                together.wait(timeout=10)  # both sent, neither committed
            return "SM" + "7" * 32

    keep = outbound_jobs.keep_first_ids

    def check_then_linger(*args, **kwargs) -> None:
        keep(*args, **kwargs)
        time.sleep(0.3)  # the other job checks before this one commits

    monkeypatch.setattr(outbound_jobs, "sender_for", lambda row: SameId())
    monkeypatch.setattr(outbound_jobs, "keep_first_ids", check_then_linger)
    failed: list[Exception] = []

    def job(outbox_id: int) -> None:
        with pg_app.app_context():
            try:
                outbound_jobs.deliver(outbox_id)
            except Exception as exc:  # what RQ would see: the send rolled back
                failed.append(exc)

    threads = [threading.Thread(target=job, args=(outbox_id,)) for outbox_id in ids]
    with caplog.at_level(logging.ERROR, logger="saathi.outbound"):
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        outbound_jobs.sweep(older_than_seconds=-60)  # nothing to send again
    assert failed == [] and sorted(calls) == ids
    with unit_of_work() as session:
        rows = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        assert [r.status for r in rows] == [OutboxStatus.SENT] * 2
        assert sorted(r.provider_sid or "" for r in rows) == ["", "SM" + "7" * 32]
    assert [r.getMessage() for r in caplog.records].count("provider id already used") == 1


def test_a_delivery_locks_the_ids_it_records_once_as_one_set(app, gupshup, clock,
                                                              monkeypatch):
    """Not id by id as each row is sent (another job taking the same ids the other way
    round would wait for this one while it waits for that one)."""
    with unit_of_work() as session:  # each SMS its own provider id
        ids = [outbound.queue_message(session, phone=PHONE, channel="sms", deliver=False,
                                      text=translate("en", SMS_TEXT, code=f"49302{n}")).id
               for n in range(3)]
    locked: list[set[str]] = []
    monkeypatch.setattr(outbox, "lock_provider_ids", lambda _s, sids: locked.append(sids))
    outbound_jobs.deliver(ids[-1])
    assert len(locked) == 1 and len(locked[0]) == 3


def _colliding(session) -> tuple[set[str], set[str]]:
    """Two sets of ids whose hashes collide pairwise (X < Y) and whose text order is the
    other way round in the second set: {a: X, d: Y} with a < d, {b: Y, c: X} with b < c."""
    pairs = session.execute(text(
        "SELECT hashtext(s), array_agg(s ORDER BY s) FROM (SELECT 'SM' || g AS s FROM "
        "generate_series(1, 300000) g) t GROUP BY 1 HAVING count(*) = 2 ORDER BY 1")).all()
    for i, (_x, (a, c)) in enumerate(pairs):
        for _y, (b, d) in pairs[i + 1:]:
            if a < d and b < c:
                return {a, d}, {b, c}
    raise AssertionError("no colliding ids found")


def test_two_senders_locking_ids_whose_hashes_collide_do_not_deadlock(pg_app):
    """The locks are on the ids' hashes, taken in the hashes' order: sorted as text, two ids
    of one job may hash the other way round from the other job's and each waits for the
    other (PostgreSQL then kills one: its sends roll back)."""
    with unit_of_work() as session:
        first, second = _colliding(session)
    hold = unit_of_work()
    holder = hold.__enter__()  # holds X, so both jobs queue behind it
    x = min(holder.scalar(text("SELECT hashtext(:s)"), {"s": s}) for s in first)
    holder.execute(text("SELECT pg_advisory_xact_lock(:k, :h)"), {"k": outbox._ID_LOCKS,
                                                                  "h": x})
    failed: list[Exception] = []

    def job(sids: set[str]) -> None:
        with pg_app.app_context():
            try:
                with unit_of_work() as session:
                    outbox.lock_provider_ids(session, sids)
            except Exception as exc:  # a deadlock
                failed.append(exc)

    threads = [threading.Thread(target=job, args=(sids,)) for sids in (first, second)]
    for thread in threads:
        thread.start()
        time.sleep(0.3)  # the first queues for X before the second starts
    hold.__exit__(None, None, None)
    for thread in threads:
        thread.join(timeout=30)
    assert failed == []
