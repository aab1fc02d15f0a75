"""Credit notes, in a feed or by `flask sales return`, take back the returned share of an
invoice's credits through the ledger's claw-back (as debt when already spent), once, and the
partner is told in their language."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from models import ledger
from models.db import unit_of_work
from models.ledger.tables import Wallet
from models.messaging.outbox import OutboxMessage
from tests.sales.conftest import balance, import_file, sale
from tests.sales.samples import tally_xml

pytestmark = pytest.mark.parametrize("app", ["sqlite"], indirect=True)


def _told(phone_of: int) -> list[str]:
    with unit_of_work() as db:
        from models.partners.partner import Partner

        phone = db.get(Partner, phone_of).phone
        return list(db.scalars(select(OutboxMessage.body).where(OutboxMessage.phone == phone)))


def test_a_credit_note_in_the_feed_takes_back_its_share_once(app, shops, tmp_path):
    path = tmp_path / "daybook.xml"
    path.write_bytes(tally_xml([
        sale("CE/26/200"),
        sale("CN/26/001", 5_900_00, kind="Credit Note", against="CE/26/200", items=[])]))
    result, rows = import_file(app, path)
    assert result.exit_code == 0, result.output
    assert [(r["outcome"], r["credits"]) for r in rows] == [("credited", "33"),
                                                            ("returned", "-16")]
    assert balance(shops.by_gstin, shops.program_id) == 17
    told = _told(shops.by_gstin)
    assert told == ["விலைப்பட்டியல் CE/26/200 கிரெடிட் நோட் CN/26/001 மூலம் திரும்பியது: 16 "
                    "கிரெடிட்கள் திரும்பப் பெறப்பட்டன. இருப்பு: 17."]
    _result, again = import_file(app, path)
    assert [r["outcome"] for r in again] == ["already", "already"]
    assert balance(shops.by_gstin, shops.program_id) == 17 and len(_told(shops.by_gstin)) == 1


def test_a_return_after_the_credits_were_spent_leaves_a_debt(app, shops, tmp_path, clock):
    path = tmp_path / "daybook.xml"
    path.write_bytes(tally_xml([sale("CE/26/201")]))
    import_file(app, path)
    clock.advance(days=16)  # past the program's 15-day return window: the credits are free
    with unit_of_work() as db:
        ledger.adjust(db, partner_id=shops.by_gstin, program_id=shops.program_id, credits=-30,
                      key="spent", reason="spent on a reward", actor="test")
    result = app.test_cli_runner().invoke(args=[
        "sales", "return", "CE/26/201", "--distributor", "CHNELEC", "--note", "CN-9",
        "--rupees", "11,800.00"])
    assert result.exit_code == 0, result.output
    assert "returned" in result.output
    with unit_of_work() as db:
        wallet = db.scalar(select(Wallet).where(Wallet.partner_id == shops.by_gstin))
        assert (wallet.balance, wallet.debt) == (0, 30)


def test_a_return_of_an_unknown_invoice_is_refused(app, shops):
    result = app.test_cli_runner().invoke(args=[
        "sales", "return", "CE/26/999", "--distributor", "CHNELEC", "--note", "CN-1",
        "--rupees", "100"])
    assert result.exit_code == 1 and "no invoice CE/26/999 of this distributor" in result.output


def test_a_credit_note_for_an_invoice_the_budget_cap_holds_shrinks_its_review(
        app, shops, tmp_path):
    """Recorded, not refused: the note takes its share off what waits for the cap review,
    which then pays only the rest."""
    from models import review
    from models.ledger import budget

    with unit_of_work() as db:
        budget.force(db, shops.program_id, 1_000_000 - 5)  # the invoice's 33 do not fit
    path = tmp_path / "daybook.xml"
    path.write_bytes(tally_xml([sale("CE/26/202")]))
    import_file(app, path)
    notes = tmp_path / "notes.xml"
    notes.write_bytes(tally_xml([
        sale("CN/26/002", 5_900_00, kind="Credit Note", against="CE/26/202", items=[])]))
    _result, rows = import_file(app, notes)
    assert [(r["outcome"], r["credits"]) for r in rows] == [("returned", "0")]
    _result, again = import_file(app, notes)
    assert [r["outcome"] for r in again] == ["already"]
    with unit_of_work() as db:
        [item] = review.pending(db, "budget_cap")
        assert item.payload["credits"] == 17
        review.decide(db, item.id, approve=True, actor="ops@elec.test")
    assert balance(shops.by_gstin, shops.program_id) == 17


def test_a_credit_note_refused_after_its_claw_back_leaves_no_trace(app, shops, tmp_path,
                                                                  monkeypatch):
    """A note refused at its last step (here the audit refuses it) is reported rejected and
    what it had already taken back goes with it: the feed's batch commits its other rows, so
    without a savepoint the partner lost 16 credits to a note reported as refused."""
    from models.admin import controls, orders

    def refuse(*_args, **_kwargs):
        raise controls.ControlError("refused at the last step")

    path = tmp_path / "daybook.xml"
    path.write_bytes(tally_xml([sale("CE/26/202")]))
    import_file(app, path)
    monkeypatch.setattr(orders, "audit_change", refuse)
    path.write_bytes(tally_xml([
        sale("CN/26/002", 5_900_00, kind="Credit Note", against="CE/26/202", items=[])]))
    result, rows = import_file(app, path)
    assert result.exit_code == 0, result.output
    assert [r["outcome"] for r in rows] == ["rejected"]
    assert balance(shops.by_gstin, shops.program_id) == 33
