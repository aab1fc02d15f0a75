"""One partner passes the same track on two channels at the same moment (two processes)."""

from __future__ import annotations

import multiprocessing

from sqlalchemy import func, select

from app import create_app
from models.db import unit_of_work
from models.learning.certificates import Certificate, issue
from models.learning.progress import content_of
from models.partners.partner import Partner
from models.programs.program import by_code
from tests.learn.conftest import add_partner, balance, load_program, mini_doc


def _issue_in_own_process(url: str, partner_id: int, barrier) -> str:
    app = create_app({"DATABASE_URL": url, "REDIS_URL": ""})
    with app.app_context(), unit_of_work() as session:
        program = by_code(session, "MINI")
        partner = session.get(Partner, partner_id)
        barrier.wait(timeout=30)
        return issue(session, partner, program, content_of(program).track("t1"), None).public_id


def test_simultaneous_passes_issue_one_certificate_and_pay_once(pg_app, clock):
    load_program(mini_doc())
    partner_id = add_partner("MINI")
    context = multiprocessing.get_context("fork")
    with context.Manager() as manager:
        barrier = manager.Barrier(2)
        with context.Pool(2) as pool:
            runs = [pool.apply_async(_issue_in_own_process,
                                     (pg_app.config["DATABASE_URL"], partner_id, barrier))
                    for _ in range(2)]
            ids = {run.get(timeout=120) for run in runs}
    assert len(ids) == 1
    with unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(Certificate)) == 1
    assert balance("MINI") == 100
