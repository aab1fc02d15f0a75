"""A broadcast whose RQ worker is killed mid-send (Twilio took its last message, the answer
never came back) and then resumed: every partner gets it, none twice (real PostgreSQL, Redis
and `flask worker`)."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from rq import SimpleWorker
from sqlalchemy import func, select

from bot import jobs
from models import campaigns
from models.campaigns import Delivery
from models.db import unit_of_work
from models.messaging.outbox import OutboxMessage
from models.programs.campaign_spec import CampaignSpec
from tests.campaigns.conftest import members
from tests.services import app_env, kill_with_children

ROOT = Path(__file__).resolve().parents[2]
PARTNERS = 60
KILL_AT = 25  # the provider call the worker dies in


@pytest.mark.slow
@pytest.mark.parametrize("app", ["postgres"], indirect=True)
def test_a_worker_killed_mid_broadcast_and_resumed_sends_each_partner_once(
        app, program, twilio_api, redis_url, clock):
    app.config.update(REDIS_URL=redis_url, WHATSAPP_TEMPLATES={}, CAMPAIGN_BATCH=10)
    members(program, PARTNERS)
    with unit_of_work() as session:
        campaigns.save(session, session.merge(program), CampaignSpec.model_validate(
            {"code": "TIP", "messages": {"en": "Hello {name}"},
             "urgent": True}))  # the worker's clock is not the test's: ignore quiet hours
    dying, release = threading.Event(), threading.Event()

    def hang_once(form):  # Twilio took it, the answer never reaches the worker
        if len(twilio_api.forms) == KILL_AT and not dying.is_set():
            dying.set()
            release.wait(30)

    twilio_api.accepted = hang_once
    command = [sys.executable, "-m", "flask", "--app", "app", "worker", "--simple"]
    worker = subprocess.Popen(command, cwd=ROOT, env=app_env(app), start_new_session=True,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        cli = app.test_cli_runner()
        assert cli.invoke(args=["campaigns", "send", "CEMPRO", "TIP"]).exit_code == 0
        assert dying.wait(20), "the worker never reached the provider"
    finally:
        kill_with_children(worker.pid)
        worker.wait()
        release.set()
    assert KILL_AT <= len(twilio_api.forms) < PARTNERS  # (other threads got answers)

    clock.set(datetime.now(UTC) + timedelta(minutes=5))  # the dead sender's lease is over
    result = app.test_cli_runner().invoke(args=["campaigns", "send", "CEMPRO", "TIP"])
    assert result.exit_code == 0, result.output  # resume: the same command
    SimpleWorker([jobs.queue()], connection=jobs.redis_connection()).work(burst=True)

    per_phone = Counter(form["To"] for form in twilio_api.forms)
    assert len(per_phone) == PARTNERS and set(per_phone.values()) == {1}
    with unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(Delivery)
                              .where(Delivery.status == "queued")) == PARTNERS
        assert dict(session.execute(select(OutboxMessage.status, func.count())
                                    .group_by(OutboxMessage.status)).all()) == {"sent": PARTNERS}
    jobs.queue().empty()
