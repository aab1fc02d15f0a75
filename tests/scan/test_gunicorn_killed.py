"""A gunicorn worker killed in the middle of a burst: every delivery whose connection was reset
is answered when Twilio sends it again (same MessageSid), with the same reply, credited once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.client import HTTPException
from pathlib import Path
from xml.etree import ElementTree

from sqlalchemy import func, select

from models.codes.tables import QrScan
from models.db import unit_of_work
from models.ledger.operations import wallet_balance
from models.messaging.inbox import InboxMessage, InboxStatus
from models.partners.partner import Partner
from tests.conftest import BASE_URL, sign
from tests.scan.conftest import add_batch, add_partner, add_programs
from tests.services import app_env, free_port, wait_until

ROOT = Path(__file__).resolve().parents[2]
PARTNERS, CODES_EACH = 60, 2


def _post(port: int, params: dict) -> list[str] | None:
    """One delivery as Twilio makes it; None when the connection broke (reset, no answer)."""
    data = urllib.parse.urlencode(params).encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/webhooks/twilio", data=data,
        headers={"X-Twilio-Signature": sign(BASE_URL + "/webhooks/twilio", params)})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            body = response.read()
    except (urllib.error.URLError, HTTPException, ConnectionError, TimeoutError):
        return None
    return [(m.text or "").strip() for m in ElementTree.fromstring(body).iter("Message")]


def _workers(master: int) -> list[int]:
    return [int(pid) for pid in
            Path(f"/proc/{master}/task/{master}/children").read_text().split()]


def test_deliveries_reset_by_a_killed_worker_are_answered_once_when_retried(pg_app):
    with unit_of_work() as session:
        programs = add_programs(session)
        partners = [add_partner(session, programs).phone for _ in range(PARTNERS)]
        codes = add_batch(session, programs["QRA"], count=PARTNERS * CODES_EACH, credits=10)
    deliveries = [
        {"From": f"whatsapp:{phone}", "To": "whatsapp:+14155238886", "NumMedia": "0",
         "Body": f"CODE {codes[n * CODES_EACH + k]}", "AccountSid": "AC" + "0" * 32,
         "MessageSid": f"SM{n:016x}{k:016x}"}
        for k in range(CODES_EACH) for n, phone in enumerate(partners)]

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "2", "-k", "gthread", "--threads", "4",
         "-b", f"127.0.0.1:{port}", "--graceful-timeout", "1", "app:create_app()"],
        cwd=ROOT, env=app_env(pg_app), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until(lambda: urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz"),
                   timeout=60, what="gunicorn")
        sent = [0]
        kills = threading.Semaphore(0)

        def deliver(params: dict) -> list[str] | None:
            sent[0] += 1
            if sent[0] % (len(deliveries) // 3) == 0:
                kills.release()
            return _post(port, params)

        def killer() -> None:
            for _ in range(2):
                kills.acquire()
                os.kill(_workers(server.pid)[0], signal.SIGKILL)

        threading.Thread(target=killer, daemon=True).start()
        with ThreadPoolExecutor(max_workers=8) as pool:
            first = list(pool.map(deliver, deliveries))
        reset = [n for n, replies in enumerate(first) if replies is None]

        answers = dict(enumerate(first))
        for _ in range(10):  # Twilio retries what got no answer, with the same MessageSid
            for n in [n for n, replies in answers.items() if replies is None]:
                answers[n] = _post(port, deliveries[n])
        again = {n: _post(port, params) for n, params in enumerate(deliveries)}
    finally:
        server.terminate()
        server.wait(30)

    assert reset, "no delivery was cut by the kills: the test proved nothing"
    assert all(answers[n] == again[n] for n in answers), "a retry got a different answer"
    for n, params in enumerate(deliveries):
        code = params["Body"].removeprefix("CODE ")
        assert answers[n] and answers[n][0].startswith(f"Code {code}: 10 credits added."), \
            (answers[n], n in reset)
    with unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(QrScan)) == len(deliveries)
        statuses = session.scalars(select(InboxMessage.status)).all()
        assert len(statuses) == len(deliveries)
        assert set(statuses) == {InboxStatus.PROCESSED}
        ids = session.scalars(select(Partner.id).where(Partner.phone.in_(partners))).all()
        assert {wallet_balance(session, pid, programs["QRA"].id).balance for pid in ids} == {
            10 * CODES_EACH}
