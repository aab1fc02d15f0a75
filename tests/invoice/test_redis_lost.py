"""Photo jobs survive a Redis that restarts empty, and a Redis that hangs costs the webhook
a fraction of a second: the jobs wait in the database and the job sweep sends them."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from rq import SimpleWorker
from sqlalchemy import select

from bot import jobs
from bot.jobs import rq_queue as job_queue
from models.db import unit_of_work
from models.invoices.invoice import Invoice, InvoiceStatus
from models.jobs.records import JobRecord, JobStatus
from models.messaging.outbox import OutboxMessage, OutboxStatus
from tests.invoice.conftest import einvoice_photo, upload
from tests.services import OwnRedis
from workers import job_sweep

ACK = "Received, reading it now…"


@pytest.fixture
def own_redis(app) -> Iterator[OwnRedis]:
    """A redis-server of this test's own (no persistence), the app's only Redis."""
    server = OwnRedis().start()
    app.config["REDIS_URL"] = server.url
    job_queue.init_app(app)
    yield server
    server.stop()


def _send_photos(twilio, phone: str, urls: list[str]) -> list[str]:
    media = {}
    for n, url in enumerate(urls):
        media[f"MediaUrl{n}"], media[f"MediaContentType{n}"] = url, "image/jpeg"
    return twilio.chat(phone, "", NumMedia=str(len(urls)), **media)


def _records() -> list[str]:
    with unit_of_work() as session:
        return list(session.scalars(select(JobRecord.status).order_by(JobRecord.id)))


def _work() -> None:
    SimpleWorker([jobs.queue()], connection=jobs.redis_connection()).work(burst=True)


def test_photo_jobs_lost_with_redis_are_read_and_answered_once_after_the_sweep(
        app, twilio, clock, make_partner, own_redis):
    partner = make_partner()
    photos = [einvoice_photo(seed=30 + n, total_paise=(n + 1) * 50_000_00) for n in range(3)]
    assert _send_photos(twilio, partner.phone, [upload(data) for data, _ in photos]) == [ACK]
    assert jobs.queue().count == 3

    own_redis.kill()  # the three jobs die with it: no persistence
    own_redis.start()
    assert jobs.queue().count == 0
    clock.advance(minutes=2)
    assert job_sweep.sweep() == 3
    _work()

    with unit_of_work() as session:
        invoices = session.scalars(select(Invoice).order_by(Invoice.id)).all()
        sent = session.scalars(select(OutboxMessage).where(
            OutboxMessage.phone == partner.phone).order_by(OutboxMessage.id)).all()
    assert sorted(i.number for i in invoices) == sorted(truth.number for _, truth in photos)
    assert all(i.status == InvoiceStatus.CREDITED for i in invoices)
    assert len(sent) == 3 and all(m.status == OutboxStatus.SENT for m in sent)
    assert sorted(m.body.split(",")[0] for m in sent) == sorted(
        f"Invoice {truth.number}" for _, truth in photos)

    clock.advance(minutes=5)  # nothing is read or answered twice
    assert job_sweep.sweep() == 0
    _work()
    with unit_of_work() as session:
        assert len(session.scalars(select(Invoice)).all()) == 3
        assert len(session.scalars(select(OutboxMessage)).all()) == 3
    assert _records() == [JobStatus.DONE] * 3


def test_a_message_with_five_photos_answers_fast_against_a_hung_redis(
        app, twilio, clock, make_partner, own_redis):
    partner = make_partner()
    urls = [upload(f"not read in this test {n}".encode()) for n in range(5)]
    own_redis.pause()  # accepts connections, never answers
    try:
        started = time.monotonic()
        assert _send_photos(twilio, partner.phone, urls) == [ACK]
        first = time.monotonic() - started
        started = time.monotonic()
        assert _send_photos(twilio, partner.phone, urls[:2]) == [ACK]
        second = time.monotonic() - started
    finally:
        own_redis.resume()
    assert first < 2.0, f"the webhook waited {first:.1f} s for a hung Redis"
    assert second < 1.0, f"the next message waited {second:.1f} s for a Redis known to hang"
    assert _records() == [JobStatus.QUEUED] * 7  # nothing lost: the sweep will send them
    clock.advance(minutes=2)
    assert job_sweep.sweep() == 7 and jobs.queue().count == 7
    jobs.queue().empty()
