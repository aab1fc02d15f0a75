"""How fast the admin pages answer on a large brand: seed PostgreSQL with N partners of
CEMPRO (a tenth of them SAITRD's shops), M journal entries (2 postings each) and K inbound
messages with set-based INSERTs, then time every page for a brand admin and a distributor
admin (in-process test client: the view, its queries and the template, not the network).

    .venv/bin/python bench/admin.py                              # 100k / 500k (1M postings) / 200k
    .venv/bin/python bench/admin.py --partners 10000 --entries 50000 --messages 20000

Prints p50 / p95 per page; the database is dropped at the end (--keep to look at it)."""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import uuid
from pathlib import Path

import psycopg
from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import models
from app import create_app
from models.admin import rollup, users
from models.db import engine, unit_of_work
from models.ledger.internals import system_account
from models.ledger.tables import AccountKind
from models.partners.partner import Partner
from models.programs.program import load_file

PG = "postgresql://127.0.0.1:5432/test"
PASSWORD = "bench password 1"
SEED = [
    # partners: one in ten buys from SAITRD; spread over a year of sign-ups
    """INSERT INTO partners (phone, role, status, language, name, shop, pincode, parent_id,
       created_at)
       SELECT '+9170' || lpad(g::text, 8, '0'), 'retailer', 'active', 'hi', 'Owner ' || g,
              'Shop ' || g, lpad((400000 + g % 999)::text, 6, '0'),
              CASE WHEN g % 10 = 0 THEN :saitrd END, now() - (g % 365) * interval '1 day'
       FROM generate_series(1, :partners) g""",
    "ANALYZE partners",
    """INSERT INTO memberships (partner_id, program_id, status, joined_at)
       SELECT id, :program, 'active', created_at FROM partners WHERE phone LIKE '+9170%'""",
    """INSERT INTO ledger_accounts (code, program_id, partner_id, kind, created_at)
       SELECT 'W' || id || ':' || :program || ':' || k, :program, id, k, now()
       FROM partners, (VALUES ('wallet'), ('debt')) AS kinds(k) WHERE phone LIKE '+9170%'""",
    "ANALYZE ledger_accounts",
    """INSERT INTO ledger_wallets (partner_id, program_id, account_id, debt_account_id,
       balance, held, debt, updated_at)
       SELECT p.id, :program, w.id, d.id, 0, 0, 0, now() FROM partners p
       JOIN ledger_accounts w ON w.partner_id = p.id AND w.kind = 'wallet'
       JOIN ledger_accounts d ON d.partner_id = p.id AND d.kind = 'debt'
       WHERE p.phone LIKE '+9170%'""",
    "ANALYZE ledger_wallets",
    """CREATE TEMP TABLE bench_wallets AS SELECT row_number() OVER (ORDER BY id) AS n,
       partner_id, account_id FROM ledger_wallets WHERE program_id = :program""",
    """INSERT INTO journal_entries (key, program_id, partner_id, cause, cause_ref, description,
       actor, credits, volume, queued, created_at)
       SELECT 'bench:' || g, :program, w.partner_id, 'invoice', 'B' || g, 'bench invoice',
              'system', 10 + g % 90, 0, false, now() - (g % 90) * interval '1 day'
       FROM generate_series(1, :entries) g
       JOIN bench_wallets w ON w.n = 1 + g % :partners""",
    "ANALYZE journal_entries",
    """INSERT INTO postings (entry_id, account_id, amount)
       SELECT e.id, w.account_id, e.credits FROM journal_entries e
       JOIN ledger_wallets w ON w.partner_id = e.partner_id AND w.program_id = e.program_id
       WHERE e.key LIKE 'bench:%'
       UNION ALL
       SELECT e.id, :issuance, -e.credits FROM journal_entries e WHERE e.key LIKE 'bench:%'""",
    """UPDATE ledger_wallets w SET balance = s.total FROM (
       SELECT partner_id, sum(credits) AS total FROM journal_entries
       WHERE key LIKE 'bench:%' GROUP BY partner_id) s WHERE s.partner_id = w.partner_id""",
    """INSERT INTO inbox_messages (channel, provider_id, phone, body, payload, status,
       received_at)
       SELECT 'whatsapp', 'SMbench' || g, '+9170' || lpad((1 + g % :partners)::text, 8, '0'),
              'MENU', '{}', 'processed', now() - (g % 60) * interval '1 day'
       FROM generate_series(1, :messages) g""",
    "ANALYZE",
]


