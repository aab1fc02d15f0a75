"""A worker killed in the middle of a delivery loses nothing and sends once more at most."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path

from rq import SimpleWorker
from sqlalchemy import select

from bot import jobs
from bot.notices import outbound
from models.db import unit_of_work
from models.messaging.outbox import OutboxMessage, OutboxStatus
from models.partners.partner import Partner
from tests.httpstub import Recorded, StubServer
from tests.services import app_env, kill_with_children
from workers.outbound import sweep

ROOT = Path(__file__).resolve().parents[2]
PHONE = "+919812345678"
ACCOUNT = "AC" + "2" * 32


def test_worker_killed_mid_delivery_leaves_the_message_queued_for_the_sweep(pg_app, redis_url,
                                                                             clock):
    first_request_seen = threading.Event()

    def slow_then_ok(request: Recorded):
        if not first_request_seen.is_set():
            first_request_seen.set()
            time.sleep(3)  # the worker is killed while it waits for this answer
        return 201, {"Content-Type": "application/json"}, json.dumps({"sid": "SM" + "c" * 32}
                                                                     ).encode()

    with StubServer(slow_then_ok) as twilio_api:
        config = {"REDIS_URL": redis_url, "TWILIO_ACCOUNT_SID": ACCOUNT,
                  "TWILIO_API_BASE": twilio_api.url, "TWILIO_SMS_FROM": "+15005550006"}
        pg_app.config.update(config)
        worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "worker"],
                                  cwd=ROOT, env=app_env(pg_app), start_new_session=True,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            with unit_of_work() as session:
                session.add(Partner(phone=PHONE, name="Ravi"))
                outbound.queue_message(session, phone=PHONE, text="100 credits", channel="sms")
            assert first_request_seen.wait(30), "the worker never called the provider"
        finally:
            kill_with_children(worker.pid)
            worker.wait()

        with unit_of_work() as session:
            row = session.scalars(select(OutboxMessage)).one()
            assert row.status == OutboxStatus.QUEUED, "the killed attempt committed nothing"
            assert row.attempts == 0 and row.provider_sid is None

        clock.advance(minutes=2)
        assert sweep() == 1
        SimpleWorker([jobs.queue()], connection=jobs.redis_connection()).work(burst=True)
        with unit_of_work() as session:
            row = session.scalars(select(OutboxMessage)).one()
            assert row.status == OutboxStatus.SENT and row.provider_sid == "SM" + "c" * 32
        assert len(twilio_api.requests) == 2
    jobs.queue().empty()
