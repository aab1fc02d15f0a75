"""Bonus campaigns on the ledger: extra credits on the segment's invoices in the time box (by
category and weekday), posted as entries naming the campaign, taken back with a return."""

from __future__ import annotations

import threading
import time
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.i18n import translate
from bot.notices import held
from bot.notices import invoices as invoices_notice
from models import campaigns, ledger, review
from models.admin.controls import Actor, ControlError
from models.admin.orders import record_return
from models.campaigns import Campaign
from models.db import unit_of_work
from models.invoices import rules
from models.invoices.invoice import Invoice, InvoiceStatus
from models.ledger import budget
from models.ledger.tables import JournalEntry
from models.messaging.outbox import OutboxMessage
from models.programs.campaign_spec import CampaignSpec
from tests.campaigns.conftest import BOTH

THURSDAY = datetime(2026, 3, 12, 6, 0, tzinfo=UTC)  # 11:30 IST
OPC = {"name": "OPC 53 grade cement", "amount_paise": 1_000_000}  # 10,000 rupees: 10 credits
PPC = {"name": "PPC cement", "amount_paise": 500_000}  # 5 credits


def bonus_campaign(program, code: str, **bonus) -> int:
    spec = CampaignSpec.model_validate({
        "code": code, "kind": "bonus", "messages": {"en": "Double credits on OPC!"},
        "segment": {"language": ["en"]},
        "bonus": {"starts": "2026-03-01T00:00:00+05:30", "ends": "2026-04-01T00:00:00+05:30",
                  **bonus}})
    with unit_of_work() as session:
        campaign = campaigns.save(session, session.merge(program), spec)
        campaign.status = "done"  # announced
        return campaign.id


def credit(program, partner_id: int, *items: dict) -> Invoice:
    with unit_of_work() as session:
        invoice = Invoice(partner_id=partner_id, program_id=program.id, channel="whatsapp",
                          upload_key=uuid.uuid4().hex, media_url="-", sha256="0", image_hash="0",
                          status=InvoiceStatus.NEW, number=f"INV-{uuid.uuid4().hex[:6]}",
                          total_paise=sum(i["amount_paise"] for i in items), items=list(items))
        session.add(invoice)
        session.flush()
        return rules.credit(session, invoice)


def entries(partner_id: int) -> list[tuple[str, int, str]]:
    with unit_of_work() as session:
        return [(e.cause, e.credits, e.cause_ref) for e in session.scalars(
            select(JournalEntry).where(JournalEntry.partner_id == partner_id)
            .order_by(JournalEntry.id))]


def test_a_multiplier_on_a_category_and_a_fixed_weekday_bonus_name_their_campaigns(
        app, program, member, clock):
    clock.set(THURSDAY)
    partner, hindi = member("en"), member("hi")
    double_opc = bonus_campaign(program, "OPC-X2", multiplier=2, categories=["opc"])
    thursday = bonus_campaign(program, "THU-PLUS5", fixed=5, weekdays=[3])
    bonus_campaign(program, "FRIDAY", fixed=50, weekdays=[4])
    invoice = credit(program, partner, OPC, PPC)
    assert invoice.credits == 15
    assert entries(partner) == [("invoice", 15, invoice.number),
                                ("bonus", 10, f"campaign:{double_opc}"),
                                ("bonus", 5, f"campaign:{thursday}")]
    credit(program, hindi, OPC)  # outside the segment
    assert [cause for cause, _, _ in entries(hindi)] == ["invoice"]
    with unit_of_work() as session:
        assert ledger.wallet_balance(session, partner, program.id).balance == 30


def test_a_return_takes_back_the_bonus_in_the_same_share(app, program, member, clock):
    clock.set(THURSDAY)
    partner = member("en")
    bonus_campaign(program, "OPC-X2", multiplier=2, categories=["opc"])
    invoice = credit(program, partner, OPC)
    with unit_of_work() as session:
        record_return(session, Actor("ops"), session.merge(invoice), 500_000, "CN-1",
                      "half returned")
        assert ledger.wallet_balance(session, partner, program.id).balance == 10
    assert [(c, n) for c, n, _ in entries(partner)] == [
        ("invoice", 10), ("bonus", 10), ("reversal", -5), ("reversal", -5)]


