"""Fault harness: Saathi under traffic while its parts are killed, paused and restarted; then
checks that nothing was lost or done twice, and fuzzes every public endpoint.

    .venv/bin/python bench/faults.py            # the full run (a few minutes)
    .venv/bin/python bench/faults.py --short    # about a minute: what `make test` runs

Starts its own PostgreSQL cluster (initdb under a temporary folder, its own port), its own
redis-server (no persistence), gunicorn, RQ workers and the scheduler, a media host and a
payout provider stand-in; never the shared PostgreSQL or Redis. While partners chat (menus,
typed codes, QR and invoice photos, UPI redemptions), it SIGKILLs a worker mid-job, kills
Redis and starts it empty, pauses Redis (SIGSTOP), restarts PostgreSQL and SIGKILLs a
gunicorn worker. Then, within the recovery limit: every accepted message answered exactly
once, every job done once, `flask ledger verify` green, balances = earned − redeemed,
`flask status` clean. Exit status 1 on any failure; the table goes to bench/README.md.
"""

from __future__ import annotations

import argparse
import random
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import fault_checks, fuzz
from bench.fault_stack import Stack
from bench.fault_traffic import Script, Traffic, redeem_steps


@dataclass(frozen=True)
class Plan:
    partners: int
    qr_photos: int
    invoices: int
    redemptions: int
    seconds: float  # traffic
    fault_rounds: int
    recovery_limit: float  # seconds after the last fault
    workers: int = 2
    web_workers: int = 2
    threads: int = 4
    concurrency: int = 8
    sweep_seconds: float = 60  # SWEEP_SECONDS: how soon lost work is taken over
    lease_seconds: float = 60  # JOB_LEASE_SECONDS: how soon a killed worker's job is


# The short run takes lost work over within seconds instead of a minute or two: the same
# faults, the same checks, a third of the time.
SHORT = Plan(partners=24, qr_photos=6, invoices=2, redemptions=4, seconds=30, fault_rounds=1,
             recovery_limit=240, sweep_seconds=5, lease_seconds=10)
FULL = Plan(partners=200, qr_photos=50, invoices=12, redemptions=30, seconds=150,
            fault_rounds=4, recovery_limit=420, concurrency=16)


def seed(stack: Stack, plan: Plan) -> tuple[list[Script], dict]:
    """Migrate, load CEMPRO, enroll the partners, print codes; return the scripts and what
    the harness itself granted (credits per phone)."""
    from app import create_app
    from models import ledger
    from models.codes import tables as qr
    from models.codes.format import group
    from models.db import unit_of_work
    from models.partners.partner import Partner, Role
    from models.programs.program import Membership, load_file
    from tests.invoice.conftest import SELLER, einvoice_photo
    from tests.scan.photos import photo

    stack.flask("db", "upgrade", check=True)
    app = create_app({"DATABASE_URL": stack.database_url, "QR_SIGNING_KEYS": {"k1": "faults-qr"},
                      "REDIS_URL": "", "PERIODIC_JOBS_IN_PROCESS": False})
    rng = random.Random(14)
    phones = [f"+9197{n:08d}" for n in range(plan.partners)]
    granted = {}
    with app.app_context(), unit_of_work() as session:
        program = load_file(session, Path(app.root_path) / "programs" / "cempro.yaml")
        batch = qr.create_batch(session, program=program, name="FAULTS", count=2 * plan.partners,
                                credits=10)
        codes = [group(code) for _, code in qr.batch_codes(batch)]
        for n, phone in enumerate(phones):
            partner = Partner(phone=phone, role=Role.RETAILER, name=f"Shop {n}",
                              shop=f"Shop {n}", language="en")
            session.add(partner)
            session.flush()
            session.add(Membership(partner_id=partner.id, program_id=program.id))
            ledger.ensure_wallet(session, partner.id, program.id)
            if n < plan.redemptions:
                ledger.adjust(session, partner_id=partner.id, program_id=program.id,
                              credits=2000, key=f"faults-grant-{n}", reason="faults",
                              actor="faults")
                granted[phone] = 2000
    scripts = []
    for n, phone in enumerate(phones):
        steps = [("text", "MENU"), ("text", f"CODE {codes[2 * n]}")]
        if n < plan.qr_photos:
            steps.append(("media", stack.put_media(f"qr{n}", photo([codes[2 * n + 1]], "blur",
                                                                    seed=n, strength=0.3))))
        if plan.partners - n <= plan.invoices:
            data, _ = einvoice_photo(seed=100 + n, seller=SELLER,
                                     total_paise=rng.randint(20_000, 90_000) * 100)
            steps.append(("media", stack.put_media(f"invoice{n}", data)))
        if n < plan.redemptions:
            steps += redeem_steps(500)
        steps.append(("text", "MENU"))
        scripts.append(Script(phone, steps))
    for n in range(plan.fault_rounds):  # what keeps a worker busy when one is killed
        data, _ = einvoice_photo(seed=500 + n, seller=SELLER, total_paise=50_000_00)
        stack.spare_photos.append((phones[-1], stack.put_media(f"spare{n}", data)))
    return scripts, granted


