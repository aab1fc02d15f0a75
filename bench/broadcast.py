"""Broadcast benchmark: N partners through real RQ workers to a local Twilio stand-in.

    .venv/bin/python bench/broadcast.py [--partners 100000] [--workers 2] [--kill-at 0.3]
                                        [--batch N]  # else CAMPAIGN_BATCH or its default

On a temporary PostgreSQL database: inserts N CEMPRO members (SMS partners), builds the
campaign's audience (one INSERT ... SELECT, timed), starts `flask worker --simple` processes,
one campaign run each, and counts the stand-in's accepted messages per second. At --kill-at
of the way it SIGKILLs one worker (and its children), resumes with `flask campaigns send`
and a fresh worker, and at the end counts duplicates (a phone accepted twice) and misses (a
partner never accepted). The stand-in answers like Twilio's Messages API (and lists what it
took, which a resumed run asks about the messages a killed worker had in flight), on one
thread of this process. Printed: the rate from the first message (and until the kill), the
workers' CPU per send without their start-up, and this process's (the stand-in's).
"""

from __future__ import annotations

import argparse
import asyncio
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
SAMPLE = 0.25  # seconds between two counts of the messages accepted
ACCEPTED: Counter = Counter()
TAKEN = [0]  # messages accepted, read by the main thread while the stand-in's counts them
SENT: dict[str, list[dict]] = {}  # to -> what the stand-in lists back (GET Messages.json)


class StandIn(asyncio.Protocol):
    """Twilio's Messages API, as little of it as the run needs, on one thread: kept-alive
    connections, each answer written in one piece (a head and a body written apart meet
    the client's delayed ACK: 40 ms a message on a connection)."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport, self.buffer = transport, b""

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while (end := self.buffer.find(b"\r\n\r\n")) >= 0:
            head = self.buffer[:end].decode("latin-1")
            length = next((int(line.split(":", 1)[1]) for line in head.split("\r\n")
                           if line.lower().startswith("content-length:")), 0)
            if len(self.buffer) < end + 4 + length:  # the rest of the body is on its way
                return  # (or never comes: a request cut short by the kill goes unanswered)
            body, self.buffer = self.buffer[end + 4:end + 4 + length], \
                self.buffer[end + 4 + length:]
            target = head.split(" ", 2)[1]
            status, answer = _taken(body) if head.startswith("POST") else _listed(target)
            self.transport.write(b"HTTP/1.1 %d -\r\nContent-Type: application/json\r\n"
                                 b"Content-Length: %d\r\n\r\n%s" % (status, len(answer),
                                                                      answer))


def _taken(body: bytes) -> tuple[int, bytes]:
    form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
    ACCEPTED[form["To"]] += 1
    TAKEN[0] += 1
    sid = f"SM{TAKEN[0]:032d}"
    SENT.setdefault(form["To"], []).append({
        "sid": sid, "to": form["To"], "from": form["From"], "body": form["Body"],
        "date_created": format_datetime(datetime.now(UTC))})
    return 201, json.dumps({"sid": sid, "status": "queued", "account_sid": ACCOUNT}).encode()


def _listed(target: str) -> tuple[int, bytes]:
    found = SENT.get(parse_qs(urlsplit(target).query)["To"][0], [])
    return 200, json.dumps({"messages": found, "next_page_uri": None}).encode()


def serve() -> tuple[asyncio.AbstractEventLoop, int]:
    """The stand-in on a thread of its own; its loop and port."""
    loop = asyncio.new_event_loop()
    server = loop.run_until_complete(loop.create_server(StandIn, "127.0.0.1", 0))
    threading.Thread(target=loop.run_forever, daemon=True).start()
    return loop, server.sockets[0].getsockname()[1]


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


def ready(process: subprocess.Popen) -> float:
    """The worker's CPU once it waits for jobs: its start-up (imports, connections), left
    out of the CPU per send (a fixed cost, not a send's)."""
    last = -1.0
    while (now := cpu_seconds(process.pid)) != last:
        last = now
        time.sleep(0.3)
    return now


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


def send_command(env: dict) -> subprocess.Popen:
    """`flask campaigns send CEMPRO BENCH` (enqueues a run), not waited for: the sampling
    goes on meanwhile."""
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "campaigns",
                             "send", "CEMPRO", "BENCH"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL)


