"""Learning benchmark: message latency of complete CEMPRO Basic certifications.

    .venv/bin/python bench/learn.py [--postgres] [--partners 20]

Runs on a fresh database (a temporary SQLite file, or a temporary database on the local
PostgreSQL with --postgres) through the same router as the webhook (no HTTP). Each partner
reads the 4 modules (8 parts), waits out the quiz delay on a frozen clock, and answers the 4
questions; the last answer issues the certificate, pays credits and draws the PNG. Reports the
median and p95 per message for reading, for answering, and for the certifying answer.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import models
from app import create_app
from bot import router
from bot.messages import InboundMessage, Reply
from models import ledger
from models.base import freeze_clock
from models.db import engine, unit_of_work
from models.learning.progress import content_of, question
from models.partners.partner import Partner
from models.programs.program import Membership, by_code, load_file

ROOT = Path(__file__).resolve().parent.parent


def send(phone: str, text: str, times: list[float] | None = None) -> list[Reply]:
    message = InboundMessage(channel="sms", sender=phone, text=text,
                             provider_id=f"B{uuid.uuid4().hex}")
    start = time.perf_counter()
    replies = router.handle(message)
    if times is not None:
        times.append(time.perf_counter() - start)
    return replies


def right_number(reply: Reply) -> str:
    with unit_of_work() as session:
        content = content_of(by_code(session, "CEMPRO"))
    ask = reply.text.split(": ", 1)[1]
    wanted = next(str(q.answer - 1) for m in content.modules
                  for n, q in enumerate(m.questions)
                  if question(content, f"{m.id}#{n}").ask["en"] == ask)
    return str([o.key for o in reply.options].index(wanted) + 1)


def certify(phone: str, now: datetime, reading: list[float], answering: list[float],
            certifying: list[float]) -> None:
    freeze_clock(now)
    send(phone, "LEARN")
    replies = send(phone, "1")
    while any("Reply NEXT" in r.text for r in replies):
        replies = send(phone, "NEXT", reading)
    freeze_clock(now + timedelta(minutes=3))
    send(phone, "LEARN")
    replies = send(phone, "1")
    while replies[-1].text.startswith("Q"):
        last = replies[-1].text.startswith("Q4/4")
        replies = send(phone, right_number(replies[-1]), certifying if last else answering)
    assert "credits added" in replies[-1].text, replies[-1].text


def setup(partners: int) -> list[str]:
    phones = [f"+9198711{n:05d}" for n in range(partners)]
    with unit_of_work() as session:
        program = load_file(session, ROOT / "programs" / "cempro.yaml")
        for phone in phones:
            partner = Partner(phone=phone, name="Bench Partner", shop="Bench Shop")
            session.add(partner)
            session.flush()
            session.add(Membership(partner_id=partner.id, program_id=program.id))
            ledger.ensure_wallet(session, partner.id, program.id)
    return phones


def report(name: str, times: list[float]) -> None:
    p95 = statistics.quantiles(times, n=20)[-1] if len(times) > 1 else times[0]
    print(f"{name:<22} n={len(times):<5} median={statistics.median(times) * 1000:7.1f} ms "
          f"p95={p95 * 1000:7.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--partners", type=int, default=20)
    args = parser.parse_args()
    name = f"saathi_bench_{uuid.uuid4().hex[:8]}"
    admin = psycopg.connect("postgresql://127.0.0.1:5432/test", autocommit=True) \
        if args.postgres else None
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        if admin is not None:
            admin.execute(f'CREATE DATABASE "{name}"')
            url = f"postgresql+psycopg://127.0.0.1:5432/{name}"
        app = create_app({"DATABASE_URL": url, "MEDIA_DIR": f"{tmp}/media", "REDIS_URL": "",
                          "PUBLIC_BASE_URL": "https://saathi.example"})
        try:
            with app.app_context():
                models.metadata.create_all(engine())
                reading, answering, certifying = [], [], []
                start = datetime(2026, 3, 12, 4, 0, tzinfo=UTC)
                for n, phone in enumerate(setup(args.partners)):
                    certify(phone, start + timedelta(hours=3 * n), reading, answering,
                            certifying)
                print(f"database: {'postgresql' if admin else 'sqlite'}")
                report("NEXT (module part)", reading)
                report("quiz answer", answering)
                report("certifying answer", certifying)
                engine().dispose()
        finally:
            freeze_clock(None)
            if admin is not None:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
