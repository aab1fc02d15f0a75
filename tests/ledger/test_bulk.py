"""`earn_many` writes what `earn` one by one writes: the same entries, postings, lots, wallet
balances and results (tier multiplier, debt paid first, return-window lock, budget cap, a key
used before or twice)."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from models import db as db_module
from models import ledger
from models.ledger import bulk
from models.ledger.internals import E, L, W
from models.ledger.tables import Posting


def _state(db, program_id: int) -> tuple:
    """Everything the earns wrote, ids replaced by keys (sequences differ between runs)."""
    keys = dict(db.execute(select(E.c.id, E.c.key).where(E.c.program_id == program_id)).all())
    entries = sorted(tuple(row) for row in db.execute(select(
        E.c.key, E.c.partner_id, E.c.cause, E.c.cause_ref, E.c.description, E.c.actor,
        E.c.credits, E.c.volume, E.c.queued, E.c.review_item_id.is_(None))
        .where(E.c.program_id == program_id)))
    postings = sorted((keys[e], account, amount) for e, account, amount in db.execute(
        select(Posting.entry_id, Posting.account_id, Posting.amount)
        .where(Posting.entry_id.in_(keys))))
    lots = sorted((keys[e], wallet, credits, remaining, expires, locked)
                  for e, wallet, credits, remaining, expires, locked in db.execute(
                      select(L.c.entry_id, L.c.wallet_id, L.c.credits, L.c.remaining,
                             L.c.expires_at, L.c.locked_until).where(L.c.entry_id.in_(keys))))
    wallets = sorted(tuple(row) for row in db.execute(
        select(W.c.id, W.c.balance, W.c.held, W.c.debt).where(W.c.program_id == program_id)))
    return entries, postings, lots, wallets


@pytest.mark.parametrize("copy_from", [100, 2], ids=["insert", "copy"])
def test_a_bulk_earn_writes_what_earning_one_by_one_writes(db, make_program, make_partner,
                                                           clock, copy_from, monkeypatch):
    """Also with its entries, postings and lots sent by COPY (on PostgreSQL from COPY_FROM
    rows: here 2), their entries' ids drawn from the sequence first."""
    monkeypatch.setattr(bulk, "COPY_FROM", copy_from)
    monkeypatch.setattr(db_module, "COPY_FROM", copy_from)
    program = make_program("ELEC", code="BULK", budget={"monthly_cap_credits": 700})
    shops = [make_partner(program) for _ in range(3)]
    db.execute(update(W).where(W.c.partner_id == shops[1].id).values(tier="Silver"))
    db.execute(update(W).where(W.c.partner_id == shops[2].id).values(debt=50))
    ledger.earn(db, partner_id=shops[0].id, program_id=program.id, credits=10, key="k:old",
                cause="invoice", cause_ref="old")
    earns = [ledger.Earn(partner_id=shops[n % 3].id, credits=credits, key=f"k:{key}",
                         cause="invoice", cause_ref=f"inv {key}", description=f"invoice {key}",
                         lock_days=15 if n % 2 else 0, volume=credits * 1000)
             for n, (key, credits) in enumerate([
                 ("a", 100), ("b", 40), ("c", 30), ("d", 120), ("old", 5), ("e", 60),
                 ("a", 100), ("f", 500), ("g", 20)])]  # f passes the cap; g still fits

    def results(rows) -> list:
        return [(r.credits, r.queued_for_review, r.debt_paid, r.balance) for r in rows]

    db.flush()
    with db.begin_nested() as one_by_one:
        singly = [ledger.earn(db, program_id=program.id, **vars(e)) for e in earns]
        expected, expected_results = _state(db, program.id), results(singly)
        one_by_one.rollback()
    together = ledger.earn_many(db, program.id, earns)
    assert _state(db, program.id) == expected
    # a replayed key answers with the balance after the chunk, like a replay after it
    assert [r for n, r in enumerate(results(together)) if n not in (4, 6)] == \
        [r for n, r in enumerate(expected_results) if n not in (4, 6)]
    assert [r.queued_for_review for r in together].count(True) == 1
    assert sum(p.amount for p in db.scalars(select(Posting))) == 0


@pytest.mark.parametrize("copy_from", [100, 2], ids=["insert", "copy"])
def test_a_key_taken_unseen_undoes_the_bulk_writes_and_earns_one_by_one(
        db, make_program, make_partner, clock, copy_from, monkeypatch):
    """A key written by another transaction after the bulk earn looked for its keys (here:
    the look-up made blind to it) fails the bulk write, INSERT or COPY alike: undone in its
    savepoint, the earns go one by one, and the taken key is answered from its entry."""
    monkeypatch.setattr(bulk, "COPY_FROM", copy_from)
    monkeypatch.setattr(db_module, "COPY_FROM", copy_from)
    program = make_program("ELEC", code="TAKEN")
    shops = [make_partner(program) for _ in range(2)]
    ledger.earn(db, partner_id=shops[1].id, program_id=program.id, credits=7, key="k:taken",
                cause="invoice", cause_ref="taken")
    blind = bulk.among
    monkeypatch.setattr(bulk, "among", lambda session, column, values: blind(
        session, column, [] if column is E.c.key else values))
    earns = [ledger.Earn(partner_id=shops[0].id, credits=10 + n, key=key, cause="invoice",
                         cause_ref=key) for n, key in enumerate(["k:a", "k:taken", "k:b"])]
    together = ledger.earn_many(db, program.id, earns)
    assert [r.credits for r in together] == [10, 7, 12]
    assert sorted(db.scalars(select(E.c.key).where(E.c.program_id == program.id))) == \
        ["k:a", "k:b", "k:taken"]
    assert sum(p.amount for p in db.scalars(select(Posting))) == 0
