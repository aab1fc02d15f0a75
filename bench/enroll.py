"""Enrollment benchmark: self-enrollment message latency and a rep's 500-row batch.

    .venv/bin/python bench/enroll.py [--postgres] [--partners 40] [--rows 500]

Runs on a fresh database (a temporary SQLite file, or a temporary database on the local
PostgreSQL with --postgres) through the same router as the webhook (no HTTP). Reports the
median and p95 time per message of complete JOIN conversations (8 messages each), and the time
of the bulk job for one batch: rows checked, partners and memberships created, invitations
written to the outbox, the report queued (delivery jobs go to Redis; --redis '' runs them
inline, which adds one transaction per invitation).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import psycopg
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import models
from app import create_app
from bot import router
from bot.jobs.dispatch import queue
from bot.messages import InboundMessage
from models.db import engine, unit_of_work
from models.partners.partner import find_by_phone
from models.programs.program import by_code, load_spec
from models.programs.schema import parse
from workers import bulk_enroll

PROGRAMS = Path(__file__).resolve().parent.parent / "tests" / "enroll" / "programs.yaml"
REP = "+919820000002"
STEPS = ["JOIN TILEPRO REF TILEDIST", "1", "1", "Ramesh Kumar", "Ramesh Hardware", "411001",
         "SKIP", "1"]


def conversations(count: int) -> list[float]:
    """Seconds per message over `count` complete self-enrollments."""
    times = []
    for n in range(count):
        phone = f"+9198700{n:05d}"
        for text in STEPS:
            message = InboundMessage(channel="sms", sender=phone, text=text,
                                     provider_id=f"B{uuid.uuid4().hex}")
            start = time.perf_counter()
            router.handle(message)
            times.append(time.perf_counter() - start)
    return times


def batch(rows: int) -> float:
    text = "\n".join(f"Shop {n}, 98760{n:05d}, Store {n}, 4110{n % 90 + 10:02d}"
                     for n in range(rows))
    with unit_of_work() as session:
        rep_id, program_id = find_by_phone(session, REP).id, by_code(session, "TILEPRO").id
    start = time.perf_counter()
    bulk_enroll.run(rep_id, program_id, "sms", f"B{uuid.uuid4().hex}", text, None)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--partners", type=int, default=40)
    parser.add_argument("--rows", type=int, default=500)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0",
                        help="queue the invitations' delivery jobs here ('' runs them inline)")
    args = parser.parse_args()
    admin, name = None, f"saathi_bench_{uuid.uuid4().hex[:8]}"
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        if args.postgres:
            admin = psycopg.connect("postgresql://127.0.0.1:5432/test", autocommit=True)
            admin.execute(f'CREATE DATABASE "{name}"')
            url = f"postgresql+psycopg://127.0.0.1:5432/{name}"
        app = create_app({"DATABASE_URL": url, "MEDIA_DIR": tmp, "REDIS_URL": "",
                          "LOG_LEVEL": "WARNING"})
        try:
            with app.app_context():
                models.metadata.create_all(engine())
                with unit_of_work() as session:
                    for doc in yaml.safe_load(PROGRAMS.read_text()):
                        load_spec(session, parse(doc))
                times = sorted(conversations(args.partners))
                app.config.update(REDIS_URL=args.redis, RQ_QUEUE=f"bench-{name}")
                seconds = batch(args.rows)
                if args.redis:
                    queue().delete(delete_jobs=True)
                engine().dispose()
        finally:
            if admin is not None:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    p95 = times[int(len(times) * 0.95) - 1]
    print(f"{'postgres' if args.postgres else 'sqlite'}: {len(times)} messages, median "
          f"{statistics.median(times) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms per message; "
          f"batch of {args.rows} rows {seconds:.2f} s"
          + ("" if args.redis else " (with inline delivery of each invitation)"))


if __name__ == "__main__":
    main()
