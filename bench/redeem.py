"""Benchmark: OTP confirmation → payout result delivered to the partner, through a real RQ
worker process, with the sandbox provider or the HTTP provider against a local stand-in.

    .venv/bin/python bench/redeem.py [--redemptions 40] [--provider sandbox|http]

Needs the local PostgreSQL and Redis; creates and drops its own database. Each redemption is
chatted through the router (REDEEM, UPI, amount, UPI id, confirm, OTP); the clock starts when
the OTP answer returns and stops when the result message's outbox row is marked sent.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PG = "postgresql://127.0.0.1:5432"
DB = "saathi_bench_redeem"
REDIS = "redis://127.0.0.1:6379/0"


def prepare(url: str, count: int) -> None:
    from app import create_app
    from models import ledger, metadata
    from models.db import engine, unit_of_work
    from models.partners.partner import Partner
    from models.programs.program import Membership, load_file

    app = create_app({"DATABASE_URL": url})
    with app.app_context():
        metadata.create_all(engine())
        with unit_of_work() as session:
            program = load_file(session, ROOT / "programs" / "cempro.yaml")
            for n in range(count):
                partner = Partner(phone=f"+9197{n:08d}", name=f"Shop {n}")
                session.add(partner)
                session.flush()
                session.add(Membership(partner_id=partner.id, program_id=program.id))
                ledger.adjust(session, partner_id=partner.id, program_id=program.id,
                              credits=2000, key=f"bench-{n}", reason="bench", actor="bench")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--redemptions", type=int, default=40)
    parser.add_argument("--provider", choices=["sandbox", "http"], default="sandbox")
    args = parser.parse_args()
    with psycopg.connect(f"{PG}/test", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{DB}"')
    url = f"postgresql+psycopg://127.0.0.1:5432/{DB}"
    config = {"DATABASE_URL": url, "REDIS_URL": REDIS, "RQ_QUEUE": f"bench-{uuid.uuid4().hex[:6]}",
              "PAYOUT_WAIT_SECONDS": "30", "PAYOUT_SANDBOX_MODE": "ok"}
    stub = None
    if args.provider == "http":
        from tests.redeem.razorpayx import FakeRazorpayX, provider_config

        stub = FakeRazorpayX(initial_status="processed").__enter__()
        config.update({k: str(v) for k, v in provider_config(stub.url).items()},
                      PAYOUT_WAIT_SECONDS="30")
    prepare(url, args.redemptions)
    worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "worker"],
                              cwd=ROOT, env={**os.environ, **config},
                              stderr=subprocess.DEVNULL)
    try:
        latencies = run(config, args.redemptions)
    finally:
        worker.terminate()
        worker.wait(10)
        if stub is not None:
            stub.__exit__(None, None, None)
    latencies.sort()
    print(f"provider={args.provider} redemptions={len(latencies)} "
          f"p50={statistics.median(latencies):.2f}s "
          f"p95={latencies[int(len(latencies) * 0.95) - 1]:.2f}s max={latencies[-1]:.2f}s")


def run(config: dict, count: int) -> list[float]:
    from sqlalchemy import select

    from app import create_app
    from bot import router
    from bot.messages import InboundMessage
    from models.db import unit_of_work
    from models.messaging.outbox import OutboxMessage, OutboxStatus

    app = create_app(config)
    latencies = []
    with app.app_context():
        for n in range(count):
            phone = f"+9197{n:08d}"

            def say(text: str, phone: str = phone) -> str:
                message = InboundMessage("whatsapp", phone, text, f"BENCH{uuid.uuid4().hex}")
                return router.handle(message)[0].text

            for text in ("REDEEM", "1", "500", f"shop{n}@okhdfc", "1"):
                say(text)
            with unit_of_work() as session:
                body = session.scalar(select(OutboxMessage.body).where(
                    OutboxMessage.phone == phone, OutboxMessage.channel == "sms"))
            assert "Processing" in say(re.search(r"\d{6}", body).group(0))
            began = time.monotonic()
            while True:
                with unit_of_work() as session:
                    sent = session.scalar(select(OutboxMessage.id).where(
                        OutboxMessage.phone == phone, OutboxMessage.body.contains("sent to"),
                        OutboxMessage.status == OutboxStatus.SENT))
                if sent or time.monotonic() - began > 60:
                    break
                time.sleep(0.02)
            latencies.append(time.monotonic() - began if sent else float("inf"))
    return latencies


if __name__ == "__main__":
    main()
