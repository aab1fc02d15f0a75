"""Two redemptions confirmed at the same moment from two processes on PostgreSQL, each
wanting 1,500 of the partner's 2,000 credits: exactly one goes through."""

from __future__ import annotations

import multiprocessing
import re

from app import create_app
from models import ledger, redemptions
from models.db import unit_of_work
from models.partners.partner import Partner
from models.programs.catalog import catalog_of
from models.programs.program import Program, load_file
from models.redemptions.redemption import Refused, Status

from .conftest import PROGRAMS, RETAILER, VPA, add_partner, sent_to
from .conftest import redemptions as all_redemptions


def _confirm(config: dict, redemption_id: int, code: str, barrier, results) -> None:
    app = create_app(config)
    with app.app_context():
        barrier.wait(timeout=30)
        try:
            with unit_of_work() as session:
                redemption = redemptions.lock(session, redemption_id)
                redemptions.confirm(session, redemption, code)
            results.put((redemption_id, "ok"))
        except Refused as exc:
            results.put((redemption_id, exc.reason))


def test_two_redemptions_racing_for_the_same_credits(pg_app):
    with unit_of_work() as session:
        program_id = load_file(session, PROGRAMS / "cempro.yaml").id
    partner_id = add_partner(program_id, RETAILER, 2000)
    ids = []
    with unit_of_work() as session:
        partner, program = session.get(Partner, partner_id), session.get(Program, program_id)
        item = catalog_of(program.spec.catalog).item("upi")
        for _ in range(2):
            ids.append(redemptions.start(session, partner, program, item, 1500, VPA).id)
    codes = [re.search(r"\d{6}", m.body).group(0) for m in sent_to(RETAILER, "sms")]

    ctx = multiprocessing.get_context("fork")  # a new app and engine in each child
    barrier, results = ctx.Barrier(2), ctx.Queue()
    config = {key: pg_app.config[key] for key in
              ("DATABASE_URL", "SECRET_KEY", "MEDIA_DIR", "RQ_QUEUE", "TWILIO_AUTH_TOKEN",
               "QR_SIGNING_KEYS", "PII_KEYS", "PII_KEY_ID", "PII_HASH_KEY",
               "PUBLIC_BASE_URL")}
    config.update(REDIS_URL="", JOB_INPROCESS_BACKOFF=0, PAYOUT_WAIT_SECONDS=0)
    workers = [ctx.Process(target=_confirm, args=(config, rid, code, barrier, results))
               for rid, code in zip(ids, codes, strict=True)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    outcomes = sorted(results.get(timeout=5)[1] for _ in workers)
    assert outcomes == ["balance", "ok"]
    assert sorted(r.status for r in all_redemptions()) == \
        sorted([Status.COMPLETED, Status.AWAITING_OTP])
    with unit_of_work() as session:
        after = ledger.wallet_balance(session, partner_id, program_id)
    assert (after.balance, after.held, after.available) == (500, 0, 500)