def faults(stack: Stack, traffic: Traffic, plan: Plan, log: list[tuple[str, float, float]]
           ) -> None:
    """Inject every fault `plan.fault_rounds` times, spread over the traffic. PostgreSQL and
    gunicorn are hit in the middle of a burst of extra messages, so requests are cut."""
    spare = iter(stack.spare_photos)
    kinds = [("worker killed mid-job (SIGKILL)",
              lambda: traffic.during_job(stack.kill_worker, *next(spare))),
             ("Redis killed, restarted empty", stack.kill_redis),
             ("Redis paused 3 s (SIGSTOP)", stack.pause_redis),
             ("PostgreSQL restarted", lambda: traffic.during_burst(stack.restart_postgres)),
             ("gunicorn worker killed (SIGKILL)",
              lambda: traffic.during_burst(stack.kill_web_worker))]
    gap = plan.seconds / (plan.fault_rounds * len(kinds) + 1)
    for _ in range(plan.fault_rounds):
        for name, inject in kinds:
            time.sleep(gap)
            started = time.monotonic()
            inject()
            log.append((name, started, time.monotonic()))


def run(plan: Plan) -> bool:
    with Stack(workers=plan.workers, web_workers=plan.web_workers, threads=plan.threads,
               settings={"SWEEP_SECONDS": plan.sweep_seconds,
                         "JOB_LEASE_SECONDS": plan.lease_seconds}) as stack:
        scripts, granted = seed(stack, plan)
        stack.start_processes()
        traffic = Traffic(stack)
        injected: list[tuple[str, float, float]] = []
        injector = threading.Thread(target=faults, args=(stack, traffic, plan, injected))
        started = time.monotonic()
        injector.start()
        traffic.run(scripts, seconds=plan.seconds, concurrency=plan.concurrency)
        injector.join()
        calm = max([end for _, _, end in injected] + [time.monotonic()])
        recovered = fault_checks.wait_for_recovery(stack, traffic, plan.recovery_limit)
        recovery = time.monotonic() - calm if recovered else None
        result = fault_checks.check(stack, traffic, granted)
        fuzzed = fuzz.run(stack, traffic)
        print_table(plan, traffic, injected, result, fuzzed, recovery,
                    time.monotonic() - started)
        return result.ok and fuzzed.ok and recovery is not None


def print_table(plan: Plan, traffic: Traffic, injected, result, fuzzed, recovery, total
                ) -> None:
    kinds: dict[str, int] = {}
    for name, _, _ in injected:
        kinds[name] = kinds.get(name, 0) + 1
    rows = [
        ("traffic", f"{len(traffic.deliveries)} messages from {plan.partners} phones "
                    f"({plan.qr_photos} QR photos, {plan.invoices} invoices, "
                    f"{plan.redemptions} redemptions); {sum(traffic.status_counts.values())} "
                    "requests with retries"),
        ("faults injected", "; ".join(f"{name} ×{count}" for name, count in kinds.items())),
        ("messages lost", f"{result.lost} (told to try again while PostgreSQL restarted, "
                          f"not stored: {result.refused_in_outage})"),
        ("duplicates", f"{result.duplicates} (jobs run again after a kill: "
                       f"{result.jobs_rerun}; re-sent by the job sweep: "
                       f"{result.swept})"),
        ("5xx (traffic / fuzz)", f"{result.server_errors} / {fuzzed.server_errors}"),
        ("fuzz requests", f"{fuzzed.requests}; unescaped log lines {fuzzed.unescaped}; "
                          f"ERRORs logged {len(fuzzed.errors_logged)}"),
        ("recovery time", f"{recovery:.0f} s" if recovery is not None else "NOT RECOVERED"),
        ("ledger verify, balances", result.ledger),
        ("whole run", f"{total:.0f} s"),
    ]
    print("\n| measure | value |\n| --- | --- |")
    for name, value in rows:
        print(f"| {name} | {value} |")
    for problem in result.problems + fuzzed.problems:
        print(f"FAIL: {problem}")
    for event, count in Counter(fuzzed.errors_logged).items():
        print(f"logged at ERROR during the fuzz stage: {event} ×{count}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--short", action="store_true", help="the version `make test` runs")
    args = parser.parse_args()
    sys.exit(0 if run(SHORT if args.short else FULL) else 1)


if __name__ == "__main__":
    main()
