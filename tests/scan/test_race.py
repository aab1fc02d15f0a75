"""Two partners scan the same code at the same moment, from two processes on PostgreSQL."""

from __future__ import annotations

import multiprocessing

from sqlalchemy import func, select

from app import create_app
from models.codes.scan import scan_codes
from models.codes.tables import QrRedemption
from models.db import unit_of_work
from models.ledger.tables import JournalEntry
from models.partners.partner import Partner
from tests.scan.conftest import add_batch, add_partner, add_programs

ROUNDS = 3  # the program allows 3 scans a minute


def _scan_in_own_process(url: str, keys: dict, partner_id: int, codes: list[str], barrier
                         ) -> list[str]:
    """A separate process with its own engine; each round starts with the other process."""
    app = create_app({"DATABASE_URL": url, "REDIS_URL": "", "QR_SIGNING_KEYS": keys})
    statuses = []
    with app.app_context():
        for code in codes:
            barrier.wait(timeout=30)
            with unit_of_work() as session:
                partner = session.get(Partner, partner_id)
                [outcome] = scan_codes(session, partner, [code], channel="whatsapp")
                statuses.append(str(outcome.status))
    return statuses


def test_a_code_scanned_by_two_partners_at_once_credits_exactly_one(pg_app):
    with unit_of_work() as session:
        programs = add_programs(session)
        first, second = add_partner(session, programs), add_partner(session, programs)
        codes = add_batch(session, programs["QRA"], count=ROUNDS, credits=10)
    url, keys = pg_app.config["DATABASE_URL"], pg_app.config["QR_SIGNING_KEYS"]
    context = multiprocessing.get_context("fork")  # children build their own engines
    with context.Manager() as manager:
        barrier = manager.Barrier(2)
        with context.Pool(2) as pool:
            runs = [pool.apply_async(_scan_in_own_process, (url, keys, p.id, codes, barrier))
                    for p in (first, second)]
            results = [run.get(timeout=120) for run in runs]
    for round_statuses in zip(*results, strict=True):
        assert sorted(round_statuses) == ["credited", "used"]
    with unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(QrRedemption)) == ROUNDS
        credited = session.scalar(select(func.sum(JournalEntry.credits))
                                  .where(JournalEntry.cause == "qr_code"))
        assert credited == 10 * ROUNDS
