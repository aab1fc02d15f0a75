"""The same phone answering the last JOIN question on WhatsApp and by SMS at the same moment
(two threads, two connections, PostgreSQL): both are told they are members, one partner with
one membership and one wallet exists, and nothing fails."""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from models.db import unit_of_work
from models.ledger.tables import Wallet
from models.partners.partner import Partner
from models.programs.program import Membership
from tests.conftest import TwilioClient, replies_of

from .conftest import load_programs
from .test_self_enroll import STEPS_EN

PHONES = [f"+9198765100{n:02d}" for n in range(4)]
WELCOME = "Welcome to Tile Pro, Ramesh Kumar! You are now a member."


def _count(model, phone: str) -> int:
    with unit_of_work() as session:
        partner_ids = select(Partner.id).where(Partner.phone == phone).scalar_subquery()
        column = model.id if model is Partner else model.partner_id
        where = Partner.phone == phone if model is Partner else column == partner_ids
        return session.scalar(select(func.count()).select_from(model).where(where))


def test_join_answered_on_two_channels_at_once_enrolls_one_partner(pg_app, caplog):
    load_programs()
    client = TwilioClient(pg_app.test_client())
    for phone in PHONES:
        for channel in ("whatsapp", "sms"):
            for text in STEPS_EN[:-1]:  # up to the terms question
                client.chat(phone, text, channel=channel)
    for phone in PHONES:
        barrier = threading.Barrier(2)

        def consent(channel: str, phone: str = phone, barrier=barrier) -> list[str]:
            barrier.wait(timeout=30)
            return replies_of(TwilioClient(pg_app.test_client()).send(phone, "1",
                                                                       channel=channel))

        with ThreadPoolExecutor(max_workers=2) as pool:
            answers = list(pool.map(consent, ["whatsapp", "sms"]))
        # (SMS joins the welcome and the menu into one SMS)
        assert [a[0].split("\n\n")[0] for a in answers] == [WELCOME, WELCOME], answers
        assert [_count(m, phone) for m in (Partner, Membership, Wallet)] == [1, 1, 1]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
