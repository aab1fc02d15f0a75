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
from models.admin.audit import AuditEntry
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


def balance(partner_id: int, program) -> int:
    with unit_of_work() as session:
        return ledger.wallet_balance(session, partner_id, program.id).balance


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


def test_small_credit_notes_take_back_the_running_total_of_a_small_bonus(
        app, program, member, clock):
    """Each note takes back what the notes so far returned, rounded down on their running
    total, less what earlier notes took: three 10 % notes take 1 credit of the invoice's 10
    each and none yet of a 2-credit bonus (a third of it not reached), rather than asking
    the bonus for a credit each (a third it no longer had)."""
    clock.set(THURSDAY)
    partner = member("en")
    bonus_campaign(program, "THU-PLUS2", fixed=2, weekdays=[3])
    invoice = credit(program, partner, OPC)
    for note in ("CN-1", "CN-2", "CN-3"):
        give_back(invoice, 100_000, note)
    assert [(c, n) for c, n, _ in entries(partner)] == [
        ("invoice", 10), ("bonus", 2), ("reversal", -1), ("reversal", -1), ("reversal", -1)]
    assert balance(partner, program) == 9
    give_back(invoice, 700_000, "CN-4")  # the rest
    assert balance(partner, program) == 0
    assert shown(invoice)[:2] == ("returned", 10)


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
@pytest.mark.parametrize("approve", [True, False])
def test_an_invoice_the_budget_cap_holds_pays_on_approval_what_the_reviewer_was_shown(
        app, program, member, clock, approve):
    """The reviewer is shown the invoice's 10 credits past the cap: approving pays those 10
    (the partner told +10), and its 500 bonus (for the campaigns running when the invoice
    came) waits for a review of its own, which shows it and pays it or not (the partner told
    either way); it was paid with the first approval, 505 past the cap unseen, the partner
    told of 10 and a balance of 510. Refused, the invoice earns no bonus at all."""
    clock.set(THURSDAY)
    partner = member("en")
    bonus_campaign(program, "THU-PLUS500", fixed=500, weekdays=[3],
                   ends="2026-03-13T00:00:00+05:30")
    cap_left(program, 5)
    invoice = credit(program, partner, OPC)
    assert [(c, n) for c, n, _ in entries(partner)] == [("invoice", 0)]  # waiting, no bonus
    with unit_of_work() as session:
        [item] = review.pending(session, "budget_cap")
        assert (item.payload["credits"], item.reason) == (
            10, "10 credits past the monthly budget cap")
    clock.set(datetime(2026, 3, 20, 6, 0, tzinfo=UTC))  # decided after the campaign's end
    decide_held(approve)
    cap = program.spec.budget.monthly_cap_credits
    if not approve:
        assert (balance(partner, program), waiting()) == (0, [])
        assert [c for c, _, _ in entries(partner)] == ["invoice"]
        return
    assert balance(partner, program) == 10
    assert "+10 credits" in told(partner)[-1] and "New balance: 10" in told(partner)[-1]
    assert waiting() == [500]
    with unit_of_work() as session:
        assert budget.issued(session, program.id, "2026-03") == cap - 5 + 10
        [bonus] = review.pending(session, "budget_cap")
        assert bonus.reason == "500 credits past the monthly budget cap"
    decide_held(True)
    assert balance(partner, program) == 510
    assert told(partner)[-1] == translate("en", held.TEXTS["invoice_bonus"][0],
                                          number=invoice.number, n=500, balance="510")
    with unit_of_work() as session:
        assert budget.issued(session, program.id, "2026-03") == cap - 5 + 510


def give_back(invoice: Invoice, paise: int, note: str = "CN-1"):
    """A credit note against the invoice, read afresh as the admin page and the sales feed
    do (a stale copy merged would write its old status over the return's)."""
    with unit_of_work() as session:
        return record_return(session, Actor("ops"), session.get(Invoice, invoice.id), paise,
                             note, "returned")


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


SMALL = {"name": "OPC 53 grade cement", "amount_paise": 100_000}  # 1,000 rupees: 1 credit


