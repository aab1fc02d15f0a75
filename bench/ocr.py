"""Invoice OCR benchmark: field accuracy on generated invoices, and webhook-to-credit time.

    .venv/bin/python bench/ocr.py [--invoices 100] [--seed 1] [--uploads 20]

1. Accuracy: N invoices (random layout, font, Hindi headings, 1-4 items), each read clean
   and as a phone-like photo (tilt, blur, uneven light, noise, JPEG). Per-field exact-match
   rates, the share of reads the bot would ask the partner to confirm, "silent errors" (a
   wrong number, date or total in a read it would credit without asking; a wrong seller GSTIN
   matches no distributor and is refused), and seconds per invoice.
2. Latency: a real `flask worker` (one RQ worker process) on Redis and a SQLite file; signed
   Twilio webhooks carrying printed-invoice photos (no e-invoice QR: the OCR path) are sent
   one at a time; the time from the POST to the credit message's outbox row being SENT.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402
from twilio.request_validator import RequestValidator  # noqa: E402

from tests.invoice import make  # noqa: E402
from workers.ocr.read import read_invoice  # noqa: E402

FIELDS = {"seller_gstin": "seller_gstin", "buyer_gstin": "buyer_gstin",
          "invoice_number": "number", "invoice_date": "day", "total_paise": "total_paise"}
SELLER = "27AAACS1234P1Z7"  # Sai Traders, a CEMPRO distributor


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def accuracy(count: int, seed: int) -> None:
    rows: dict[str, list[dict]] = {"clean": [], "photo": []}
    for n in range(count):
        rng = random.Random(seed * 100_000 + n)
        truth = make.truth(rng)
        page = make.render(truth, rng, hindi=rng.random() < 0.4)
        for kind, picture in (("clean", page), ("photo", make.degrade(page, rng))):
            started = time.perf_counter()
            read = read_invoice(picture)
            seconds = time.perf_counter() - started
            right = {f: getattr(read, f) == getattr(truth, t) for f, t in FIELDS.items()}
            unsure = set(read.unsure(0.8)) - {"seller_gstin"}
            required = ("seller_gstin", "invoice_number", "invoice_date", "total_paise")
            # A wrong seller GSTIN matches no distributor: refused, never credited silently.
            silent = not unsure and right["seller_gstin"] and not all(right[f] for f in required)
            rows[kind].append({**right, "seconds": seconds, "unsure": bool(unsure),
                               "silent": silent})
    print(f"| set | n | {' | '.join(FIELDS)} | all four | asks to confirm | silent errors "
          "| s/invoice mean | p95 |")
    print("| --- " * (len(FIELDS) + 8) + "|")
    for kind, results in rows.items():
        n = len(results)
        rates = [f"{100 * sum(r[f] for r in results) / n:.1f} %" for f in FIELDS]
        four = sum(all(r[f] for f in ("seller_gstin", "invoice_number", "invoice_date",
                                      "total_paise")) for r in results)
        seconds = [r["seconds"] for r in results]
        print(f"| {kind} | {n} | {' | '.join(rates)} | {100 * four / n:.1f} % | "
              f"{100 * sum(r['unsure'] for r in results) / n:.1f} % | "
              f"{sum(r['silent'] for r in results)} | {statistics.mean(seconds):.2f} | "
              f"{pct(seconds, 0.95):.2f} |")


def latency(uploads: int, seed: int) -> None:
    from app import create_app
    from models import ledger
    from models.db import engine, unit_of_work
    from models.outbox import OutboxMessage, OutboxStatus
    from models.partner import Partner
    from models.program import Membership, load_file
    from tests.mediahost import MediaHost

    tmp = Path(tempfile.mkdtemp(prefix="bench-ocr-"))
    host = MediaHost()  # stands in for Twilio's media host; the worker fetches from it
    env = {"TWILIO_MEDIA_HOSTS": host.origin, "MEDIA_FETCH_PRIVATE_NETWORKS": "127.0.0.1/32",
           "DATABASE_URL": f"sqlite:///{tmp / 'bench.db'}", "MEDIA_DIR": str(tmp / "media"),
           "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
           "RQ_QUEUE": f"bench-ocr-{uuid.uuid4().hex[:6]}", "TWILIO_AUTH_TOKEN": "bench",
           "PUBLIC_BASE_URL": "https://bench.test", "LOG_LEVEL": "WARNING",
           "SECRET_KEY": "bench", "QR_SIGNING_KEYS": '{"k1": "bench-qr-key"}'}
    app = create_app(env)
    with app.app_context():
        import models

        models.metadata.create_all(engine())
        with unit_of_work() as session:
            program = load_file(session, ROOT / "programs" / "cempro.yaml")
            phones = [f"+9196{n:08d}" for n in range(uploads)]
            for phone in phones:
                partner = Partner(phone=phone)
                session.add(partner)
                session.flush()
                session.add(Membership(partner_id=partner.id, program_id=program.id))
                ledger.ensure_wallet(session, partner.id, program.id)
    worker = subprocess.Popen([str(ROOT / ".venv/bin/flask"), "--app", "app", "worker"],
                              cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    times, client = [], app.test_client()
    try:
        time.sleep(3)  # the worker imports the app
        for n, phone in enumerate(phones):
            rng = random.Random(seed * 7 + n)
            truth = make.truth(rng, seller=SELLER)
            truth.day = date.today() - timedelta(days=rng.randrange(30))  # within the window
            photo = make.degrade(make.render(truth, rng, hindi=rng.random() < 0.4), rng)
            url = host.put(make.to_bytes(photo))
            params = {"From": f"whatsapp:{phone}", "To": "whatsapp:+14155238886", "Body": "",
                      "MessageSid": f"SM{uuid.uuid4().hex}", "NumMedia": "1",
                      "AccountSid": "AC" + "0" * 32,
                      "MediaUrl0": url, "MediaContentType0": "image/jpeg"}
            signature = RequestValidator("bench").compute_signature(
                "https://bench.test/webhooks/twilio", params)
            started = time.perf_counter()
            client.post("/webhooks/twilio", data=params, headers={"X-Twilio-Signature": signature})
            with app.app_context():
                while time.perf_counter() - started < 60:
                    with unit_of_work() as session:
                        row = session.scalar(select(OutboxMessage).where(
                            OutboxMessage.phone == phone))
                        if row is not None and row.status == OutboxStatus.SENT:
                            break
                    time.sleep(0.02)
            times.append(time.perf_counter() - started)
            print(f"  upload {n + 1}: {times[-1]:.2f} s  {row.body[:70] if row else 'TIMEOUT'}",
                  file=sys.stderr)
    finally:
        worker.terminate()
        worker.wait(10)
    print(f"\nwebhook to credit message SENT, one worker, {uploads} OCR uploads: "
          f"median {statistics.median(times):.2f} s, p95 {pct(times, 0.95):.2f} s, "
          f"max {max(times):.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invoices", type=int, default=100)
    parser.add_argument("--uploads", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--skip-accuracy", action="store_true")
    args = parser.parse_args()
    os.environ["OMP_THREAD_LIMIT"] = "1"
    if not args.skip_accuracy:
        accuracy(args.invoices, args.seed)
    if args.uploads:
        latency(args.uploads, args.seed)


if __name__ == "__main__":
    main()