def resume(env: dict, fresh: subprocess.Popen, start_up: dict[int, float]) -> None:
    """The resume after the kill: the send command once the fresh worker waits for jobs."""
    start_up[fresh.pid] = ready(fresh)
    send_command(env).wait()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--partners", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--kill-at", type=float, default=0.3)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--batch", type=int, help="CAMPAIGN_BATCH (else the environment's "
                        "or the app's default)")
    parser.add_argument("--build-only", action="store_true",
                        help="time the audience build and stop (no sending)")
    args = parser.parse_args()
    name = f"saathi_bench_{uuid.uuid4().hex[:8]}"
    admin = psycopg.connect("postgresql://127.0.0.1:5432/test", autocommit=True)
    admin.execute(f'CREATE DATABASE "{name}"')
    url = f"postgresql+psycopg://127.0.0.1:5432/{name}"
    loop, port = serve()
    settings = {"DATABASE_URL": url, "REDIS_URL": args.redis, "RQ_QUEUE": f"bench-{name}",
                "TWILIO_ACCOUNT_SID": ACCOUNT, "TWILIO_AUTH_TOKEN": "bench",
                "PUBLIC_BASE_URL": "https://bench.test",
                "TWILIO_API_BASE": f"http://127.0.0.1:{port}",
                "TWILIO_SMS_FROM": "+15005550006", "CAMPAIGN_SENDS_PER_SECOND": "0",
                "JOB_LEASE_SECONDS": "5",
                "LOG_LEVEL": "WARNING", "SECRET_KEY": "bench", "PII_HASH_KEY": "bench",
                "PII_KEYS": '{"b1": "YmVuY2gtb25seS1waWkta2V5LTMyLWJ5dGVzLWxvbmc="}',
                "PII_KEY_ID": "b1",
                "LEDGER_SEAL_KEY": "bench", "SIMULATOR_ENABLED": "0",
                "QR_SIGNING_KEYS": json.dumps({"k1": "bench-key"}), "ADMIN_TOKEN": "bench"}
    if args.batch:
        settings["CAMPAIGN_BATCH"] = str(args.batch)
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
            start_up = {w.pid: ready(w) for w in workers}
            own = os.times()
            started, killed, samples, cpu = time.perf_counter(), None, [], 0.0
            commands = [send_command(env) for _ in range(args.workers)]  # one run per
            resuming = threading.Thread()  # worker; they share the deliveries
            load_before, moved, ticked = os.getloadavg()[0], started, started
            while TAKEN[0] < args.partners:
                time.sleep(SAMPLE)
                now, done = time.perf_counter(), TAKEN[0]
                if samples and done > samples[-1][1]:
                    moved = now
                samples.append((now - started, done))
                if killed is None and done >= args.kill_at * args.partners:
                    cpu += cpu_seconds(workers[0].pid) - start_up[workers[0].pid]
                    kill(workers.pop(0))
                    killed = (now - started, done)
                    print(f"killed a worker at {done} sent; resuming")
                    workers.append(worker(env))
                    resuming = threading.Thread(target=resume,
                                                args=(env, workers[-1], start_up))
                    resuming.start()
                if done and now - max(moved, ticked) > 8:  # the tick, after the lease
                    commands.append(send_command(env))
                    ticked = now
                if TAKEN[0] and now - moved > 60:
                    print("no progress for 60 s: stopping")
                    break
            seconds = time.perf_counter() - started
            print(f"load average {load_before:.1f} -> {os.getloadavg()[0]:.1f}")
            if resuming.ident is not None:
                resuming.join()
            for command in commands:
                command.wait()
            cpu += sum(cpu_seconds(w.pid) - start_up[w.pid] for w in workers)
            stand_in = sum(os.times()[:2]) - sum(own[:2])
            time.sleep(3)  # late duplicates would arrive now
            with app.app_context(), unit_of_work() as session:
                print("deliveries", session.execute(text(
                    "SELECT status, count(*) FROM campaign_deliveries GROUP BY 1")).all(),
                      "outbox", session.execute(text(
                          "SELECT status, count(*) FROM outbox_messages GROUP BY 1")).all())
    finally:
        for process in workers:
            kill(process)
        loop.call_soon_threadsafe(loop.stop)
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    phones = {f"+9196{n:08d}" for n in range(args.partners)}
    duplicates = sum(n - 1 for n in ACCEPTED.values() if n > 1)
    misses = len(phones - set(ACCEPTED))
    first = next(t for t, done in samples if done) - SAMPLE  # the runs' commands start slowly
    sending = [sample for sample in samples if sample[0] >= first]
    per_second = int(1 / SAMPLE)
    steady = [b - a for (_, a), (_, b) in zip(sending[::per_second],
                                              sending[per_second::per_second], strict=False)]
    until_kill = f"{killed[1] / (killed[0] - first):.0f}/s" if killed else "-"
    print(f"{TAKEN[0]} accepted in {seconds:.1f} s: "
          f"{args.partners / (seconds - first):.0f} sends/s overall with {args.workers} "
          f"workers (from the first message), "
          f"best second {max(steady, default=0)}, median second "
          f"{sorted(steady)[len(steady) // 2] if steady else 0}, until the kill "
          f"{until_kill}; workers' CPU "
          f"{cpu * 1000 / max(1, TAKEN[0]):.2f} ms per send (start-up left out), the "
          f"stand-in's {stand_in * 1000 / max(1, TAKEN[0]):.2f} ms; "
          f"duplicates {duplicates}, misses {misses}")


if __name__ == "__main__":
    main()
