"""Decide what an uploaded invoice earns: duplicates, distributor, age, buyer, unsure fields,
fraud rules, credits.

    submit: unreadable (no seller GSTIN; why, where the photo shows it)?
            duplicate (seller GSTIN + number, or the same photo)? a listed distributor?
            too old? billed to someone else (program refuses)?
            any field unsure or not read --> CONFIRM (the partner confirms or types it)
            else settle
    settle: a typed number, a guessed total or a fraud rule (models/invoices/fraud.py)
            --> REVIEW;
            else credit --> CREDITED

Every path ends in one InvoiceStatus; the caller tells the partner (bot/notices/invoices.py).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import events, keys, ledger, review
from models.base import column_length, utcnow
from models.campaigns.bonus import live_campaigns, post_invoice_bonuses, take_back
from models.invoices import fraud as invoice_fraud
from models.invoices import review as invoice_review
from models.invoices.credits import category_lines, credits_for
from models.invoices.invoice import (
    Invoice,
    InvoiceStatus,
    Reason,
    missing_fields,
    resent_photo,
    same_number,
    set_status,
    take_claim,
)
from models.invoices.read import GUESSED_TOTAL, InvoiceRead
from models.ledger import budget
from models.ledger.internals import ensure_wallet, lock_wallet
from models.ledger.tables import JournalEntry
from models.partners.partner import Partner
from models.programs import earning
from models.programs.program import Program, memberships_of
from models.programs.schema import ProgramSpec

CAUSE = "invoice"  # the ledger cause of an invoice's credit


class MissingFields(ValueError):
    """An invoice cannot be confirmed while a field was neither read nor typed."""


@dataclass(frozen=True)
class Match:
    program: Program
    distributor: str  # the distributor's name, for messages


def distributor_program(session: Session, partner_id: int, seller_gstin: str) -> Match | None:
    """The partner's program in which the seller is a listed distributor, if any."""
    for membership in memberships_of(session, partner_id):
        program = session.get(Program, membership.program_id)
        for dist in program.spec.distributors:
            if dist.gstin == seller_gstin:
                return Match(program, dist.name)
    return None


def submit(session: Session, invoice: Invoice, read: InvoiceRead) -> Invoice:
    """Apply every rule to a freshly read invoice; it ends credited, waiting, or rejected."""
    _copy_read(invoice, read)
    session.add(invoice)
    session.flush()
    config = current_app.config
    sure = config["INVOICE_MIN_CONFIDENCE"]
    if not invoice.seller_gstin:
        return _reject(invoice, read.fault or Reason.UNREADABLE)  # why, where the photo shows it
    if invoice.number and not _claimed(session, invoice):
        return _reject(invoice, Reason.DUPLICATE_NUMBER)
    if resent_photo(session, invoice, config["INVOICE_IMAGE_DISTANCE"], sure) is not None:
        return _reject(invoice, Reason.DUPLICATE_IMAGE)
    match = distributor_program(session, invoice.partner_id, invoice.seller_gstin)
    if match is None:
        return _reject(invoice, Reason.NOT_DISTRIBUTOR)
    invoice.program_id = match.program.id
    settings = match.program.spec.invoice
    if _too_old(invoice, settings.max_age_days):
        return _reject(invoice, Reason.TOO_OLD)
    partner = session.get(Partner, invoice.partner_id)
    if (settings.buyer_gstin_mismatch == "reject" and invoice_fraud.buyer_differs(invoice, partner)
            and invoice.confidence.get("buyer_gstin", 0.0) >= sure):
        return _reject(invoice, Reason.NOT_BUYER)
    # The seller GSTIN matched a listed distributor exactly: the program vouches for it.
    if set(read.unsure(sure)) - {"seller_gstin"} or invoice.number is None:
        set_status(invoice, InvoiceStatus.CONFIRM)
        return invoice
    return settle(session, invoice)


def _claimed(session: Session, invoice: Invoice) -> bool:
    """Claim the invoice's seller GSTIN + number; False if another invoice holds them."""
    return same_number(session, invoice) is None and take_claim(session, invoice)


