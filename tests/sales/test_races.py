"""A partner's photo claims an invoice while a file with the same invoice is being imported:
the chunk that lost the claim is undone and run again row by row, so the invoice earns once
and the chunk's other sales are credited once (PostgreSQL: real row and index locks)."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import func, select, text

from models.db import unit_of_work
from models.invoices import rules as invoice_rules
from models.invoices.invoice import InvoiceStatus
from models.ledger.tables import JournalEntry
from models.ledger.verify import verify
from tests.sales.conftest import balance, import_file, sale
from tests.sales.samples import tally_xml
from tests.sales.test_photos import photo

pytestmark = pytest.mark.parametrize("app", ["postgres"], indirect=True)


def _waiting_on_a_lock() -> bool:
    with unit_of_work() as db:
        return bool(db.scalar(text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock'")))


def test_a_photo_claiming_during_an_import_is_credited_once(app, shops, tmp_path, monkeypatch):
    path = tmp_path / "daybook.xml"
    path.write_bytes(tally_xml([sale("CE/26/200"), sale("CE/26/201")]))
    photo_open, outcome = threading.Event(), {}
    submit = invoice_rules.submit

    def held_open(db, invoice, read):  # the photo's transaction stays open until we commit it
        done = submit(db, invoice, read)
        db.flush()
        photo_open.set()
        deadline = time.monotonic() + 20
        while not _waiting_on_a_lock() and time.monotonic() < deadline:
            time.sleep(0.02)  # until the import waits on the photo's claim
        return done

    def importing() -> None:
        photo_open.wait(20)
        with app.app_context():
            outcome["result"], outcome["rows"] = import_file(app, path)

    monkeypatch.setattr(invoice_rules, "submit", held_open)
    thread = threading.Thread(target=importing)
    thread.start()
    claimed = photo(shops.by_gstin, "CE/26/200", 11_800_00)
    thread.join(60)
    assert claimed.status == InvoiceStatus.CREDITED
    assert outcome["result"].exit_code == 0, outcome["result"].output
    assert [(r["invoice"], r["outcome"]) for r in outcome["rows"]] == [
        ("CE/26/200", "already"), ("CE/26/201", "credited")]
    with unit_of_work() as db:
        entries = db.scalar(select(func.count()).select_from(JournalEntry)
                            .where(JournalEntry.cause == "invoice"))
        assert verify(db, chain=False) == []  # double entry, wallets = their postings
    assert entries == 2
    assert balance(shops.by_gstin, shops.program_id) == claimed.credits + 33 == 11 + 33