def test_small_credit_notes_never_ask_a_small_bonus_for_more_than_is_left(
        app, program, member, clock):
    """Each note takes at least 1 credit of the bonus: three 10 % notes against a 2-credit
    bonus asked for a third credit, and the third note was refused whole (and a cap review
    applying such notes failed every time); the bonus gives what it has left."""
    clock.set(THURSDAY)
    partner = member("en")
    bonus_campaign(program, "THU-PLUS2", fixed=2, weekdays=[3])
    invoice = credit(program, partner, OPC)
    for note in ("CN-1", "CN-2", "CN-3"):
        with unit_of_work() as session:
            record_return(session, Actor("ops"), session.merge(invoice), 100_000, note,
                          "a tenth returned")
    assert [(c, n) for c, n, _ in entries(partner)] == [
        ("invoice", 10), ("bonus", 2), ("reversal", -1), ("reversal", -1), ("reversal", -1),
        ("reversal", -1), ("reversal", -1)]
    with unit_of_work() as session:
        assert ledger.wallet_balance(session, partner, program.id).balance == 7


def test_a_cancelled_or_finished_bonus_pays_nothing(app, program, member, clock):
    partner = member("en")
    cancelled = bonus_campaign(program, "GONE", fixed=7)
    with unit_of_work() as session:
        campaigns.cancel(session, session.get(Campaign, cancelled))
    bonus_campaign(program, "LATER", fixed=9)
    clock.set(datetime(2026, 4, 2, 6, 0, tzinfo=UTC))  # after the time box
    credit(program, partner, OPC)
    assert [cause for cause, _, _ in entries(partner)] == ["invoice"]


def cap_left(program, credits: int) -> None:
    """Fill the program's monthly budget but for `credits`."""
    with unit_of_work() as session:
        budget.force(session, program.id, program.spec.budget.monthly_cap_credits - credits)


def decide_held(approve: bool) -> None:
    with unit_of_work() as session:
        [item] = review.pending(session, "budget_cap")
        review.decide(session, item.id, approve=approve, actor="ops@shakti.test")


def told(partner_id: int) -> list[str]:
    with unit_of_work() as session:
        return list(session.scalars(select(OutboxMessage.body).where(
            OutboxMessage.partner_id == partner_id).order_by(OutboxMessage.id)))


@BOTH
@pytest.mark.parametrize("approve", [True, False])
def test_a_bonus_past_the_budget_cap_waits_for_the_cap_review_which_pays_or_refuses_and_tells(
        app, program, member, clock, approve):
    """The invoice's own 10 credits fit the budget, its 10 bonus credits do not: the bonus
    waits (nothing paid, nothing said); approval pays it with one entry, which a return takes
    back in share, refusal pays nothing; the partner is told either way."""
    clock.set(THURSDAY)
    partner = member("en")
    double_opc = bonus_campaign(program, "OPC-X2", multiplier=2, categories=["opc"])
    cap_left(program, 15)
    invoice = credit(program, partner, OPC)
    assert entries(partner) == [("invoice", 10, invoice.number),
                                ("bonus", 0, f"campaign:{double_opc}")]  # waiting
    assert told(partner) == []
    decide_held(approve)
    with unit_of_work() as session:
        balance = ledger.wallet_balance(session, partner, program.id).balance
    number = invoice.number
    if not approve:
        assert balance == 10
        assert told(partner) == [translate("en", held.TEXTS["invoice_bonus"][1], number=number,
                                           n=10)]
        return
    assert (balance, entries(partner)[-1]) == (20, ("bonus", 10, f"campaign:{double_opc}"))
    assert told(partner) == [translate("en", held.TEXTS["invoice_bonus"][0], number=number,
                                       n=10, balance="20")]
    with unit_of_work() as session:
        record_return(session, Actor("ops"), session.merge(invoice), 500_000, "CN-1",
                      "half returned")
        assert ledger.wallet_balance(session, partner, program.id).balance == 10