def stored_number(number: str | None) -> str | None:
    """The invoice number as its column holds it (a misread can run long)."""
    return number[:column_length(Invoice.number)] if number else None


def _copy_read(invoice: Invoice, read: InvoiceRead) -> None:
    invoice.seller_gstin, invoice.buyer_gstin = read.seller_gstin, read.buyer_gstin
    invoice.number = stored_number(read.invoice_number)
    invoice.invoice_date = read.invoice_date
    invoice.total_paise = invoice.read_total_paise = read.total_paise
    invoice.hsn = read.hsn[:8] if read.hsn and read.hsn.isdigit() else None
    invoice.items = [vars(i) for i in read.items]
    invoice.confidence, invoice.source, invoice.typed = dict(read.confidence), read.source, []


def _too_old(invoice: Invoice, max_age_days: int) -> bool:
    oldest = (utcnow() - timedelta(days=max_age_days)).date()
    return invoice.invoice_date is not None and invoice.invoice_date < oldest


def _reject(invoice: Invoice, reason: Reason) -> Invoice:
    set_status(invoice, InvoiceStatus.REJECTED, reason)
    return invoice


def settle(session: Session, invoice: Invoice) -> Invoice:
    """Run the fraud rules on an invoice whose fields are all known: hold it for review, or
    credit it. The wallet lock makes a partner's invoices take their turn at the counts. A
    number the partner typed is checked by a reviewer on the photo (the claim guards against
    a number sent twice, not against one made up), and so is a total the reader only
    guessed that the partner confirmed (or typed near): a figure whose label was lost may be
    another amount on the page, a balance that suits the partner."""
    program = session.get(Program, invoice.program_id)
    ensure_wallet(session, invoice.partner_id, program.id)
    lock_wallet(session, invoice.partner_id, program.id)
    flag = invoice_fraud.check(session, invoice, session.get(Partner, invoice.partner_id),
                               program.spec.invoice, credits_for(program.spec, invoice),
                               current_app.config["SECRET_KEY"])
    if flag is None and "number" in (invoice.typed or []):
        flag = invoice_fraud.Flag(invoice_fraud.Rule.NUMBER_TYPED,
                                  f"number not read, typed as {invoice.number}")
    if flag is None and (guessed := _guessed_total(invoice)) is not None:
        flag = invoice_fraud.Flag(
            invoice_fraud.Rule.TOTAL_GUESSED,
            f"total only guessed as {invoice.read_total_paise / 100:.2f} rupees "
            f"(confidence {guessed:.2f}), then "
            + ("typed near it" if "total_paise" in (invoice.typed or []) else "confirmed"),
            {"read_total_paise": invoice.read_total_paise, "confidence": guessed})
    if flag is not None:
        return invoice_review.hold(session, invoice, flag)
    return credit(session, invoice)


def _guessed_total(invoice: Invoice) -> float | None:
    """The read total's confidence, where it was read only as a guess (GUESSED_TOTAL)."""
    conf = (invoice.confidence or {}).get("total_paise")
    if invoice.read_total_paise is None or conf is None or conf > GUESSED_TOTAL:
        return None
    return conf


def credit(session: Session, invoice: Invoice, seller: str | None = None) -> Invoice:
    """Earn the invoice's credits (tier multiplier, return-window lock) and its campaign
    bonuses; mark it credited. `seller`: the distributor's name, when the caller knows it
    (else it is looked up)."""
    earning_ = earn_of(session, invoice, seller)
    result = earning_ and ledger.earn(session, program_id=invoice.program_id, **asdict(earning_))
    return _credited(session, invoice, result)


def credit_many(session: Session, invoices: list[Invoice], seller: str,
                credits: list[int] | None = None) -> None:
    """`credit` invoices of one program and seller, their credits in one bulk earn (the same
    entries as one by one), the program's bonus campaigns read once. `credits`: each
    invoice's `credits_for`, when the caller worked them out before."""
    if not invoices:
        return
    program = session.get(Program, invoices[0].program_id)
    earns = [earn_of(session, invoice, seller, program.spec, earned)
             for invoice, earned in zip(invoices, credits or [None] * len(invoices),
                                        strict=True)]
    results = iter(ledger.earn_many(session, program.id, [e for e in earns if e]))
    campaigns = live_campaigns(session, program)
    for invoice, earning_ in zip(invoices, earns, strict=True):
        _credited(session, invoice, earning_ and next(results), campaigns)


