"""Tell a partner what came of their invoice, in their language; park an unsure read on the
conversation so the partner's next reply lands in the invoice flow's CONFIRM state."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.i18n import N_, NP_, format_credits, format_rupees, translate
from bot.notices import outbound
from models import keys
from models.base import utcnow
from models.events import InvoiceDecided, InvoiceReturned, handles
from models.invoices.invoice import Invoice, InvoiceStatus, Reason, missing_fields
from models.ledger import issued
from models.ledger.operations import wallet_balance
from models.ledger.tables import JournalEntry
from models.messaging import conversation
from models.partners.partner import Partner
from models.review.queue import ReviewItem

TEMPLATE = "invoice_update"  # WhatsApp template with one variable, for replies after 24 hours
CONFIRM_FLOW, CONFIRM_STATE = "invoice", "confirm"  # flows/invoice.py
REJECTIONS = {
    Reason.DUPLICATE_NUMBER: N_("Invoice {number} from this seller was already sent, so it "
                                "cannot earn again."),
    Reason.DUPLICATE_IMAGE: N_("This invoice photo was already sent before, so it cannot earn "
                               "again."),
    Reason.UNREADABLE: N_("I could not read an invoice in this photo. Send a sharp photo of "
                          "the whole invoice, or a PDF."),
    # One photo is one invoice (a page's halves in two photos are two unreadable invoices):
    # the partner is told to come closer, never to send the page in parts.
    Reason.SMALL_PRINT: N_("The print is too small to read in this photo. Hold the phone "
                           "closer, so that the invoice fills the screen, and send it again."),
    Reason.DARK: N_("This photo is too dark or blurred to read. Take it again in better light, "
                    "holding the phone still."),
    Reason.NOT_DISTRIBUTOR: N_("The seller on invoice {number} is not a distributor in your "
                               "programs, so it earns no credits."),
    Reason.NOT_BUYER: N_("Invoice {number} is billed to a GSTIN other than yours, so it cannot "
                         "earn credits for you."),
    Reason.TOO_OLD: N_("Invoice {number} is too old to earn credits."),
    Reason.CANCELLED: N_("OK, invoice {number} was not submitted."),
    Reason.REVIEW_REJECTED: N_("Sorry, invoice {number} was checked and cannot earn credits."),
    Reason.BUDGET_CAP: N_("Invoice {number} was not approved (monthly budget reached), so it "
                          "earns no credits."),
}
# The same, for an invoice whose number was not read (it may be refused before it is typed).
REJECTIONS_UNNUMBERED = {
    Reason.NOT_DISTRIBUTOR: N_("The seller on this invoice is not a distributor in your "
                               "programs, so it earns no credits."),
    Reason.NOT_BUYER: N_("This invoice is billed to a GSTIN other than yours, so it cannot "
                         "earn credits for you."),
    Reason.TOO_OLD: N_("This invoice is too old to earn credits."),
    Reason.CANCELLED: N_("OK, the invoice was not submitted."),
}


# What the partner is asked next about an unsure read: the first field not read, else to
# confirm it all.
ASK = {
    "number": N_("I could not read the invoice number. Type it as printed on the invoice, for "
                 "example ST/2026/417, or 2 to cancel."),
    "invoice_date": N_("I could not read the date. Type the invoice date, for example "
                       "12-03-2026, or 2 to cancel."),
    "total_paise": N_("I could not read the total. Type the invoice total, for example 12500, "
                      "or 2 to cancel."),
}
CONFIRM_ALL = N_("Reply 1 if this is right, 2 to cancel, or type the correct total.")
# Why an invoice waits for a reviewer, as the partner is told (by the rule that sent it).
TOTAL_CHECKED = N_("Thanks! Our team will check the total of invoice {number} and message you.")
REVIEWING = {
    "number_typed": N_("Thanks! Our team will check invoice {number} on its photo and message "
                       "you."),
    "total_typed": TOTAL_CHECKED,
    "total_guessed": TOTAL_CHECKED,
    "buyer_gstin_mismatch": N_("Invoice {number} is billed to a GSTIN other than yours: our "
                               "team will check it and message you."),
}
REVIEWING_ANY = N_("Thanks! Our team will check invoice {number} and message you.")


SUMMARY = N_("Invoice {number}, seller GSTIN {gstin}, date {date}, total {total}")
SUMMARY_NO_NUMBER = N_("Invoice number not read, seller GSTIN {gstin}, date {date}, total "
                       "{total}")


def read_summary(lang: str, invoice: Invoice) -> str:
    """The fields as they stand: number, seller GSTIN, date and total."""
    missing = translate(lang, "not read")
    return translate(
        lang, SUMMARY if invoice.number else SUMMARY_NO_NUMBER,
        number=invoice.number, gstin=invoice.seller_gstin or missing,
        date=invoice.invoice_date.strftime("%d-%m-%Y") if invoice.invoice_date else missing,
        total=format_rupees(invoice.total_paise, lang)
        if invoice.total_paise is not None else missing)


def confirm_text(lang: str, invoice: Invoice) -> str:
    """The read so far, then the question: the first field to type, or to confirm it."""
    missing = missing_fields(invoice)
    question = ASK[missing[0]] if missing else CONFIRM_ALL
    return translate(lang, "I read: {summary}.", summary=read_summary(lang, invoice)) + "\n" + \
        translate(lang, question)


def result_text(session: Session, invoice: Invoice, lang: str, approved: bool = False) -> str:
    """What to tell the partner about an invoice in its current status (`approved`: a
    reviewer has just approved it)."""
    if invoice.status == InvoiceStatus.CONFIRM:
        return confirm_text(lang, invoice)
    if invoice.status == InvoiceStatus.REVIEW:
        item = session.get(ReviewItem, invoice.review_item_id) \
            if invoice.review_item_id is not None else None  # no item: the general text
        return translate(lang, REVIEWING.get(item.rule if item else "", REVIEWING_ANY),
                         number=invoice.number)
    if invoice.status == InvoiceStatus.REJECTED:
        reason = Reason(invoice.reason)
        if invoice.number is None and reason in REJECTIONS_UNNUMBERED:
            return translate(lang, REJECTIONS_UNNUMBERED[reason])
        return translate(lang, REJECTIONS[reason], number=invoice.number or "")
    summary = read_summary(lang, invoice)
    if invoice.credits == 0:
        return translate(lang, "{summary}: recorded, but it earns no credits under your "
                         "program's rules.", summary=summary)
    entry = session.get(JournalEntry, invoice.entry_id)
    if entry is not None and entry.queued:
        return translate(lang, NP_("{summary}: {n} credit is waiting for approval.",
                                   "{summary}: {n} credits are waiting for approval."),
                         summary=summary, n=invoice.credits)
    balance = format_credits(
        wallet_balance(session, invoice.partner_id, invoice.program_id).balance, lang)
    if approved:  # what was credited: less what a return took off while it waited
        return translate(lang, NP_(
            "Invoice {number} was checked and approved with a total of {total}: +{n} credit. "
            "New balance: {balance}.",
            "Invoice {number} was checked and approved with a total of {total}: +{n} credits. "
            "New balance: {balance}."),
            number=invoice.number, total=format_rupees(invoice.total_paise, lang),
            n=issued(session, entry.id) if entry is not None else invoice.credits,
            balance=balance)
    return translate(lang, NP_("{summary}: +{n} credit. New balance: {balance}.",
                               "{summary}: +{n} credits. New balance: {balance}."),
                     summary=summary, n=invoice.credits, balance=balance)


def tell_result(session: Session, invoice: Invoice, approved: bool = False) -> None:
    """Message the partner the outcome; an unsure read also waits for their answer. (A
    reviewer's approval has a key of its own: an invoice whose credits the budget cap held
    back was told its credited status already.)"""
    partner = session.get(Partner, invoice.partner_id)
    text = result_text(session, invoice, partner.language, approved)
    if invoice.status == InvoiceStatus.CONFIRM:
        await_answer(session, invoice.channel, partner.phone, {"invoice_id": invoice.id})
    key = keys.invoice_notice(invoice.id, "approved" if approved else invoice.status)
    outbound.queue_message(session, phone=partner.phone, text=text, channel=invoice.channel,
                           key=key, template=TEMPLATE, template_vars={"1": text})


def await_answer(session: Session, channel: str, phone: str, data: dict) -> None:
    """Put the partner's conversation in the invoice flow's CONFIRM state with `data`."""
    conv = conversation.lock(session, channel, phone)
    conv.flow, conv.state, conv.data = CONFIRM_FLOW, CONFIRM_STATE, data
    conv.updated_at = utcnow()  # the idle timeout counts from the question


@handles(InvoiceDecided)
def tell_decision(session: Session, decided: InvoiceDecided) -> None:
    tell_result(session, session.get(Invoice, decided.invoice_id), approved=decided.approved)


RETURNED = NP_("Invoice {number} came back on credit note {note}: {n} credit was taken back. "
               "Balance: {balance}.",
               "Invoice {number} came back on credit note {note}: {n} credits were taken back. "
               "Balance: {balance}.")
# A return while the credits still waited for the budget cap's review: none were paid.
WITHDRAWN = NP_("Invoice {number} came back on credit note {note}: {n} credit waiting for "
                "approval was withdrawn.",
                "Invoice {number} came back on credit note {note}: {n} credits waiting for "
                "approval were withdrawn.")


@handles(InvoiceReturned)
def tell_return(session: Session, returned: InvoiceReturned) -> None:
    """Tell the partner what a return or credit note took back, and where their balance is
    (nothing to tell of a small note that took back less than a credit: the running total
    of the invoice's notes takes it with a later one)."""
    if returned.credits == 0 and returned.withdrawn == 0:
        return
    partner = session.get(Partner, returned.partner_id)
    invoice = session.get(Invoice, returned.invoice_id)
    balance = wallet_balance(session, returned.partner_id, returned.program_id).balance
    if returned.credits == 0:  # only credits that waited for review came back
        text = translate(partner.language, WITHDRAWN, number=invoice.number,
                         note=returned.note, n=returned.withdrawn)
    else:
        text = translate(partner.language, RETURNED, number=invoice.number,
                         note=returned.note, n=returned.credits,
                         balance=format_credits(balance, partner.language))
    outbound.queue_message(session, phone=partner.phone, text=text, template=TEMPLATE,
                           template_vars={"1": text},
                           key=keys.invoice_return(returned.invoice_id, returned.note))