@BOTH
def test_an_invoice_the_budget_cap_holds_earns_its_bonus_with_its_one_approval(
        app, program, member, clock):
    """No bonus is paid on credits that wait for the cap review: the invoice's approval
    posts it (for the campaigns running when the invoice came) and pays it at once, counted
    against the month with the invoice's credits; it was sent to a second cap review of its
    own, which the partner waited on after being told the invoice was approved."""
    clock.set(THURSDAY)
    partner = member("en")
    bonus_campaign(program, "OPC-X2", multiplier=2, categories=["opc"],
                   ends="2026-03-15T00:00:00+05:30")
    cap_left(program, 5)
    invoice = credit(program, partner, OPC)
    assert [(c, n) for c, n, _ in entries(partner)] == [("invoice", 0)]  # waiting, no bonus
    clock.set(datetime(2026, 3, 20, 6, 0, tzinfo=UTC))  # approved after the campaign's end
    decide_held(True)
    assert [(c, n) for c, n, _ in entries(partner)] == [("invoice", 0), ("invoice", 10),
                                                        ("bonus", 10)]
    assert waiting() == []
    with unit_of_work() as session:
        assert ledger.wallet_balance(session, partner, program.id).balance == 20
        cap = program.spec.budget.monthly_cap_credits
        assert budget.issued(session, program.id, "2026-03") == cap - 5 + 20
    assert invoice.number in told(partner)[-1] and "New balance: 20" in told(partner)[-1]


def give_back(invoice: Invoice, paise: int, note: str = "CN-1"):
    with unit_of_work() as session:
        return record_return(session, Actor("ops"), session.merge(invoice), paise, note,
                             "returned")


def waiting() -> list[int]:
    with unit_of_work() as session:
        return [item.payload["credits"] for item in review.pending(session, "budget_cap")]


@BOTH
@pytest.mark.parametrize("approve", [True, False])
def test_a_return_while_the_bonus_waits_for_the_cap_review_shrinks_or_closes_its_review(
        app, program, member, clock, approve):
    """Half returned: the reviewer is asked for half the bonus, approval pays that half and
    says so; all returned: the review closes and approval has nothing left to pay."""
    clock.set(THURSDAY)
    partner, whole = member("en"), member("en")
    bonus_campaign(program, "OPC-X2", multiplier=2, categories=["opc"])
    cap_left(program, 15)
    half = credit(program, partner, OPC)
    assert give_back(half, 500_000).withdrawn == 5
    assert give_back(half, 500_000).again  # the same note again changes nothing
    assert waiting() == [5]
    decide_held(approve)
    with unit_of_work() as session:
        assert ledger.wallet_balance(session, partner, program.id).balance == (
            10 if approve else 5)
    n = translate("en", held.TEXTS["invoice_bonus"][not approve], number=half.number, n=5,
                  balance="10")
    assert told(partner)[-1] == n
    full = credit(program, whole, OPC)  # its bonus waits too (the budget stays full)
    assert give_back(full, 1_000_000).withdrawn == 10
    assert waiting() == []
    with unit_of_work() as session:
        assert ledger.wallet_balance(session, whole, program.id).balance == 0


@BOTH
def test_a_return_while_the_invoice_waits_for_the_cap_review_shrinks_what_approval_pays(
        app, program, member, clock):
    """Not refused: the credit note takes its share off the review, which pays the rest
    (and says how much); a later return takes back from what was paid."""
    clock.set(THURSDAY)
    partner = member("en")
    cap_left(program, 5)
    invoice = credit(program, partner, OPC)
    done = give_back(invoice, 400_000)
    assert (done.credits, done.withdrawn) == (0, 4)
    assert told(partner)[-1] == translate(
        "en", invoices_notice.WITHDRAWN, number=invoice.number, note="CN-1", n=4)
    assert waiting() == [6]
    decide_held(True)
    with unit_of_work() as session:
        assert ledger.wallet_balance(session, partner, program.id).balance == 6
    assert "+6 credits" in told(partner)[-1]
    assert give_back(invoice, 600_000, "CN-2").credits == 6
    with unit_of_work() as session:
        assert ledger.wallet_balance(session, partner, program.id).balance == 0


@BOTH
def test_a_full_return_while_the_invoice_waits_for_the_cap_review_closes_it(
        app, program, member, clock):
    clock.set(THURSDAY)
    partner = member("en")
    cap_left(program, 5)
    invoice = credit(program, partner, OPC)
    assert give_back(invoice, 1_000_000).withdrawn == 10
    assert waiting() == []
    with unit_of_work() as session:
        assert ledger.wallet_balance(session, partner, program.id).balance == 0
        [item] = session.scalars(select(review.ReviewItem)).all()
        assert (item.status, item.payload["credits"]) == ("rejected", 0)