@BOTH
def test_a_return_in_two_notes_takes_back_all_and_shows_returned_with_its_audit(
        app, program, member, clock):
    """45 % then 55 % of a 10-credit invoice took 4 + 5 back (each note rounded down on its
    own), leaving a credit and the invoice CREDITED with all its goods back: each note now
    takes the running total's share less what was taken. The audit row shows the credits
    and status before the note (it showed credits after they changed) and after it."""
    clock.set(THURSDAY)
    partner = member("en")
    invoice = credit(program, partner, OPC)
    assert give_back(invoice, 450_000, "CN-1").credits == 4
    with pytest.raises(ControlError, match=r"only 5500\.00 rupees"):
        give_back(invoice, 600_000, "CN-2")  # more than is left to return
    assert give_back(invoice, 550_000, "CN-2").credits == 6
    assert (balance(partner, program), shown(invoice)[:2]) == (0, ("returned", 10))
    with unit_of_work() as session:
        rows = session.scalars(select(AuditEntry).where(AuditEntry.action == "invoice.return")
                               .order_by(AuditEntry.id)).all()
        assert [(r.before, r.after["status"], r.after["credits"]) for r in rows] == [
            ({"credits": 10, "status": "credited"}, "credited", 10),
            ({"credits": 10, "status": "credited"}, "returned", 10)]


@BOTH
def test_a_tenth_returned_of_a_one_credit_invoice_leaves_it_credited_and_the_rest_its_bonus(
        app, program, member, clock):
    """Returned in full is the notes' rupees adding up to the total, not the invoice's own
    credits all reversed: a tenth of a 1-credit invoice (each note took at least 1) showed
    RETURNED, and the note for the rest was refused, leaving 18 of its 20 bonus credits."""
    clock.set(THURSDAY)
    partner = member("en")
    bonus_campaign(program, "THU-PLUS20", fixed=20, weekdays=[3])
    invoice = credit(program, partner, SMALL)
    assert balance(partner, program) == 21
    assert give_back(invoice, 10_000, "CN-1").credits == 2  # a tenth of the bonus
    assert shown(invoice)[:2] == ("credited", 1)
    assert give_back(invoice, 90_000, "CN-2").credits == 19
    assert (balance(partner, program), shown(invoice)[:2]) == (0, ("returned", 1))


@BOTH
def test_an_invoice_partly_withdrawn_while_it_waited_shows_what_it_was_paid(
        app, program, member, clock):
    """40 % returned while its 10 credits waited for the cap review, the approval paid 6:
    the invoice shows 6 (it showed the 10 asked, credited and returned alike)."""
    clock.set(THURSDAY)
    partner = member("en")
    cap_left(program, 5)
    invoice = credit(program, partner, OPC)
    give_back(invoice, 400_000)
    decide_held(True)
    assert shown(invoice)[:2] == ("credited", 6)
    assert give_back(invoice, 600_000, "CN-2").credits == 6
    assert (balance(partner, program), shown(invoice)[:2]) == (0, ("returned", 6))


