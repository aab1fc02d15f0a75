"""Ledger benchmark: idempotent earns per second and balance-read latency, on PostgreSQL and
SQLite, with about 1 million postings already in the table.

    .venv/bin/python bench/ledger.py                       # both backends
    .venv/bin/python bench/ledger.py --backend postgres --workers 4 --earns 4000

PostgreSQL: creates the database `saathi_bench` on 127.0.0.1 (dropped at the end). SQLite: a
file under bench/out/. The seed rows are written with bulk SQL (consistent with the ledger's
invariants; `--verify` checks them), the measured earns go through `models.ledger.operations.earn`.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import statistics
import sys
import time
from pathlib import Path

import psycopg
from sqlalchemy import func, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import create_app
from bench.cpu import postgres_cpu_seconds
from models import ledger, metadata
from models.db import engine, unit_of_work
from models.ledger.internals import system_account
from models.ledger.tables import AccountKind, Posting
from models.partners.partner import Partner
from models.programs.program import load_file

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN = os.environ.get("BENCH_PG_ADMIN", "postgresql://127.0.0.1:5432/test")
PG_NAME = "saathi_bench"
FORK = multiprocessing.get_context("fork")


def make_app(url: str):
    return create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "REDIS_URL": "",
                       "LOG_LEVEL": "WARNING"})


def seed(url: str, wallets: int, postings: int) -> tuple[int, list[int]]:
    """Create tables, one program, `wallets` partners and `postings` postings; return ids."""
    app = make_app(url)
    with app.app_context():
        metadata.create_all(engine())
        with unit_of_work() as s:
            program = load_file(s, ROOT / "programs" / "lube.yaml")
            s.add_all(Partner(phone=f"+9170{n:08d}") for n in range(wallets))
            s.flush()
            ids = list(s.scalars(select(Partner.id).where(Partner.phone.like("+9170%"))))
            for pid in ids:
                ledger.ensure_wallet(s, pid, program.id)
            issuance = system_account(s, program.id, AccountKind.ISSUANCE)
        entries = postings // 2
        t0 = time.perf_counter()
        with engine().begin() as conn:
            _bulk(conn, program.id, issuance, entries)
        print(f"  seeded {entries:,} entries / {entries * 2:,} postings in "
              f"{time.perf_counter() - t0:.1f} s")
        engine().dispose()
        return program.id, ids


def _bulk(conn, program_id: int, issuance: int, entries: int) -> None:
    """Earns of 10 credits spread over every wallet, written with set-based SQL."""
    pg = conn.dialect.name == "postgresql"
    series = ("generate_series(1, :n) AS g(i)" if pg else
              "(WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < :n) "
              "SELECT i FROM c) AS g")
    now = "now()" if pg else "strftime('%Y-%m-%d %H:%M:%f', 'now')"
    later = "now() + interval '365 days'" if pg else \
        "strftime('%Y-%m-%d %H:%M:%f', 'now', '+365 days')"
    txid = "pg_current_xact_id()::text::bigint" if pg else "NULL"
    conn.execute(text("CREATE TEMP TABLE w AS SELECT row_number() OVER (ORDER BY id) - 1 AS n, "
                      "id, partner_id, account_id FROM ledger_wallets"))
    count = conn.execute(text("SELECT count(*) FROM w")).scalar_one()
    conn.execute(text(
        f"INSERT INTO journal_entries (key, program_id, partner_id, cause, cause_ref, "
        f"description, actor, credits, volume, queued, txid, created_at) "
        f"SELECT 'seed:' || i, :p, w.partner_id, 'qr_code', 'Q' || i, '', 'bench', 10, 0, "
        f"false, {txid}, {now} FROM {series} JOIN w ON w.n = i % :c"),
        {"n": entries, "p": program_id, "c": count})
    conn.execute(text(
        "INSERT INTO postings (entry_id, account_id, amount) "
        "SELECT e.id, :iss, -10 FROM journal_entries e WHERE e.key LIKE 'seed:%' "
        "UNION ALL SELECT e.id, w.account_id, 10 FROM journal_entries e "
        "JOIN w ON w.partner_id = e.partner_id WHERE e.key LIKE 'seed:%'"), {"iss": issuance})
    conn.execute(text(
        f"INSERT INTO ledger_lots (wallet_id, entry_id, credits, remaining, expires_at, "
        f"created_at) SELECT w.id, e.id, 10, 10, {later}, {now} FROM journal_entries e "
        f"JOIN w ON w.partner_id = e.partner_id WHERE e.key LIKE 'seed:%'"))
    conn.execute(text(
        "UPDATE ledger_wallets SET balance = s.total FROM (SELECT wallet_id, sum(remaining) "
        "AS total FROM ledger_lots GROUP BY wallet_id) AS s "
        "WHERE s.wallet_id = ledger_wallets.id"))
    conn.execute(text("ANALYZE"))


def _earner(url: str, program: int, partners: list[int], count: int, tag: str, replay: bool,
            per_commit: int, barrier, out) -> None:
    """`count` earns, `per_commit` of them to one partner in each transaction (1: one earn per
    transaction; more: like a photo with several product codes)."""
    app = make_app(url)
    rng = random.Random(tag)
    with app.app_context():
        barrier.wait()
        t0, cpu0 = time.perf_counter(), time.process_time()
        for first in range(0, count, per_commit):
            partner = rng.choice(partners)
            with unit_of_work() as s:
                for i in range(first, min(first + per_commit, count)):
                    key = f"bench:{tag}:{i % 100 if replay else i}"
                    ledger.earn(s, partner_id=partner, program_id=program, credits=7, key=key,
                                cause="invoice", cause_ref=key)
        out.put((time.perf_counter() - t0, time.process_time() - cpu0))
    out.close()
    out.join_thread()
    os._exit(0)


def earn_rate(url: str, program: int, partners: list[int], workers: int, earns: int,
              replay: bool = False, per_commit: int = 1) -> tuple[float, float, float]:
    """Run `earns` earns split over `workers` processes; return earns per second and the
    client's and PostgreSQL's CPU milliseconds per earn."""
    barrier, out = FORK.Barrier(workers), FORK.Queue()
    per = earns // workers
    tag = f"{'r' if replay else 'n'}{time.time_ns()}"
    procs = [FORK.Process(target=_earner, args=(url, program, partners, per, f"{tag}-{w}",
                                                replay, per_commit, barrier, out))
             for w in range(workers)]
    pg_before = postgres_cpu_seconds()
    for p in procs:
        p.start()
    results = [out.get(timeout=600) for _ in procs]
    for p in procs:
        p.join()
    done = per * workers
    elapsed = max(wall for wall, _ in results)
    client_ms = sum(cpu for _, cpu in results) * 1000 / done
    return done / elapsed, client_ms, (postgres_cpu_seconds() - pg_before) * 1000 / done


def read_latency(url: str, program: int, partners: list[int], reads: int) -> tuple[float, ...]:
    """Return (median, p99) milliseconds of `wallet_balance` in one session."""
    app = make_app(url)
    times = []
    with app.app_context(), unit_of_work() as s:
        for pid in random.Random(1).choices(partners, k=reads):
            t0 = time.perf_counter()
            ledger.wallet_balance(s, pid, program)
            times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.99)]


def run(name: str, url: str, args) -> None:
    print(f"{name}:")
    program, partners = seed(url, args.wallets, args.postings)
    app = make_app(url)
    with app.app_context(), unit_of_work() as s:
        total = s.scalar(select(func.count()).select_from(Posting))
        print(f"  postings in the table: {total:,}")
    workers = args.workers if name == "postgres" else 1
    cpu = "client CPU {:.2f} ms/earn" + (", PostgreSQL CPU {:.2f} ms/earn" if name == "postgres"
                                         else "")
    for w in sorted({1, workers}):
        rate, *ms = earn_rate(url, program, partners, w, args.earns)
        print(f"  new earns, {w} process(es): {rate:,.0f}/s ({cpu.format(*ms)})")
    if args.per_commit > 1:
        rate, *ms = earn_rate(url, program, partners, workers, args.earns,
                              per_commit=args.per_commit)
        print(f"  new earns, {args.per_commit} per transaction to one partner, {workers} "
              f"process(es): {rate:,.0f}/s ({cpu.format(*ms)})")
    rate, *ms = earn_rate(url, program, partners, workers, args.earns, replay=True)
    print(f"  replayed keys (idempotent no-ops), {workers} process(es): {rate:,.0f}/s "
          f"({cpu.format(*ms)})")
    median, p99 = read_latency(url, program, partners, args.reads)
    print(f"  balance read: median {median:.3f} ms, p99 {p99:.3f} ms")
    if args.verify:
        from models.ledger.verify import verify

        with app.app_context(), unit_of_work() as s:
            t0 = time.perf_counter()
            problems = verify(s, chain=False)
            print(f"  verify: {len(problems)} problems in {time.perf_counter() - t0:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["postgres", "sqlite", "both"], default="both")
    parser.add_argument("--postings", type=int, default=1_000_000)
    parser.add_argument("--wallets", type=int, default=10_000)
    parser.add_argument("--earns", type=int, default=4000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--reads", type=int, default=5000)
    parser.add_argument("--verify", action="store_true")
    parser.add_argument("--per-commit", type=int, default=1,
                        help="also measure N earns per transaction to one partner")
    args = parser.parse_args()
    if args.backend in ("postgres", "both"):
        admin = psycopg.connect(PG_ADMIN, autocommit=True)
        admin.execute(f'DROP DATABASE IF EXISTS "{PG_NAME}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{PG_NAME}"')
        try:
            url = PG_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
            run("postgres", f"{url}/{PG_NAME}", args)
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{PG_NAME}" WITH (FORCE)')
    if args.backend in ("sqlite", "both"):
        path = ROOT / "bench" / "out" / "ledger-bench.db"
        path.parent.mkdir(exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        run("sqlite", f"sqlite:///{path}", args)


if __name__ == "__main__":
    main()
