"""Crediting scanned codes: once per code, with the exact reason when a code earns nothing."""

from __future__ import annotations

from sqlalchemy import event, func, select

from flows.scan_replies import describe
from models import ledger, review
from models.codes import tables as qr
from models.codes.scan import scan_codes
from models.codes.tables import QrScan, ScanStatus
from models.db import engine
from models.ledger import budget
from models.ledger.tables import JournalEntry


def scan(db, partner, *codes, **kwargs):
    return scan_codes(db, partner, list(codes), channel="whatsapp", **kwargs)


def test_genuine_code_credits_once_and_reports_the_new_balance(db, clock, make_partner,
                                                               make_batch):
    partner = make_partner()
    code = make_batch(credits=10)[0]
    [outcome] = scan(db, partner, code)
    assert outcome.status == ScanStatus.CREDITED
    assert (outcome.credits, outcome.balance) == (10, 10)
    assert describe(outcome, "en") == f"Code {code}: 10 credits added. New balance: 10."
    entry = db.scalar(select(JournalEntry).where(JournalEntry.key == f"qr:{code.replace('-', '')}"))
    assert (entry.cause, entry.credits) == ("qr_code", 10)


def test_rescanning_says_when_it_was_used_in_ist(db, clock, make_partner, make_batch):
    first, second = make_partner(), make_partner()
    code = make_batch()[0]
    scan(db, first, code)
    clock.advance(hours=2)
    [again] = scan(db, first, code)
    [other] = scan(db, second, code)
    assert describe(again, "en") == f"Code {code}: you already scanned it on 12-03-2026 15:30 IST."
    assert describe(other, "en") == f"Code {code} was already used on 12-03-2026 15:30 IST."
    assert ledger.wallet_balance(db, second.id, other_program_id(db, first)).balance == 0
    entries = db.scalar(select(func.count()).select_from(JournalEntry)
                        .where(JournalEntry.cause == "qr_code"))
    assert entries == 1


def other_program_id(db, partner):
    from models.programs.program import memberships_of

    return memberships_of(db, partner.id)[0].program_id


def test_code_of_a_void_batch_earns_nothing(db, clock, make_partner, make_batch):
    partner = make_partner()
    codes = make_batch("OLD")
    qr.void_batch(db, qr.find_batch(db, "OLD"))
    [outcome] = scan(db, partner, codes[0])
    assert describe(outcome, "en") == (f"Code {codes[0]} is from a withdrawn batch and earns "
                                       "no credits.")


def test_code_of_a_program_not_joined_says_so(db, clock, make_partner, make_batch):
    partner = make_partner("QRA")
    code = make_batch("BX", program="QRB")[0]
    [outcome] = scan(db, partner, code)
    assert describe(outcome, "en") == (f"Code {code} is for the QRB program, which you have not "
                                       "joined.")


def test_forged_and_mistyped_codes_are_invalid_and_recorded(db, clock, make_partner, make_batch):
    partner = make_partner()
    code = make_batch()[0]
    typo = code[:-1] + ("X" if code[-1] != "X" else "Y")
    [outcome] = scan(db, partner, typo)
    assert describe(outcome, "en") == f"Code {typo} is not valid. Check it and try again."
    assert db.scalar(select(QrScan.status).where(QrScan.partner_id == partner.id)) == "forged"


def test_one_message_with_several_codes_handles_each(db, clock, make_partner, make_batch):
    partner = make_partner()
    codes = make_batch(credits=4)
    outcomes = scan(db, partner, codes[0], codes[1].lower(), codes[0])
    assert [o.status for o in outcomes] == [ScanStatus.CREDITED, ScanStatus.CREDITED]
    assert outcomes[-1].balance == 8


def test_flagged_scan_waits_for_review_and_approval_credits_it(db, clock, make_partner,
                                                               make_batch):
    partner = make_partner(region="Kerala", pincode="682001")
    code = make_batch("NORTH", region="Punjab,14", credits=7)[0]
    [outcome] = scan(db, partner, code)
    assert describe(outcome, "en") == (f"Code {code} is under review. We will message you when "
                                       "it is checked.")
    [item] = review.pending(db, "qr_scan")
    assert "shipped to Punjab,14" in item.reason
    assert ledger.wallet_balance(db, partner.id, item.program_id).balance == 0
    review.decide(db, item.id, approve=True, actor="test")
    assert ledger.wallet_balance(db, partner.id, item.program_id).balance == 7
    assert sent_to(db, partner) == [f"Code {code} was approved: 7 credits added. "
                                    "New balance: 7."]


