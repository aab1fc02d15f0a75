"""Races between two processes, each with its own engine, on PostgreSQL."""

from __future__ import annotations

import multiprocessing
import os
import time

import pytest
from sqlalchemy import text

from app import create_app
from models import ledger
from models.db import engine as current_engine
from models.db import unit_of_work
from models.ledger.verify import verify
from models.partners.partner import Partner
from models.programs.program import load_file

from .conftest import PROGRAMS

pytestmark = pytest.mark.postgres
FORK = multiprocessing.get_context("fork")


def _child(url: str, op: str, kwargs: dict, barrier, out) -> None:
    """Run one ledger operation in a fresh app, starting with the other process."""
    code = 0
    try:
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "test", "REDIS_URL": ""})
        with app.app_context(), unit_of_work() as session:
            session.execute(text("SELECT 1"))  # both transactions open before the race
            barrier.wait(timeout=20)
            result = getattr(ledger, op)(session, **kwargs)
            time.sleep(0.2)  # keep the row lock a moment: the other must really wait
        out.put(("ok", getattr(result, "entry_id", result)))
    except ledger.InsufficientCredits:
        out.put(("insufficient", None))
    except Exception as exc:  # report anything else to the test, then fail
        out.put(("error", repr(exc)))
        code = 1
    finally:
        out.close()
        out.join_thread()
        os._exit(code)  # skip finalizers of the parent's inherited connections


def _race(url: str, op: str, first: dict, second: dict) -> list[tuple[str, object]]:
    current_engine().dispose()  # no pooled connection may be shared with the children
    barrier, out = FORK.Barrier(2), FORK.Queue()
    procs = [FORK.Process(target=_child, args=(url, op, kw, barrier, out))
             for kw in (first, second)]
    for proc in procs:
        proc.start()
    results = [out.get(timeout=60) for _ in procs]
    for proc in procs:
        proc.join(timeout=30)
    assert all(r[0] != "error" for r in results), results
    return sorted(results, key=str)


@pytest.fixture
def wallets(pg_app):
    """Two partners with wallets in LUBE; the first holds 100 credits."""
    with unit_of_work() as s:
        lube = load_file(s, PROGRAMS / "lube.yaml")
        a, b = Partner(phone="+919800000201"), Partner(phone="+919800000202")
        s.add_all([a, b])
        s.flush()
        for p in (a, b):
            ledger.ensure_wallet(s, p.id, lube.id)
        ledger.earn(s, partner_id=a.id, program_id=lube.id, credits=100, key="seed",
                    cause="certification", cause_ref="basic")
        return pg_app.config["DATABASE_URL"], a.id, b.id, lube.id


def test_two_spends_exceeding_the_balance_never_both_succeed(wallets):
    url, a, _b, program = wallets
    for round_, credits in enumerate((70, 20, 10)):  # each pair together exceeds what is left
        spend = dict(partner_id=a, program_id=program, credits=credits, cause="redemption",
                     cause_ref="upi")
        results = _race(url, "hold", {**spend, "key": f"h{round_}a"},
                        {**spend, "key": f"h{round_}b"})
        assert [status for status, _ in results] == ["insufficient", "ok"], results
    with unit_of_work() as s:
        assert ledger.wallet_balance(s, a, program) == ledger.Balance(100, 100, 0, 0, 0)
        assert verify(s, chain=False) == []


def test_same_key_from_two_processes_credits_once(wallets):
    url, _a, b, program = wallets
    earn = dict(partner_id=b, program_id=program, credits=50, key="inv:race",
                cause="invoice", cause_ref="INV-1")
    results = _race(url, "earn", earn, earn)
    assert results[0] == results[1] and results[0][0] == "ok"
    with unit_of_work() as s:
        assert ledger.wallet_balance(s, b, program).balance == 50
        assert verify(s, chain=False) == []


def test_same_key_on_two_wallets_returns_the_first_result(wallets):
    url, a, b, program = wallets
    earn = dict(program_id=program, credits=5, key="qr:dup", cause="qr_code", cause_ref="Q1")
    results = _race(url, "earn", {**earn, "partner_id": a}, {**earn, "partner_id": b})
    assert results[0] == results[1]
    with unit_of_work() as s:
        total = (ledger.wallet_balance(s, a, program).balance
                 + ledger.wallet_balance(s, b, program).balance)
        assert total == 105 and verify(s, chain=False) == []