def returned_again(invoice: Invoice, note: str):
    """A credit note for all of an invoice returned in full before (read afresh)."""
    with unit_of_work() as session:
        return record_return(session, Actor("ops"), session.get(Invoice, invoice.id),
                             invoice.total_paise, note, "returned")


def shown(invoice: Invoice) -> tuple[str, int, str | None]:
    with unit_of_work() as session:
        row = session.get(Invoice, invoice.id)
        return row.status, row.credits, row.claim


@BOTH
def test_an_invoice_returned_in_full_shows_it_was_returned(app, program, member, clock):
    """Returned in full while its credits waited for the cap review, the invoice said
    CREDITED with its 10 credits, which were never paid: it shows RETURNED with 0 (its claim
    kept, so it cannot earn again); paid and returned in full (in two notes), it shows
    RETURNED with the 10 it was paid, which the reversals took back."""
    clock.set(THURSDAY)
    held, paid = member("en"), member("en")
    cap_left(program, 5)
    waited = credit(program, held, OPC)
    assert give_back(waited, 1_000_000).withdrawn == 10
    status, credits, claim = shown(waited)
    assert (status, credits) == ("returned", 0) and claim == waited.claim
    assert returned_again(waited, "CN-1").again  # the same note (a feed's replay): no change
    with pytest.raises(ControlError, match="returned in full"):
        returned_again(waited, "CN-2")
    clock.set(datetime(2026, 4, 2, 6, 0, tzinfo=UTC))  # a new month: the budget has room
    whole = credit(program, paid, OPC)
    assert give_back(whole, 400_000).credits == 4
    assert shown(whole)[:2] == ("credited", 10)  # not all of it yet
    assert give_back(whole, 600_000, "CN-2").credits == 6
    assert shown(whole)[:2] == ("returned", 10)
    assert returned_again(whole, "CN-2").again
    with pytest.raises(ControlError, match="returned in full"):
        returned_again(whole, "CN-3")


@BOTH
def test_a_return_while_the_invoice_waits_leaves_its_later_bonus_in_share_too(
        app, program, member, clock):
    """The invoice's approval posts its bonus on what was not returned (paid with it: half of
    it); the rest of the invoice returned later takes back all that both paid."""
    clock.set(THURSDAY)
    partner = member("en")
    bonus_campaign(program, "OPC-X2", multiplier=2, categories=["opc"])
    cap_left(program, 5)
    invoice = credit(program, partner, OPC)
    assert give_back(invoice, 500_000).withdrawn == 5
    decide_held(True)  # the invoice: its other 5 credits, and half its bonus with them
    assert waiting() == []
    with unit_of_work() as session:
        assert ledger.wallet_balance(session, partner, program.id).balance == 10
    assert "New balance: 10" in told(partner)[-1]
    assert give_back(invoice, 500_000, "CN-2").credits == 10
    with unit_of_work() as session:
        assert ledger.wallet_balance(session, partner, program.id).balance == 0


@pytest.mark.parametrize("app", ["postgres"], indirect=True)
def test_a_return_racing_the_bonus_approval_waits_for_it_and_takes_back_from_what_it_paid(
        app, program, member, clock):
    """The return locks the bonus's review item: it waits for the approval being committed,
    then finds the bonus paid and takes its share back (not the review's stale amount)."""
    clock.set(THURSDAY)
    partner = member("en")
    bonus_campaign(program, "OPC-X2", multiplier=2, categories=["opc"])
    cap_left(program, 15)
    invoice = credit(program, partner, OPC)
    decided, results = threading.Event(), []

    def approve() -> None:
        with app.app_context(), unit_of_work() as session:
            [item] = review.pending(session, "budget_cap")
            review.decide(session, item.id, approve=True, actor="ops@shakti.test")
            decided.set()
            time.sleep(0.5)  # the return starts before this commits

    def give_half() -> None:
        decided.wait(10)
        with app.app_context():
            results.append(give_back(invoice, 500_000))

    threads = [threading.Thread(target=approve), threading.Thread(target=give_half)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert [(r.credits, r.withdrawn) for r in results] == [(10, 0)]
    with unit_of_work() as session:
        assert ledger.wallet_balance(session, partner, program.id).balance == 10