@pytest.mark.parametrize("app", ["postgres"], indirect=True)
@pytest.mark.parametrize("waits", [False, True])
def test_two_halves_returned_at_once_take_back_all_and_show_returned(
        app, program, member, clock, waits):
    """Two notes at once read the notes before them afresh (the invoice's row locked after
    its review item), so their running total reaches the invoice's total."""
    clock.set(THURSDAY)
    partner = member("en")
    bonus_campaign(program, "OPC-X2", multiplier=2, categories=["opc"])
    if waits:
        cap_left(program, 5)
    invoice = credit(program, partner, OPC)
    go, errors = threading.Barrier(2), []

    def half(note: str) -> None:
        with app.app_context():
            go.wait(10)
            try:
                give_back(invoice, 500_000, note)
            except Exception as exc:  # the test reports it
                errors.append(repr(exc))

    threads = [threading.Thread(target=half, args=(note,)) for note in ("CN-1", "CN-2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert (balance(partner, program), shown(invoice)[0]) == (0, "returned")


@BOTH
def test_a_return_while_the_invoice_waits_leaves_its_later_bonus_in_share_too(
        app, program, member, clock):
    """The invoice's approval posts its bonus, whose own review asks for what was not
    returned (half of it), and the month counts what was paid: half the bonus, not all of it
    (its half returned while the invoice waited counted against the month); the rest of the
    invoice returned later takes back all that both paid."""
    clock.set(THURSDAY)
    partner = member("en")
    bonus_campaign(program, "OPC-X2", multiplier=2, categories=["opc"])
    cap_left(program, 5)
    invoice = credit(program, partner, OPC)
    assert give_back(invoice, 500_000).withdrawn == 5
    decide_held(True)  # the invoice: its other 5 credits
    assert balance(partner, program) == 5
    assert "New balance: 5" in told(partner)[-1]
    assert waiting() == [5]  # its bonus, less the half returned
    decide_held(True)
    assert balance(partner, program) == 10
    with unit_of_work() as session:
        over = budget.issued(session, program.id, "2026-03") - \
            program.spec.budget.monthly_cap_credits
    assert over == 5  # 10 paid, 5 of them under the cap
    assert give_back(invoice, 500_000, "CN-2").credits == 10
    assert balance(partner, program) == 0
    assert shown(invoice)[:2] == ("returned", 5)


def test_a_bonus_paid_within_the_cap_on_approval_counts_what_is_left_of_it(
        app, program, member, clock):
    """The month has room for the bonus when the invoice is approved: it is paid, less the
    share the notes took while the invoice waited, and the month counts what it paid."""
    clock.set(THURSDAY)
    partner = member("en")
    bonus_campaign(program, "OPC-X2", multiplier=2, categories=["opc"])
    cap_left(program, 5)
    invoice = credit(program, partner, OPC)
    give_back(invoice, 500_000)
    with unit_of_work() as session:  # the month has room again (its count corrected)
        budget.force(session, program.id, -100)
    before = month_count(program)
    decide_held(True)
    assert (balance(partner, program), waiting()) == (10, [])
    assert month_count(program) - before == 10  # 5 of the invoice's, 5 of the bonus


def month_count(program) -> int:
    with unit_of_work() as session:
        return budget.issued(session, program.id, "2026-03")


def _return_racing_approval(app, program, member, clock, cap: int, returned: int):
    """A return (`returned` paise) started while the cap review's approval is being
    committed; the return's results, the partner and the invoice."""
    clock.set(THURSDAY)
    partner = member("en")
    bonus_campaign(program, "OPC-X2", multiplier=2, categories=["opc"])
    cap_left(program, cap)
    invoice = credit(program, partner, OPC)
    decided, results = threading.Event(), []

    def approve() -> None:
        with app.app_context(), unit_of_work() as session:
            [item] = review.pending(session, "budget_cap")
            review.decide(session, item.id, approve=True, actor="ops@shakti.test")
            decided.set()
            time.sleep(0.5)  # the return starts before this commits

    def give() -> None:
        decided.wait(10)
        with app.app_context():
            results.append(give_back(invoice, returned))

    threads = [threading.Thread(target=approve), threading.Thread(target=give)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results, partner, invoice


@pytest.mark.parametrize("app", ["postgres"], indirect=True)
def test_a_return_racing_the_bonus_approval_waits_for_it_and_takes_back_from_what_it_paid(
        app, program, member, clock):
    """The return locks the bonus's review item: it waits for the approval being committed,
    then finds the bonus paid and takes its share back (not the review's stale amount)."""
    results, partner, _ = _return_racing_approval(app, program, member, clock, 15, 500_000)
    assert [(r.credits, r.withdrawn) for r in results] == [(10, 0)]
    with unit_of_work() as session:
        assert ledger.wallet_balance(session, partner, program.id).balance == 10


@pytest.mark.parametrize("app", ["postgres"], indirect=True)
def test_a_full_return_racing_the_invoice_approval_takes_back_what_it_paid_and_held(
        app, program, member, clock):
    """The return waits for the approval being committed: it takes back the 10 credits
    paid, withdraws the bonus that waits for its own review (closed), and shows RETURNED."""
    results, partner, invoice = _return_racing_approval(app, program, member, clock, 5,
                                                        1_000_000)
    assert [(r.credits, r.withdrawn) for r in results] == [(10, 10)]
    assert (balance(partner, program), waiting()) == (0, [])
    assert shown(invoice)[:2] == ("returned", 10)


def test_a_note_too_small_for_a_credit_tells_nothing_and_the_rest_takes_it(
        app, program, member, clock):
    """A tenth returned of a 1-credit invoice takes back nothing yet (no message saying 0
    credits were taken); the note for the rest takes the credit and says so."""
    clock.set(THURSDAY)
    partner = member("en")
    invoice = credit(program, partner, SMALL)
    done = give_back(invoice, 10_000, "CN-1")
    assert (done.credits, done.withdrawn, done.again) == (0, 0, False)
    assert give_back(invoice, 10_000, "CN-1").again  # recorded: the same note again
    assert told(partner) == []
    assert give_back(invoice, 90_000, "CN-2").credits == 1
    assert len(told(partner)) == 1 and "CN-2" in told(partner)[0]
    assert (balance(partner, program), shown(invoice)[:2]) == (0, ("returned", 1))
