"""How fast distributors' sales files go in: seed PostgreSQL with ELEC and N partners (half
known by GSTIN, half by phone), write a CSV sales register of M rows (Indian amounts,
dd/mm/yyyy), run `flask sales import` on it in a child process, then the same file again
(every row an idempotent no-op), then `flask ledger verify`. Prints rows/s, the child's CPU
time and peak RSS, and the CPU time of the PostgreSQL backends that served it, for each run.

    .venv/bin/python bench/sales_import.py                       # 10,000 partners, 100,000 rows
    .venv/bin/python bench/sales_import.py --partners 1000 --rows 10000

The database is dropped at the end (--keep to look at it). ELEC's monthly budget cap is lifted
for the run (100,000 invoices would otherwise queue past it for review)."""

from __future__ import annotations

import argparse
import csv
import os
import resource
import subprocess
import sys
import threading
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

import psycopg
import yaml
from sqlalchemy import insert, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import models
from app import create_app
from models.db import engine, unit_of_work
from models.partners.gstin import check_char
from models.partners.partner import Partner
from models.programs.program import load_spec
from models.programs.schema import parse

ROOT = Path(__file__).resolve().parent.parent
PG = "postgresql://127.0.0.1:5432/test"
WALLETS = [
    """INSERT INTO memberships (partner_id, program_id, status, joined_at)
       SELECT id, :program, 'active', now() FROM partners WHERE phone LIKE '+9170%'""",
    """INSERT INTO ledger_accounts (code, program_id, partner_id, kind, created_at)
       SELECT 'W' || id || ':' || :program || ':' || k, :program, id, k, now()
       FROM partners, (VALUES ('wallet'), ('debt')) AS kinds(k) WHERE phone LIKE '+9170%'""",
    """INSERT INTO ledger_wallets (partner_id, program_id, account_id, debt_account_id,
       balance, held, debt, updated_at)
       SELECT p.id, :program, w.id, d.id, 0, 0, 0, now() FROM partners p
       JOIN ledger_accounts w ON w.partner_id = p.id AND w.kind = 'wallet'
       JOIN ledger_accounts d ON d.partner_id = p.id AND d.kind = 'debt'
       WHERE p.phone LIKE '+9170%'""",
    "ANALYZE",
]
HEADER = ["Invoice No", "Invoice Date", "Voucher Type", "Party Name", "Buyer GSTIN", "Mobile",
          "PIN", "Item", "HSN", "Qty", "Invoice Value", "Against Invoice"]
ITEMS = [("Voltix MCB 32A", "853620"), ("FRLS wire 1.5 sqmm", "8544"), ("LED panel", "9405")]


def gstin(n: int) -> str:
    first14 = f"33ABC{chr(65 + n // 10000 % 26)}{chr(65 + n // 260000 % 26)}{n % 10000:04d}F1Z"
    return first14 + check_char(first14)


def seed(partners: int) -> None:
    spec = yaml.safe_load((ROOT / "programs/elec.yaml").read_text())
    spec["budget"] = {}
    with unit_of_work() as db:
        program = load_spec(db, parse(spec))
        db.execute(insert(Partner), [
            {"phone": f"+9170{n:08d}", "role": "retailer", "status": "active",
             "language": "ta", "name": f"Shop {n}", "pincode": "600017",
             "gstin": gstin(n) if n % 2 == 0 else None} for n in range(partners)])
        program_id = program.id
    with engine().begin() as conn:
        for statement in WALLETS:
            conn.execute(text(statement), {"program": program_id} if ":program" in statement
                         else {})


def write_register(path: Path, rows: int, partners: int) -> None:
    day = (date.today() - timedelta(days=5)).strftime("%d/%m/%Y")
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        for n in range(rows):
            buyer = n % partners
            item, hsn = ITEMS[n % len(ITEMS)]
            rupees = 5_000 + (n * 7919) % 95_000
            writer.writerow([f"CE/{n:07d}", day, "Sales", f"Shop {buyer}",
                             gstin(buyer) if buyer % 2 == 0 else "",
                             f"70{buyer:08d}" if buyer % 2 else "", "600017", item, hsn,
                             str(1 + n % 40), f"{rupees:,}.50", ""])