def test_rejected_scan_credits_nothing_and_the_code_stays_used(db, clock, make_partner,
                                                               make_batch):
    partner, other = make_partner(region="Kerala", pincode="682001"), make_partner()
    code = make_batch("NORTH", region="Punjab")[0]
    scan(db, partner, code)
    [item] = review.pending(db, "qr_scan")
    review.decide(db, item.id, approve=False, actor="test")
    assert ledger.wallet_balance(db, partner.id, item.program_id).balance == 0
    assert sent_to(db, partner) == [f"Code {code} was not approved after review, so no credits "
                                    "were added."]
    assert scan(db, other, code)[0].status == ScanStatus.USED


def sent_to(db, partner) -> list[str]:
    from models.messaging.outbox import OutboxMessage

    rows = db.scalars(select(OutboxMessage).where(OutboxMessage.phone == partner.phone)
                      .order_by(OutboxMessage.id))
    return [row.body for row in rows]


def test_codes_printed_before_a_key_rotation_still_credit(app, db, clock, make_partner,
                                                          make_batch):
    partner = make_partner()
    old = make_batch("OLDKEY")[0]
    app.config.update(QR_SIGNING_KEYS={**app.config["QR_SIGNING_KEYS"], "k2": "new-secret"},
                      QR_ACTIVE_KEY="k2")
    new = make_batch("NEWKEY")[0]
    assert qr.find_batch(db, "NEWKEY").kid == "k2"
    assert [o.status for o in scan(db, partner, old, new)] == [ScanStatus.CREDITED] * 2
    app.config.update(QR_SIGNING_KEYS={"k2": "new-secret"})
    assert scan(db, make_partner(), old)[0].status == ScanStatus.FORGED


def test_a_credited_code_writes_its_scan_row_once(db, clock, make_partner, make_batch):
    """The scan row is inserted with the status it ends with: no UPDATE of it after."""
    partner = make_partner()
    code = make_batch(credits=10)[0]
    db.flush()
    writes: list[str] = []

    def _sent(_conn, _cursor, statement, *_args) -> None:
        if statement.startswith(("INSERT INTO qr_scans", "UPDATE qr_scans")):
            writes.append(statement.split()[0])

    event.listen(engine(), "before_cursor_execute", _sent)
    try:
        [outcome] = scan(db, partner, code)
        db.flush()
    finally:
        event.remove(engine(), "before_cursor_execute", _sent)
    assert outcome.status == ScanStatus.CREDITED
    assert writes == ["INSERT"]
    assert db.scalar(select(QrScan.status).where(QrScan.code == code.replace("-", ""))) \
        == ScanStatus.CREDITED


def _flag_approved_with_the_cap_full(db, programs, make_partner, make_batch):
    """A code flagged for review (scanned far from its batch's region), its flag approved
    once the month's budget is spent: (partner, code, the flag's review item)."""
    partner = make_partner(region="Kerala", pincode="682001")
    code = make_batch("NORTH", region="Punjab,14", credits=7)[0]
    scan(db, partner, code)
    [item] = review.pending(db, "qr_scan")
    budget.force(db, item.program_id, programs["QRA"].spec.budget.monthly_cap_credits)
    review.decide(db, item.id, approve=True, actor="test")
    return partner, code, item


def test_a_flagged_code_approved_past_the_budget_cap_waits_for_the_cap_review(
        db, clock, programs, make_partner, make_batch):
    """Approving the fraud flag tells the partner nothing yet: the cap holds the credit back;
    the cap's approval credits the code and tells them."""
    partner, code, item = _flag_approved_with_the_cap_full(db, programs, make_partner,
                                                           make_batch)
    redemption = db.scalar(select(qr.QrRedemption))
    assert (redemption.status, redemption.entry_id) == (qr.RedemptionStatus.REVIEW, None)
    assert sent_to(db, partner) == []
    [held] = review.pending(db, "budget_cap")
    review.decide(db, held.id, approve=True, actor="test")
    assert ledger.wallet_balance(db, partner.id, item.program_id).balance == 7
    assert db.scalar(select(qr.QrRedemption)).status == qr.RedemptionStatus.CREDITED
    assert sent_to(db, partner) == [f"Code {code} was approved: 7 credits added. "
                                    "New balance: 7."]


def test_a_code_the_budget_cap_review_refuses_is_told_the_monthly_budget_was_reached(
        db, clock, programs, make_partner, make_batch):
    partner, code, _item = _flag_approved_with_the_cap_full(db, programs, make_partner,
                                                            make_batch)
    [held] = review.pending(db, "budget_cap")
    review.decide(db, held.id, approve=False, actor="test")
    assert db.scalar(select(qr.QrRedemption)).status == qr.RedemptionStatus.REJECTED
    assert sent_to(db, partner) == [f"Code {code} was not approved (monthly budget reached), "
                                    "so no credits were added."]