def earn_of(session: Session, invoice: Invoice, seller: str | None,
            spec: ProgramSpec | None = None, credits: int | None = None) -> ledger.Earn | None:
    """What crediting the invoice earns (before the tier multiplier); None: nothing. `spec`:
    the invoice's program's, when the caller has it; `credits`: its `credits_for`, likewise."""
    spec = spec or session.get(Program, invoice.program_id).spec
    credits = credits_for(spec, invoice) if credits is None else credits
    if credits <= 0:
        return None
    if seller is None:
        match = distributor_program(session, invoice.partner_id, invoice.seller_gstin or "")
        seller = match.distributor if match else "?"
    volume = invoice.total_paise or 0
    return ledger.Earn(
        partner_id=invoice.partner_id, credits=credits, key=keys.invoice_credit(invoice.id),
        cause=CAUSE, cause_ref=invoice.number or "",
        description=f"invoice {invoice.number} from {seller}",
        lock_days=earning.invoice_lock_days(spec),
        volume=volume if spec.tiers and spec.tiers.unit == "paise" else 0)


def _credited(session: Session, invoice: Invoice, result: ledger.EarnResult | None,
              campaigns: list | None = None) -> Invoice:
    """Mark the invoice credited with its earn's `result` (None: it earned nothing), and
    post its campaign bonuses (credits the budget cap held back: once approved,
    `_budget_decided`)."""
    if result is not None:
        invoice.credits, invoice.entry_id = result.credits, result.entry_id
    if result is not None and not result.queued_for_review:
        _post_bonuses(session, invoice, utcnow(), campaigns)
    set_status(invoice, InvoiceStatus.CREDITED)
    return invoice


def _post_bonuses(session: Session, invoice: Invoice, at: datetime,
                  campaigns: list | None = None) -> None:
    """Earn the bonuses the campaigns running `at` pay on the invoice."""
    if campaigns == []:  # the program has no bonus running
        return
    program = session.get(Program, invoice.program_id)
    spec = program.spec
    post_invoice_bonuses(session, program, invoice, category_lines(spec, invoice), at,
                         earning.invoice_lock_days(spec), campaigns)


def confirm(session: Session, invoice: Invoice) -> Invoice:
    """The partner says the read is right: settle it (never with a field left empty)."""
    if missing_fields(invoice):
        raise MissingFields(f"invoice {invoice.id} lacks {missing_fields(invoice)}")
    return settle(session, invoice)


def type_number(session: Session, invoice: Invoice, number: str) -> Invoice:
    """The partner typed the number that was not read; one another invoice holds is refused."""
    invoice.number = stored_number(number)
    invoice.typed = [*(invoice.typed or []), "number"]
    return invoice if _claimed(session, invoice) else _reject(invoice, Reason.DUPLICATE_NUMBER)


def type_date(session: Session, invoice: Invoice, day: date) -> Invoice:
    """The partner typed the date that was not read; an invoice past the age limit is refused."""
    invoice.invoice_date = day
    invoice.typed = [*(invoice.typed or []), "invoice_date"]
    max_age = session.get(Program, invoice.program_id).spec.invoice.max_age_days
    return _reject(invoice, Reason.TOO_OLD) if _too_old(invoice, max_age) else invoice


