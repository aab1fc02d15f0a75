"""Benchmark: signed Twilio and Cloud API webhooks (a menu round trip) under gunicorn, beside
a bare endpoint.

    .venv/bin/python bench/webhook.py [--seconds 15] [--connections 32] [--workers 4] [--threads 4]

The Cloud API's replies leave through the outbox to a Graph API stand-in (bench/graph_standin.py,
in this process): the table shows how many replies per second it received, during the run and
until the outbox was empty.

Needs wrk (Debian package `wrk`) and the local PostgreSQL; works in its own database
(`saathi_bench_webhook`, re-created on each run and left for a look afterwards).
Every request carries a unique MessageSid and a valid X-Twilio-Signature, from one of 2,000
enrolled partners, so each is stored, locked, routed and answered for real.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

import psycopg
from twilio.request_validator import RequestValidator

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.cpu import children_cpu_seconds, postgres_cpu_seconds
from bench.graph_standin import GraphStandIn

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
TOKEN = "bench-token"
APP_SECRET = "bench-app-secret"
NUMBER_ID = "106540352242922"
CLOUD = ("/webhooks/whatsapp", "X-Hub-Signature-256", "application/json")
PG = "postgresql://127.0.0.1:5432"
DB = "saathi_bench_webhook"
PARTNERS = 2000


def prepare_database() -> str:
    with psycopg.connect(f"{PG}/test", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{DB}"')
    url = f"postgresql+psycopg://127.0.0.1:5432/{DB}"
    from app import create_app
    from models import metadata
    from models.db import engine, unit_of_work
    from models.partners.partner import Partner

    app = create_app({"DATABASE_URL": url})
    with app.app_context():
        metadata.create_all(engine())
        with unit_of_work() as session:
            session.add_all(Partner(phone=f"+9198{n:08d}", name=f"Shop {n}",
                                    language=("en", "hi", "ta")[n % 3]) for n in range(PARTNERS))
    return url


def write_requests(base_url: str, count: int, tag: str) -> Path:
    validator = RequestValidator(TOKEN)
    OUT.mkdir(exist_ok=True)
    path = OUT / "webhook-requests.tsv"
    with path.open("w") as out:
        for n in range(count):
            params = {"From": f"whatsapp:+9198{n % PARTNERS:08d}", "Body": "MENU",
                      "MessageSid": "SM" + hashlib.md5(f"{tag}{n}".encode()).hexdigest(),
                      "NumMedia": "0",
                      "To": "whatsapp:+14155238886", "AccountSid": "AC" + "0" * 32}
            signature = validator.compute_signature(base_url + "/webhooks/twilio", params)
            out.write(f"{signature}\t{urlencode(params)}\n")
    return path


def write_cloud_requests(count: int, tag: str) -> Path:
    """Cloud API deliveries of one "MENU" each, signed over their raw bytes."""
    OUT.mkdir(exist_ok=True)
    path = OUT / "webhook-cloud-requests.tsv"
    with path.open("w") as out:
        for n in range(count):
            phone = f"9198{n % PARTNERS:08d}"
            raw = json.dumps({"object": "whatsapp_business_account", "entry": [{
                "id": "102290129340398", "changes": [{"field": "messages", "value": {
                    "messaging_product": "whatsapp",
                    "metadata": {"display_phone_number": "919800000001",
                                 "phone_number_id": NUMBER_ID},
                    "contacts": [{"profile": {"name": "Shop"}, "wa_id": phone}],
                    "messages": [{"from": phone, "timestamp": "1773309600", "type": "text",
                                  "id": "wamid.HBgM" + hashlib.md5(f"{tag}{n}".encode())
                                  .hexdigest().upper(), "text": {"body": "MENU"}}]}}]}]},
                separators=(",", ":"))
            signature = hmac.new(APP_SECRET.encode(), raw.encode(), hashlib.sha256).hexdigest()
            out.write(f"sha256={signature}\t{raw}\n")
    return path


def queued(url: str) -> int:
    with psycopg.connect(url.replace("+psycopg", "")) as conn:
        return conn.execute("SELECT count(*) FROM outbox_messages WHERE status = 'queued'"
                            ).fetchone()[0]


def serve(target: str, port: int, workers: int, threads: int, env: dict) -> subprocess.Popen:
    process = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "--workers", str(workers), "--threads", str(threads),
         "--worker-class", "gthread", "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
         target],
        cwd=ROOT, env={**os.environ, **env})
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=0.5)
        except urllib.error.HTTPError:
            return process  # it answers (404 or 405): up
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{target} did not start")


def run_wrk(port: int, requests: Path, seconds: int, connections: int,
            route: tuple[str, ...] = ()) -> dict:
    threads = 2
    result = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency",
         "-s", str(ROOT / "bench/webhook.lua"), f"http://127.0.0.1:{port}", "--",
         str(requests), str(threads), *route], capture_output=True, text=True, check=True)
    text = result.stdout
    unit = {"us": 0.001, "ms": 1.0, "s": 1000.0}

    def latency(pct: str) -> float:
        value, suffix = re.search(rf"{pct}%\s+([\d.]+)(us|ms|s)", text).groups()
        return float(value) * unit[suffix]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)),
            "requests": int(re.search(r"(\d+) requests in", text).group(1)),
            "p50": latency("50"), "p99": latency("99"),
            "non_2xx": int(errors.group(1)) if errors else 0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    port = 5077
    base = f"http://127.0.0.1:{port}"
    url = prepare_database()
    requests = write_requests(base, 60_000, "warm")
    env = {"DATABASE_URL": url, "TWILIO_AUTH_TOKEN": TOKEN, "PUBLIC_BASE_URL": base,
           "SECRET_KEY": "bench", "QR_SIGNING_KEYS": '{"k1": "bench-qr-key"}',
           "LOG_LEVEL": "WARNING", "REDIS_URL": "",
           "PII_KEYS": '{"b1": "YmVuY2gtb25seS1waWkta2V5LTMyLWJ5dGVzLWxvbmc="}', "PII_KEY_ID": "b1",
           "PII_HASH_KEY": "bench",}
    graph = GraphStandIn()
    env.update(WHATSAPP_APP_SECRET=APP_SECRET, WHATSAPP_ACCESS_TOKEN="bench-graph-token",
               WHATSAPP_PHONE_NUMBER_ID=NUMBER_ID, WHATSAPP_GRAPH_BASE=graph.base)
    rows = []
    for name, target, route in (("bare Flask", "bench.bare_app:app", ()),
                                ("Saathi menu round trip", "app:create_app()", ()),
                                ("Cloud API menu round trip", "app:create_app()", CLOUD)):
        server = serve(target, port, args.workers, args.threads, env)
        try:
            if route:
                requests = write_cloud_requests(60_000, "warm")
            run_wrk(port, requests, 3, args.connections, route)  # warm-up
            if name != "bare Flask":  # fresh ids after the warm-up
                requests = write_cloud_requests(60_000, "test") if route else \
                    write_requests(base, 60_000, "test")
            while route and queued(url):
                time.sleep(0.2)  # the warm-up's replies are out
            cpu_before, pg_before = children_cpu_seconds(server.pid), postgres_cpu_seconds()
            sent_before, started = graph.received, time.monotonic()
            result = run_wrk(port, requests, args.seconds, args.connections, route)
            result["sent_during"] = (graph.received - sent_before) / args.seconds
            while route and queued(url):
                time.sleep(0.1)
            result["sent_drained"] = (graph.received - sent_before) / (time.monotonic()
                                                                       - started)
            result["cpu_ms"] = ((children_cpu_seconds(server.pid) - cpu_before) * 1000
                                / result["requests"])
            result["pg_ms"] = (postgres_cpu_seconds() - pg_before) * 1000 / result["requests"]
            rows.append((name, result))
        finally:
            server.terminate()
            server.wait()
    graph.close()
    print(f"\n{args.connections} connections, gunicorn {args.workers} workers x {args.threads} "
          f"threads (gthread), {args.seconds} s, PostgreSQL\n")
    print(f"{'endpoint':<26}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'non-2xx':>10}"
          f"{'CPU ms/req':>12}{'PG ms/req':>11}")
    for name, r in rows:
        print(f"{name:<26}{r['rps']:>10.0f}{r['p50']:>10.1f}{r['p99']:>10.1f}{r['non_2xx']:>10}"
              f"{r['cpu_ms']:>12.2f}{r['pg_ms']:>11.2f}")
    print(f"\nratio: {rows[1][1]['rps'] / rows[0][1]['rps']:.2f} of the bare endpoint")
    cloud = rows[2][1]
    print(f"Cloud API replies delivered to the Graph API stand-in: "
          f"{cloud['sent_during']:.0f}/s during the run, {cloud['sent_drained']:.0f}/s "
          f"until the outbox was empty")


if __name__ == "__main__":
    main()
