"""Tamper evidence: edits, removals and unsealed insertions behind the application's back."""

from __future__ import annotations

from sqlalchemy import text

from models import ledger
from models.db import unit_of_work
from models.ledger.seal import seal, seal_all
from models.ledger.verify import verify


def _earn_some(session, partner, program, n, prefix="e"):
    for i in range(n):
        ledger.earn(session, partner_id=partner.id, program_id=program.id, credits=10 + i,
                    key=f"{prefix}{i}", cause="qr_code", cause_ref=f"QR{i}")


def test_sealed_ledger_verifies_and_later_entries_get_the_next_checkpoint(
        db, programs, make_partner, clock):
    lube = programs["LUBE"]
    p = make_partner(lube)
    _earn_some(db, p, lube, 5)
    db.commit()
    first = seal(db)
    assert first is not None and len(first.entries) == 5
    assert seal(db) is None
    _earn_some(db, p, lube, 3, prefix="f")
    db.commit()
    second = seal(db)
    assert second.prev_mac == first.mac and len(second.entries) == 3
    assert verify(db) == []


def test_raw_sql_edit_of_a_sealed_entry_is_named(app, programs, make_partner, db, clock):
    lube = programs["LUBE"]
    p = make_partner(lube)
    _earn_some(db, p, lube, 4)
    db.commit()
    seal_all(db)
    db.commit()
    target = ledger.history(db, p.id, lube.id, limit=10)[-2].entry_id
    db.commit()  # SQLite: one writer at a time, and a transaction here is a writer
    with unit_of_work() as other:
        other.execute(text("UPDATE postings SET amount = amount + 1000 WHERE entry_id = :id "
                           "AND amount > 0"), {"id": target})
        other.execute(text("UPDATE postings SET amount = amount - 1000 WHERE entry_id = :id "
                           "AND amount < 0"), {"id": target})
    problems = verify(db)
    assert any(p.startswith(f"entry {target} (e1) was changed") for p in problems), problems


def test_raw_sql_removal_of_a_sealed_entry_is_named(app, programs, make_partner, db, clock):
    lube = programs["LUBE"]
    p = make_partner(lube)
    _earn_some(db, p, lube, 3)
    db.commit()
    seal_all(db)
    db.commit()
    victim = ledger.history(db, p.id, lube.id)[0].entry_id
    db.commit()
    with unit_of_work() as other:
        other.execute(text("DELETE FROM ledger_lots WHERE entry_id = :id"), {"id": victim})
        other.execute(text("DELETE FROM postings WHERE entry_id = :id"), {"id": victim})
        other.execute(text("DELETE FROM journal_entries WHERE id = :id"), {"id": victim})
    problems = verify(db)
    assert f"entry {victim} was removed after checkpoint 1" in problems


def test_edited_checkpoint_breaks_the_chain(app, programs, make_partner, db, clock):
    lube = programs["LUBE"]
    p = make_partner(lube)
    _earn_some(db, p, lube, 2)
    db.commit()
    seal_all(db)
    db.commit()
    with unit_of_work() as other:
        other.execute(text("UPDATE ledger_checkpoints SET mac = :m"), {"m": "f" * 64})
    assert verify(db)[0] == "checkpoint 1 does not match its seal (edited or removed)"


def test_cli_verify_exits_non_zero_naming_the_entry(app, programs, make_partner, db, clock):
    lube = programs["LUBE"]
    p = make_partner(lube)
    _earn_some(db, p, lube, 2)
    db.commit()
    runner = app.test_cli_runner()
    assert runner.invoke(args=["ledger", "seal"]).exit_code == 0
    assert runner.invoke(args=["ledger", "verify"]).exit_code == 0
    with unit_of_work() as other:
        other.execute(text("UPDATE journal_entries SET cause_ref = 'QR999' WHERE key = 'e0'"))
    result = runner.invoke(args=["ledger", "verify"])
    assert result.exit_code == 1 and "(e0) was changed" in result.output


def test_entry_committing_after_a_higher_id_is_not_skipped(pg_app, clock):
    """PostgreSQL: A writes first (lower id) but commits after B; the chain covers both."""
    from models.db import database
    from models.ledger.seal import seal_all
    from models.partners.partner import Partner
    from models.programs.program import load_file

    from .conftest import PROGRAMS

    with unit_of_work() as s:
        lube = load_file(s, PROGRAMS / "lube.yaml")
        a, b = Partner(phone="+919800000101"), Partner(phone="+919800000102")
        s.add_all([a, b])
        s.flush()
        for partner in (a, b):
            ledger.ensure_wallet(s, partner.id, lube.id)
        ids = (a.id, b.id, lube.id)
    slow = database().session()
    first = ledger.earn(slow, partner_id=ids[0], program_id=ids[2], credits=5, key="slow",
                        cause="qr_code", cause_ref="A")
    with unit_of_work() as s:
        second = ledger.earn(s, partner_id=ids[1], program_id=ids[2], credits=7, key="fast",
                             cause="qr_code", cause_ref="B")
    assert first.entry_id < second.entry_id
    with unit_of_work() as s:
        seal_all(s)  # must stop before A's transaction, so B waits too
    slow.commit()
    slow.close()
    with unit_of_work() as s:
        seal_all(s)
        sealed = [e for (cp,) in s.execute(text("SELECT entries FROM ledger_checkpoints"))
                  for e, _ in cp]
        assert sorted(sealed) == [first.entry_id, second.entry_id]
        assert verify(s) == []