def correct_total(session: Session, invoice: Invoice, total_paise: int) -> Invoice:
    """The partner typed the total: within the margin of the one read it settles; beyond it,
    or with no total read, a reviewer decides."""
    read = invoice.read_total_paise
    margin = current_app.config["INVOICE_TOTAL_MARGIN_PERCENT"] / 100
    invoice.total_paise = total_paise
    invoice.typed = [*(invoice.typed or []), "total_paise"]
    if read and abs(total_paise - read) <= read * margin:
        return settle(session, invoice)
    reason = f"total typed as {total_paise / 100:.2f} rupees, " + (
        f"read as {read / 100:.2f}" if read is not None else "not read")
    return invoice_review.hold(session, invoice, invoice_fraud.Flag(
        invoice_fraud.Rule.TOTAL_TYPED, reason,
        {"read_total_paise": read, "typed_total_paise": total_paise}))


def cancel(invoice: Invoice) -> Invoice:
    return _reject(invoice, Reason.CANCELLED)


def _approve(session: Session, item: review.ReviewItem) -> None:
    """Credit the invoice, on the total the reviewer corrected if they did."""
    invoice = invoice_review.invoice_of(session, item)
    corrected = (item.payload or {}).get("verdict", {}).get("total_paise")
    if isinstance(corrected, int) and corrected > 0:
        invoice.total_paise = corrected
    credit(session, invoice)
    events.record(session, events.InvoiceDecided(invoice.id, approved=True))


def _reject_review(session: Session, item: review.ReviewItem) -> None:
    invoice = invoice_review.invoice_of(session, item)
    _reject(invoice, rejection_reason(item))
    events.record(session, events.InvoiceDecided(invoice.id, approved=False))


@events.handles(events.OverCapDecided)
def _budget_decided(session: Session, decided: events.OverCapDecided) -> None:
    """An invoice whose credits the budget cap held back: point it at the entry that credited
    them, or reject it. (An earn of cause "invoice" made without an invoice has none.)"""
    found = session.execute(
        select(Invoice, JournalEntry.created_at)
        .join(JournalEntry, JournalEntry.id == Invoice.entry_id)
        .where(JournalEntry.key == decided.key).with_for_update(of=Invoice)).first() \
        if decided.cause == CAUSE else None
    if found is None:
        return
    invoice, held_at = found
    if decided.approved:
        # what the approval paid (the credit notes taken while it waited took the rest)
        invoice.entry_id, invoice.credits = decided.entry_id, decided.credits
        # the campaigns running when it was sent: a bonus past the cap waits for a review of
        # its own (the reviewer approved the credits they were shown, and no more)
        _post_bonuses(session, invoice, held_at)
        _returned_while_held(session, invoice, decided.review_item_id)
    else:
        invoice.credits = 0
        _reject(invoice, Reason.BUDGET_CAP)
    events.record(session, events.InvoiceDecided(invoice.id, approved=decided.approved))


def _returned_while_held(session: Session, invoice: Invoice, review_item_id: int) -> None:
    """The credit notes taken off the invoice's review while it waited take their share of
    the bonuses its approval posted: off the review of one held in turn, from one paid (and
    off the month's count, which counts what was paid)."""
    earned, upto = keys.invoice_credit(invoice.id), 0
    for note, came_back in ledger.returns_while_held(session, review_item_id).items():
        upto += came_back["paise"]
        credits, _ = take_back(
            session, earned, note=note, key=keys.credit_note(invoice.id, note),
            returned=came_back["paise"], upto=upto, of=came_back["of"],
            reason=f"credit note {note}, taken while the invoice waited", actor="system")
        if credits:
            budget.give_back(session, invoice.program_id, credits)


REVIEWER_REASONS = (Reason.REVIEW_REJECTED, Reason.DUPLICATE_NUMBER, Reason.DUPLICATE_IMAGE,
                    Reason.UNREADABLE, Reason.NOT_DISTRIBUTOR, Reason.NOT_BUYER, Reason.TOO_OLD)


def rejection_reason(item: review.ReviewItem) -> Reason:
    """The reason the reviewer chose (the partner is told it), by default REVIEW_REJECTED."""
    chosen = (item.payload or {}).get("verdict", {}).get("reason")
    return Reason(chosen) if chosen in REVIEWER_REASONS else Reason.REVIEW_REJECTED


review.register(invoice_review.KIND, approve=_approve, reject=_reject_review,
                view=invoice_review.view)
