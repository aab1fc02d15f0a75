"""Events out: a brand's receiver gets each subscribed event as JSON, signed HMAC-SHA256 over
timestamp and raw body, with an event id; a failed POST is retried with back-off."""

from __future__ import annotations

import hashlib
import hmac
import json
import re

import pytest
from sqlalchemy import select

from models.db import unit_of_work
from models.enrollment.join import join
from models.programs.program import Program
from models.webhooks import DeliveryStatus, WebhookDelivery
from tests.httpstub import StubServer
from workers import webhooks as webhook_jobs

pytestmark = pytest.mark.parametrize("app", ["sqlite"], indirect=True)


def subscribe(app, url: str) -> str:
    result = app.test_cli_runner().invoke(args=[
        "webhooks", "add", "ELEC", url, "--events", "partner.enrolled,tier.changed"])
    assert result.exit_code == 0, result.output
    return re.search(r"secret \(shown once\): (\w+)", result.output).group(1)


def enroll(phone: str) -> None:
    with unit_of_work() as db:
        join(db, phone=phone, program=db.scalar(select(Program).where(Program.code == "ELEC")))


def test_an_event_reaches_the_receiver_signed_and_once(app, shops):
    answers = iter([(200, {}, b"ok")])
    with StubServer(lambda request: next(answers)) as receiver:
        secret = subscribe(app, receiver.url + "/hooks/saathi")
        enroll("+919840777888")
    [request] = receiver.requests
    body = json.loads(request.body)
    assert (request.path, body["type"], body["data"]["program"]) == (
        "/hooks/saathi", "partner.enrolled", "ELEC")
    assert request.headers["X-Saathi-Event-Id"] == body["id"]
    stamp = request.headers["X-Saathi-Timestamp"]
    expected = hmac.new(secret.encode(), stamp.encode() + b"." + request.body,
                        hashlib.sha256).hexdigest()
    assert request.headers["X-Saathi-Signature"] == f"sha256={expected}"
    with unit_of_work() as db:
        row = db.scalar(select(WebhookDelivery))
        assert (row.status, row.attempts, row.last_status) == (DeliveryStatus.DELIVERED, 1, 200)
    webhook_jobs.deliver(row.id)  # a repeated job sends nothing more
    assert len(receiver.requests) == 1


def test_a_failing_receiver_is_retried_with_back_off(app, shops, clock):
    answers = iter([(500, {}, b"down"), (503, {}, b"still down"), (204, {}, b"")])
    with StubServer(lambda request: next(answers)) as receiver:
        subscribe(app, receiver.url)
        enroll("+919840777889")
        assert webhook_jobs.sweep() == 0  # the retry is not due yet
        clock.advance(seconds=31)
        assert webhook_jobs.sweep() == 1  # second attempt, fails: waits a minute
        clock.advance(seconds=31)
        assert webhook_jobs.sweep() == 0
        clock.advance(seconds=30)
        assert webhook_jobs.sweep() == 1
    assert len({r.headers["X-Saathi-Event-Id"] for r in receiver.requests}) == 1
    with unit_of_work() as db:
        row = db.scalar(select(WebhookDelivery))
        assert (row.status, row.attempts, row.last_status) == (DeliveryStatus.DELIVERED, 3, 204)
    log = app.test_cli_runner().invoke(args=["webhooks", "deliveries"])
    assert "partner.enrolled" in log.output and "delivered\t3\t204" in log.output