def seed(args) -> dict:
    with unit_of_work() as db:
        program = load_file(db, Path("programs/cempro.yaml"))
        saitrd = db.query(Partner).filter_by(code="SAITRD").one()
        issuance = system_account(db, program.id, AccountKind.ISSUANCE)
        for role, distributor in (("brand-admin", None), ("distributor-admin", "SAITRD")):
            users.create(db, email=f"{role}@bench.test", role=role, program_code="CEMPRO",
                         distributor_code=distributor, password=PASSWORD)
        values = {"program": program.id, "saitrd": saitrd.id, "issuance": issuance,
                  "partners": args.partners, "entries": args.entries,
                  "messages": args.messages}
    with engine().begin() as conn:
        for statement in SEED:
            started = time.perf_counter()
            conn.execute(text(statement), {k: v for k, v in values.items()
                                           if f":{k}" in statement})
            print(f"  {time.perf_counter() - started:6.1f} s  {statement.split()[0:3]}")
        values["sample"] = conn.scalar(text(
            "SELECT id FROM partners WHERE phone LIKE '+9170%' ORDER BY id OFFSET :half LIMIT 1"),
            {"half": args.partners // 2})
    return values


def existing(args) -> dict:
    """The sample partner and the distributor of a database seeded before."""
    with engine().begin() as conn:
        return {"saitrd": conn.scalar(text("SELECT id FROM partners WHERE code = 'SAITRD'")),
                "sample": conn.scalar(text(
                    "SELECT id FROM partners WHERE phone LIKE '+9170%' ORDER BY id "
                    "OFFSET :half LIMIT 1"), {"half": args.partners // 2})}


def timed(client, path: str, runs: int) -> tuple[float, float, float]:
    """p50 and p95 wall milliseconds, and the median CPU milliseconds of this process (the
    view and template; the machine is shared, so wall time also holds others' load)."""
    times, cpu = [], []
    for _ in range(runs):
        started, cpu_started = time.perf_counter(), time.process_time()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    times.sort()
    return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)], \
        statistics.median(cpu)


def log_in(app, email: str):
    client = app.test_client()
    page = client.get("/admin/login").get_data(as_text=True)
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    client.post("/admin/login", data={"email": email, "password": PASSWORD,
                                      "csrf_token": token})
    return client


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--partners", type=int, default=100_000)
    parser.add_argument("--entries", type=int, default=500_000)
    parser.add_argument("--messages", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--database", help="time the pages again on a database seeded and "
                                           "kept (--keep) by an earlier run")
    args = parser.parse_args()
    name = args.database or f"saathi_bench_admin_{uuid.uuid4().hex[:6]}"
    args.keep = args.keep or bool(args.database)
    admin = psycopg.connect(PG, autocommit=True)
    if not args.database:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = PG.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://") + f"/{name}"
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "REDIS_URL": "",
                      "PERIODIC_JOBS_IN_PROCESS": False})
    try:
        with app.app_context():
            if args.database:
                values = existing(args)
            else:
                models.metadata.create_all(engine())
                print(f"seeding {args.partners:,} partners, {args.entries:,} entries "
                      f"({2 * args.entries:,} postings), {args.messages:,} messages")
                values = seed(args)
            sample, saitrd = values["sample"], values["saitrd"]
            started = time.perf_counter()
            with unit_of_work() as db:
                rows = rollup.refresh_all(db)
            print(f"  {time.perf_counter() - started:6.1f} s  rollup refresh ({rows:,} rows: "
                  "the periodic job's work)")
            pages = ["/admin/", "/admin/overview/CEMPRO", "/admin/partners",
                     "/admin/partners?q=Shop%2012345", f"/admin/partners/{sample}",
                     "/admin/partners.csv", "/admin/overview/CEMPRO/credits.csv",
                     "/admin/queue/", "/admin/inbox/", "/admin/audit",
                     f"/admin/distributors/{saitrd}", f"/admin/distributors/{saitrd}?page=100",
                     f"/admin/api/distributors/{saitrd}", "/admin/programs/CEMPRO"]
            brand_only = ("/admin/inbox/", "/admin/audit", f"/admin/partners/{sample}",
                          "/admin/programs/CEMPRO")
            for role in ("brand-admin", "distributor-admin"):
                client = log_in(app, f"{role}@bench.test")
                for path in pages:
                    if role == "distributor-admin" and path in brand_only:
                        continue
                    p50, p95, cpu = timed(client, path, args.runs)
                    print(f"{role:18} {path:40} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  "
                          f"cpu {cpu:6.1f} ms")
            engine().dispose()
    finally:
        if not args.keep:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