class ServerCPU(threading.Thread):
    """The CPU seconds of the PostgreSQL backends serving database `name` (this machine's
    server, read from /proc twice a second while they live): the server's share of the work,
    which the child's CPU time leaves out."""

    def __init__(self, name: str) -> None:
        super().__init__(daemon=True)
        self.name, self.seen, self.done = name, {}, threading.Event()

    def run(self) -> None:
        tick = os.sysconf("SC_CLK_TCK")
        while not self.done.wait(0.5):
            for proc in Path("/proc").iterdir():
                try:
                    if proc.name.isdigit() and f" {self.name} " in \
                            (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode():
                        fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
                        self.seen[proc.name] = (int(fields[11]) + int(fields[12])) / tick
                except OSError:
                    continue

    def seconds(self) -> float:
        self.done.set()
        self.join()
        return sum(self.seen.values())


def run_import(path: Path, url: str, name: str) -> tuple[float, float, float, float, str]:
    """(seconds, CPU seconds, server CPU seconds, peak RSS in MB, last line) of `flask sales
    import` in a child process. The CPU time is the child's alone; the server's is apart."""
    env = {**os.environ, "DATABASE_URL": url, "REDIS_URL": "", "PERIODIC_JOBS_IN_PROCESS": "0"}
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    before, cpu = usage.ru_maxrss, usage.ru_utime + usage.ru_stime
    server = ServerCPU(name)
    server.start()
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "app", "sales", "import",
                           str(path), "--distributor", "CHNELEC"], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode:
        raise SystemExit(done.stderr[-2000:])
    return (seconds, usage.ru_utime + usage.ru_stime - cpu, server.seconds(),
            max(usage.ru_maxrss, before) / 1024, done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--partners", type=int, default=10_000)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    name = f"saathi_bench_sales_{uuid.uuid4().hex[:6]}"
    admin = psycopg.connect(PG, autocommit=True)
    admin.execute(f'CREATE DATABASE "{name}"')
    url = PG.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://") + f"/{name}"
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "REDIS_URL": "",
                      "PERIODIC_JOBS_IN_PROCESS": False})
    register = Path(f"/tmp/{name}.csv")
    try:
        with app.app_context():
            models.metadata.create_all(engine())
            started = time.perf_counter()
            seed(args.partners)
            engine().dispose()
        print(f"seeded {args.partners:,} partners in {time.perf_counter() - started:.1f} s",
              flush=True)
        write_register(register, args.rows, args.partners)
        print(f"register: {args.rows:,} rows, {register.stat().st_size / 1e6:.1f} MB")
        for label in ("import", "replay"):
            seconds, cpu, server, rss, summary = run_import(register, url, name)
            print(f"{label:7} {seconds:6.1f} s  {args.rows / seconds:8,.0f} rows/s  "
                  f"CPU {cpu:6.1f} s  server CPU {server:6.1f} s  peak RSS {rss:5.0f} MB  "
                  f"load {os.getloadavg()[0]:.1f}  | {summary[:60]}", flush=True)
        checked = subprocess.run([sys.executable, "-m", "flask", "--app", "app", "ledger",
                                  "verify", "--no-chain"], cwd=ROOT, capture_output=True,
                                 text=True, check=False, env={**os.environ, "DATABASE_URL": url,
                                                              "REDIS_URL": ""})
        print(f"flask ledger verify: {(checked.stdout + checked.stderr).strip()[-300:]}")
    finally:
        register.unlink(missing_ok=True)
        register.with_name(register.name + ".report.csv").unlink(missing_ok=True)
        if not args.keep:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
