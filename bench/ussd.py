"""Benchmark: USSD round trips (Africa's Talking protocol) under gunicorn on PostgreSQL.

    .venv/bin/python bench/ussd.py [--sessions 32] [--rounds 4] [--workers 2] [--threads 4]
                                   [--think 0] [--spread]

`--sessions` USSD sessions run at once (one thread each, keep-alive HTTP), each walking
dial (menu) -> 1 (balance) -> 00 (menu) -> CODE <code> (credits) -> 00 -> LEARN (tracks) ->
1 (the quiz opens: its first question) -> 1 (an answer: the next question), `--rounds` times
with a new partner each time. With `--think S` each partner reads each screen for S seconds
before pressing (a person's pace); without, every session presses at once (the worst case).
`--spread` (with `--think`) starts the sessions' first dials evenly over the first think
period instead of in the same instant, as dials reach a gateway; the default is the burst.
Reports p50/p99 per screen and screens/s, beside the bare endpoint (bench/bare_app.py) walked
the same way in the same run. Works in its own database (`saathi_bench_ussd`, re-created on
each run). The partners have read the Basic track's modules two hours ago: the quiz opens.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path

import psycopg
import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.cpu import children_cpu_seconds, postgres_cpu_seconds
from bench.webhook import serve

ROOT = Path(__file__).resolve().parent.parent
PG = "postgresql://127.0.0.1:5432"
DB = "saathi_bench_ussd"
KEY = "bench-ussd-key"
ENV = {"SECRET_KEY": "bench", "QR_SIGNING_KEYS": '{"k1": "bench-qr-key"}', "LOG_LEVEL": "WARNING",
       "REDIS_URL": "", "USSD_KEY": KEY}
STEPS = ("dial", "balance", "menu", "code", "menu again", "learn", "quiz opens", "answer")


def prepare(partners: int) -> tuple[str, list[tuple[str, str]]]:
    """A fresh database with CEMPRO, `partners` retailers who read the Basic track, and one
    product code each; return its URL and the (phone, code) pairs."""
    with psycopg.connect(f"{PG}/test", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{DB}"')
    url = f"postgresql+psycopg://127.0.0.1:5432/{DB}"
    from app import create_app
    from models import ledger, metadata
    from models.base import utcnow
    from models.codes import tables as qr
    from models.codes.format import group
    from models.db import engine, unit_of_work
    from models.learning.progress import ModuleDelivery, content_of
    from models.partners.partner import Partner
    from models.programs.program import Membership, load_file

    app = create_app({"DATABASE_URL": url, "QR_SIGNING_KEYS": {"k1": "bench-qr-key"}})
    with app.app_context():
        metadata.create_all(engine())
        with unit_of_work() as session:
            program = load_file(session, ROOT / "programs" / "cempro.yaml")
            content = content_of(program)
            basic = content.tracks[0]
            read = utcnow() - timedelta(hours=2)
            phones = [f"+9197{n:08d}" for n in range(partners)]
            for phone in phones:
                partner = Partner(phone=phone, name="Bench", shop="Bench Stores")
                session.add(partner)
                session.flush()
                session.add(Membership(partner_id=partner.id, program_id=program.id))
                ledger.ensure_wallet(session, partner.id, program.id)
                session.add_all(ModuleDelivery(
                    partner_id=partner.id, program_id=program.id, module_id=m,
                    version=content.module(m).version, delivered_at=read, completed_at=read)
                    for m in basic.modules)
            batch = qr.create_batch(session, program=program, name="BENCH", count=partners,
                                    credits=5)
            codes = [group(code) for _serial, code in qr.batch_codes(batch)]
        engine().dispose()
    return url, list(zip(phones, codes, strict=True))


def post(http: requests.Session, url: str, form: dict) -> requests.Response:
    """POST once more on a connection the server closed while the partner was thinking
    (gunicorn's keep-alive is 2 s), as a gateway would: the step is idempotent anyway."""
    try:
        return http.post(url, data=form, timeout=30)
    except requests.ConnectionError:
        return http.post(url, data=form, timeout=30)


def walk(base: str, phone: str, code: str, times: dict[str, list[float]],
         failures: list[str], think: float) -> None:
    """One USSD session through the steps, timing each screen."""
    http = requests.Session()
    session_id, inputs = "ATUid_" + uuid.uuid4().hex, []
    for step, key in zip(STEPS, (None, "1", "00", f"CODE {code}", "00", "LEARN", "1", "1"),
                         strict=True):
        if key is not None:
            time.sleep(think)
            inputs.append(key)
        form = {"sessionId": session_id, "serviceCode": "*123#", "phoneNumber": phone,
                "networkCode": "40445", "text": "*".join(inputs)}
        start = time.perf_counter()
        try:
            answer = post(http, f"{base}/webhooks/ussd/africastalking/{KEY}", form)
        except requests.RequestException as exc:  # counted, and the session goes on
            failures.append(f"{step}: {exc}")
            continue
        times[step].append(time.perf_counter() - start)
        if answer.status_code != 200 or not answer.text.startswith("CON "):
            failures.append(f"{step}: {answer.status_code} {answer.text[:80]!r}")
    http.close()


def run(base: str, pairs: list[tuple[str, str]], sessions: int, think: float = 0,
        spread: bool = False) -> tuple[dict, float, list]:
    """Walk every pair, `sessions` at a time; return the times, the wall time, failures.
    `spread`: session n dials first n/sessions of a think period after the start."""
    times: dict[str, list[float]] = {s: [] for s in STEPS}
    failures: list[str] = []
    lanes = [pairs[n::sessions] for n in range(sessions)]

    def lane(own: list[tuple[str, str]], delay: float) -> None:
        time.sleep(delay)
        for phone, code in own:
            walk(base, phone, code, times, failures, think)

    threads = [threading.Thread(target=lane, args=(own, n * think / sessions if spread else 0))
               for n, own in enumerate(lanes)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return times, time.perf_counter() - start, failures


def pct(values: list[float], p: float) -> float:
    """The p-th percentile of `values` (seconds) in milliseconds; NaN for none."""
    if len(values) < 2:
        return values[0] * 1000 if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--think", type=float, default=0.0)
    parser.add_argument("--spread", action="store_true",
                        help="first dials spread over the first think period, not at once")
    args = parser.parse_args()
    port = 5078
    base = f"http://127.0.0.1:{port}"
    measured = args.sessions * args.rounds
    url, pairs = prepare(measured + args.sessions)
    warm, pairs = pairs[:args.sessions], pairs[args.sessions:]
    env = {**ENV, "DATABASE_URL": url}
    results = []
    for name, target in (("bare Flask", "bench.bare_app:app"), ("Saathi USSD", "app:create_app()")):
        server = serve(target, port, args.workers, args.threads, env)
        try:
            run(base, warm, args.sessions)  # warm-up: its own partners
            cpu, pg = children_cpu_seconds(server.pid), postgres_cpu_seconds()
            times, wall, failures = run(base, pairs, args.sessions, args.think, args.spread)
            screens = sum(len(v) for v in times.values())
            cpu_ms = (children_cpu_seconds(server.pid) - cpu) * 1000 / screens
            pg_ms = (postgres_cpu_seconds() - pg) * 1000 / screens
            results.append((name, times, wall, failures, cpu_ms, pg_ms))
        finally:
            server.terminate()
            server.wait()
    print(f"\n{args.sessions} concurrent sessions x {args.rounds} rounds, gunicorn "
          f"{args.workers} workers x {args.threads} threads (gthread), think {args.think} s"
          f"{', first dials spread over it' if args.spread else ''}, PostgreSQL\n")
    for name, times, wall, failures, cpu_ms, pg_ms in results:
        screens = sum(len(v) for v in times.values())
        print(f"{name}: {screens} screens in {wall:.1f} s = {screens / wall:.0f} screens/s, "
              f"CPU {cpu_ms:.2f} ms/screen (gunicorn) + {pg_ms:.2f} (PostgreSQL), "
              f"{len(failures)} failed{': ' + failures[0] if failures else ''}")
        print(f"  {'screen':<12}{'p50 ms':>9}{'p99 ms':>9}")
        for step in STEPS:
            print(f"  {step:<12}{pct(times[step], 50):>9.1f}{pct(times[step], 99):>9.1f}")
        every = [t for v in times.values() for t in v]
        print(f"  {'all':<12}{pct(every, 50):>9.1f}{pct(every, 99):>9.1f}")


if __name__ == "__main__":
    main()
