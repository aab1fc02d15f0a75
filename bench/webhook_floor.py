"""The database floor of a menu round trip: the webhook's statements in raw psycopg.

    .venv/bin/python bench/webhook.py ...          # leaves its database behind
    .venv/bin/python bench/webhook_floor.py [--messages 2000]

Runs, for each message, exactly the statements Saathi sends (store: SET LOCAL, INSERT, COMMIT;
process: conversation FOR UPDATE, partner, UPDATE conversation, UPDATE inbox, COMMIT) with no
Flask, no SQLAlchemy and no flow, against the database `bench/webhook.py` left
(`saathi_bench_webhook`), and prints the client's and PostgreSQL's CPU per message: what no
Python web process can go below while it stores each message before handling it.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.cpu import postgres_cpu_seconds
from bench.webhook import DB, PG


def round_trips(conn: psycopg.Connection, phones: list[str], count: int, tag: str) -> None:
    for n in range(count):
        phone, sid = phones[n % len(phones)], f"{tag}{n}"
        conn.execute("SET LOCAL synchronous_commit TO OFF")
        conn.execute(
            "INSERT INTO inbox_messages (channel, provider_id, phone, body, payload, status, "
            "received_at) VALUES ('whatsapp', %s, %s, 'MENU', %s, 'received', now()) "
            "ON CONFLICT DO NOTHING RETURNING id", (sid, phone, json.dumps({"text": "MENU"})))
        conn.commit()
        conn.execute("SELECT * FROM conversations WHERE channel = 'whatsapp' AND phone = %s "
                     "FOR UPDATE", (phone,)).fetchone()
        conn.execute("SELECT * FROM partners WHERE phone = %s", (phone,)).fetchone()
        conn.execute("UPDATE conversations SET updated_at = now(), last_inbound_at = now() "
                     "WHERE channel = 'whatsapp' AND phone = %s", (phone,))
        conn.execute("UPDATE inbox_messages SET status = 'processed', replies = %s, "
                     "processed_at = now() WHERE channel = 'whatsapp' AND provider_id = %s "
                     "AND status = 'received'", (json.dumps([{"text": "menu"}]), sid))
        conn.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=2000)
    args = parser.parse_args()
    with psycopg.connect(f"{PG}/{DB}") as conn:
        phones = [row[0] for row in conn.execute(
            "SELECT phone FROM conversations WHERE channel = 'whatsapp' LIMIT 1000")]
        conn.commit()
        if not phones:
            raise SystemExit(f"no conversations in {DB}: run bench/webhook.py first")
        round_trips(conn, phones, 200, f"warm{time.time_ns()}-")
        wall, cpu, pg = time.perf_counter(), time.process_time(), postgres_cpu_seconds()
        round_trips(conn, phones, args.messages, f"floor{time.time_ns()}-")
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        pg = postgres_cpu_seconds() - pg
    per = 1000 / args.messages
    print(f"{args.messages / wall:,.0f} messages/s in one connection; CPU per message: client "
          f"{cpu * per:.2f} ms, PostgreSQL {pg * per:.2f} ms")


if __name__ == "__main__":
    main()
