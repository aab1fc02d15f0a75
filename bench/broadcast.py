"""Broadcast benchmark: N partners through real RQ workers to a local Twilio stand-in.

    .venv/bin/python bench/broadcast.py [--partners 100000] [--workers 2] [--kill-at 0.3]

On a temporary PostgreSQL database: inserts N CEMPRO members (SMS partners), builds the
campaign's audience (one INSERT ... SELECT, timed), starts `flask worker --simple` processes,
one campaign run each, and counts the stand-in's accepted messages per second. At --kill-at
of the way it SIGKILLs one worker (and its children), resumes with `flask campaigns send`
and a fresh worker, and at the end counts duplicates (a phone accepted twice) and misses (a
partner never accepted). The stand-in answers like Twilio's Messages API (and lists what it
took, which a resumed run asks about the messages a killed worker had in flight), in this
process.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import psycopg
from sqlalchemy import text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import models  # noqa: E402
from app import create_app  # noqa: E402
from models import campaigns  # noqa: E402
from models.db import engine, unit_of_work  # noqa: E402
from models.programs.campaign_spec import CampaignSpec  # noqa: E402
from models.programs.program import load_file  # noqa: E402

ACCOUNT = "AC" + "b" * 32
ACCEPTED: Counter = Counter()
SENT: dict[str, list[dict]] = {}  # to -> what the stand-in lists back (GET Messages.json)
LOCK = threading.Lock()


class StandIn(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as Twilio's client uses it

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
        if "To" not in form:  # cut short by the kill
            self._answer(400, {"message": "incomplete request"})
            return
        with LOCK:
            ACCEPTED[form["To"]] += 1
            sid = f"SM{sum(ACCEPTED.values()):032d}"
            SENT.setdefault(form["To"], []).append({
                "sid": sid, "to": form["To"], "from": form["From"], "body": form["Body"],
                "date_created": format_datetime(datetime.now(UTC))})
        self._answer(201, {"sid": sid, "status": "queued", "account_sid": ACCOUNT})

    def do_GET(self) -> None:
        to = parse_qs(urlsplit(self.path).query)["To"][0]
        with LOCK:
            found = list(SENT.get(to, []))
        self._answer(200, {"messages": found, "next_page_uri": None})

    def _answer(self, status: int, body: dict) -> None:
        answer = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args) -> None:
        pass


def insert_members(url: str, program_id: int, count: int) -> None:
    with psycopg.connect(url.replace("+psycopg", "")) as conn, conn.cursor() as cur:
        with cur.copy("COPY partners (phone, role, status, name, language, created_at) "
                      "FROM STDIN") as copy:
            for n in range(count):
                copy.write_row((f"+9196{n:08d}", "retailer", "active", f"Partner {n}", "en",
                                "2026-01-01 00:00:00+00"))
        cur.execute("INSERT INTO memberships (partner_id, program_id, status, joined_at) "
                    "SELECT id, %s, 'active', created_at FROM partners "
                    "WHERE phone LIKE '+9196%%'", (program_id,))


def worker(env: dict) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "worker",
                             "--simple"], cwd=ROOT, env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def kill(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def cpu_seconds(pid: int) -> float:
    """User + system CPU of one process (a worker: --simple runs its jobs in it)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def flask(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "-m", "flask", "--app", "app", *args], cwd=ROOT, env=env,
                   check=True, stdout=subprocess.DEVNULL)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--partners", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--kill-at", type=float, default=0.3)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--build-only", action="store_true",
                        help="time the audience build and stop (no sending)")
    args = parser.parse_args()
    name = f"saathi_bench_{uuid.uuid4().hex[:8]}"
    admin = psycopg.connect("postgresql://127.0.0.1:5432/test", autocommit=True)
    admin.execute(f'CREATE DATABASE "{name}"')
    url = f"postgresql+psycopg://127.0.0.1:5432/{name}"
    server = ThreadingHTTPServer(("127.0.0.1", 0), StandIn)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings = {"DATABASE_URL": url, "REDIS_URL": args.redis, "RQ_QUEUE": f"bench-{name}",
                "TWILIO_ACCOUNT_SID": ACCOUNT, "TWILIO_AUTH_TOKEN": "bench",
                "TWILIO_API_BASE": f"http://127.0.0.1:{server.server_address[1]}",
                "TWILIO_SMS_FROM": "+15005550006", "CAMPAIGN_SENDS_PER_SECOND": "0",
                "CAMPAIGN_BATCH": "100", "JOB_LEASE_SECONDS": "5",
                "LOG_LEVEL": "WARNING", "SECRET_KEY": "bench", "PII_HASH_KEY": "bench",
                "PII_KEYS": '{"b1": "YmVuY2gtb25seS1waWkta2V5LTMyLWJ5dGVzLWxvbmc="}',
                "PII_KEY_ID": "b1",
                "LEDGER_SEAL_KEY": "bench", "SIMULATOR_ENABLED": "0",
                "QR_SIGNING_KEYS": json.dumps({"k1": "bench-key"}), "ADMIN_TOKEN": "bench"}
    env = {**os.environ, **settings}
    workers: list[subprocess.Popen] = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            app = create_app({**settings, "MEDIA_DIR": tmp})
            with app.app_context():
                models.metadata.create_all(engine())
                with unit_of_work() as session:
                    program = load_file(session, ROOT / "programs" / "cempro.yaml")
                    campaigns.save(session, program, CampaignSpec.model_validate(
                        {"code": "BENCH", "messages": {"en": "Hello {name}, OPC is in."},
                         "urgent": True}))  # any hour: the benchmark may run at night
                    program_id = program.id
                started = time.perf_counter()
                insert_members(url, program_id, args.partners)
                print(f"{args.partners} members inserted in {time.perf_counter() - started:.1f} s")
                with unit_of_work() as session:
                    campaign = campaigns.find(session, session.merge(program), "BENCH")
                    campaigns.schedule(session, campaign, None)
                    started = time.perf_counter()
                    campaigns.start(session, campaign)
                built = time.perf_counter() - started
                print(f"audience of {args.partners} built in {built:.2f} s")
                engine().dispose()
            if args.build_only:
                return
            for _ in range(args.workers):
                workers.append(worker(env))
            for _ in range(args.workers):  # one run per worker; they share the deliveries
                flask(env, "campaigns", "send", "CEMPRO", "BENCH")
            started, killed, samples, cpu = time.perf_counter(), False, [], 0.0
            load_before = os.getloadavg()[0]
            while sum(ACCEPTED.values()) < args.partners:
                time.sleep(1)
                done = sum(ACCEPTED.values())
                samples.append((time.perf_counter() - started, done))
                if not killed and done >= args.kill_at * args.partners:
                    cpu += cpu_seconds(workers[0].pid)
                    kill(workers.pop(0))
                    killed = True
                    print(f"killed a worker at {done} sent; resuming")
                    workers.append(worker(env))
                    flask(env, "campaigns", "send", "CEMPRO", "BENCH")
                if len(samples) > 8 and samples[-8][1] == done:  # what the tick would do
                    flask(env, "campaigns", "send", "CEMPRO", "BENCH")  # after the lease
                if len(samples) > 60 and samples[-60][1] == done:
                    print("no progress for 60 s: stopping")
                    break
            seconds = time.perf_counter() - started
            print(f"load average {load_before:.1f} -> {os.getloadavg()[0]:.1f}")
            cpu += sum(cpu_seconds(w.pid) for w in workers)
            time.sleep(3)  # late duplicates would arrive now
            with app.app_context(), unit_of_work() as session:
                print("deliveries", session.execute(text(
                    "SELECT status, count(*) FROM campaign_deliveries GROUP BY 1")).all(),
                      "outbox", session.execute(text(
                          "SELECT status, count(*) FROM outbox_messages GROUP BY 1")).all())
    finally:
        for process in workers:
            kill(process)
        server.shutdown()
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    phones = {f"+9196{n:08d}" for n in range(args.partners)}
    duplicates = sum(n - 1 for n in ACCEPTED.values() if n > 1)
    misses = len(phones - set(ACCEPTED))
    steady = [b - a for (_, a), (_, b) in itertools.pairwise(samples)]
    print(f"{sum(ACCEPTED.values())} accepted in {seconds:.1f} s: "
          f"{args.partners / seconds:.0f} sends/s overall with {args.workers} workers, "
          f"best second {max(steady, default=0)}, median second "
          f"{sorted(steady)[len(steady) // 2] if steady else 0}; workers' CPU "
          f"{cpu * 1000 / max(1, sum(ACCEPTED.values())):.2f} ms per send; "
          f"duplicates {duplicates}, misses {misses}")


if __name__ == "__main__":
    main()
