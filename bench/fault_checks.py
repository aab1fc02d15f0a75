"""What must hold after the faults: nothing accepted was lost, nothing was done twice, the
ledger verifies and every balance is what was earned minus what was redeemed. Read straight
from the harness's own database (SQL, not the app's models)."""

from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import dataclass, field

import psycopg

from bench.fault_stack import Stack
from bench.fault_traffic import Traffic, twiml_texts

TRY_AGAIN = "Sorry, something went wrong on our side. Please try again in a minute."


@dataclass
class Result:
    lost: int = 0
    duplicates: int = 0
    server_errors: int = 0
    refused_in_outage: int = 0  # told "try again" while the database was down: not stored
    jobs_rerun: int = 0  # jobs whose run was cut (a killed worker) and that ran again
    swept: int = 0  # jobs the job sweep sent again (their enqueue was lost with Redis)
    ledger: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _db(stack: Stack) -> psycopg.Connection:
    return psycopg.connect(stack.postgres.url("saathi"), autocommit=True, connect_timeout=5)


def _settled(stack: Stack) -> bool:
    with _db(stack) as db:
        return db.execute("""
            SELECT (SELECT count(*) FROM inbox_messages WHERE status = 'received')
                 + (SELECT count(*) FROM job_records WHERE status IN ('queued', 'running'))
                 + (SELECT count(*) FROM outbox_messages WHERE status = 'queued')
                 + (SELECT count(*) FROM redemptions WHERE status = 'processing')""",
                          ).fetchone()[0] == 0


def wait_for_recovery(stack: Stack, traffic: Traffic, limit: float) -> bool:
    """Wait until no work is left and `flask status` is clean; False after `limit` s."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            if _settled(stack) and stack.flask("status").returncode == 0:
                return True
        except psycopg.OperationalError:
            pass
        time.sleep(1)
    print(stack.flask("status").stdout)
    return False


def _swept(stack: Stack) -> int:
    """How many jobs the job sweep sent again (it logs each batch)."""
    count = 0
    for name in [f"worker{n}" for n in range(len(stack.workers))]:
        for line in stack.logs(name):
            if '"overdue jobs sent again"' in line:
                count += json.loads(line).get("jobs", 0)
    return count


def check(stack: Stack, traffic: Traffic, granted: dict[str, int]) -> Result:
    result = Result()
    result.server_errors = sum(n for status, n in traffic.status_counts.items() if status >= 500)
    if result.server_errors:
        result.problems.append(f"{result.server_errors} responses were 5xx")
    with _db(stack) as db:
        _messages(db, traffic, result)
        _jobs(db, traffic, result)
        _money(db, stack, granted, result)
    verify = stack.flask("ledger", "verify")
    result.ledger = "green" if verify.returncode == 0 else "RED"
    result.swept = _swept(stack)
    if verify.returncode:
        result.problems.append(f"ledger verify: {verify.stderr.strip()[:500]}")
    result.ledger += ", balances " + ("= earned − redeemed" if not any(
        p.startswith("balance") for p in result.problems) else "WRONG")
    return result


def _messages(db, traffic: Traffic, result: Result) -> None:
    """Each accepted message stored and answered once, and the same answer to every retry."""
    stored = dict(db.execute("SELECT provider_id, status FROM inbox_messages").fetchall())
    for sid, delivery in traffic.deliveries.items():
        if not delivery.accepted:
            result.lost += 1
            result.problems.append(f"{sid}: never accepted after {len(delivery.answers)} tries")
            continue
        answers = traffic.replies(sid)
        if len(answers) > 1:
            result.duplicates += 1
            result.problems.append(f"{sid}: retries answered differently: {answers}")
        status = stored.get(sid)
        if status is None:
            if twiml_texts(answers[0]) == [TRY_AGAIN]:
                result.refused_in_outage += 1  # the partner was told; Twilio got its answer
            else:
                result.lost += 1
                result.problems.append(f"{sid}: answered but never stored")
        elif status == "received":
            result.lost += 1
            result.problems.append(f"{sid}: stored, never answered")


def _jobs(db, traffic: Traffic, result: Result) -> None:
    """Every recorded job done; every photo answered exactly once."""
    for status, count in db.execute(
            "SELECT status, count(*) FROM job_records GROUP BY status").fetchall():
        if status != "done":
            result.lost += count
            result.problems.append(f"{count} jobs {status}")
    result.jobs_rerun = db.execute(
        "SELECT count(*) FROM job_records WHERE attempts > 1").fetchone()[0]
    answers = Counter()
    for (key,) in db.execute("SELECT idempotency_key FROM outbox_messages "
                             "WHERE idempotency_key ~ '^(scan|upload):'"):
        answers[key.split(":", 1)[1].rsplit(":", 1)[0]] += 1
    for _key, upload in db.execute(
            "SELECT o.idempotency_key, i.upload_key FROM outbox_messages o JOIN invoices i "
            "ON o.idempotency_key LIKE 'invoice:' || i.id || ':%'"):
        answers[upload.rsplit(":", 1)[0]] += 1
    for sid, delivery in traffic.deliveries.items():
        if delivery.params["NumMedia"] == "0" or sid not in _stored_sids(db):
            continue
        if answers[sid] == 0:
            result.lost += 1
            result.problems.append(f"{sid}: the photo was never answered")
        elif answers[sid] > 1:
            result.duplicates += answers[sid] - 1
            result.problems.append(f"{sid}: the photo was answered {answers[sid]} times")


def _stored_sids(db) -> set[str]:
    return {sid for (sid,) in db.execute("SELECT provider_id FROM inbox_messages")}


def _money(db, stack: Stack, granted: dict[str, int], result: Result) -> None:
    """Codes credited once, payouts made once, balances = earned − redeemed."""
    for cause_ref, count in db.execute(
            "SELECT cause_ref, count(*) FROM journal_entries WHERE cause = 'qr_code' "
            "GROUP BY cause_ref HAVING count(*) > 1"):
        result.duplicates += count - 1
        result.problems.append(f"code {cause_ref} credited {count} times")
    paid = Counter(p["reference_id"] for p in stack.payouts.payouts.values())
    for reference, count in paid.items():
        if count > 1:
            result.duplicates += count - 1
            result.problems.append(f"payout {reference} made {count} times")
    completed = db.execute("SELECT count(*) FROM redemptions WHERE status = 'completed'"
                           ).fetchone()[0]
    if completed != len(paid):
        result.problems.append(f"{completed} redemptions completed, {len(paid)} paid out")
    rows = db.execute("""
        SELECT p.phone, w.balance + w.held,
               coalesce((SELECT sum(e.credits) FROM journal_entries e WHERE e.partner_id = p.id
                         AND e.cause IN ('qr_code', 'invoice')), 0),
               coalesce((SELECT sum(r.credits) FROM redemptions r WHERE r.partner_id = p.id
                         AND r.status = 'completed'), 0)
        FROM partners p JOIN ledger_wallets w ON w.partner_id = p.id""").fetchall()
    for phone, balance, earned, redeemed in rows:
        expected = granted.get(phone, 0) + earned - redeemed
        if balance != expected:
            result.problems.append(f"balance of {phone[:-4]}XXXX is {balance}, earned − "
                                   f"redeemed is {expected}")
