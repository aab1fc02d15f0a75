"""Tell a partner what came of their invoice, in their language; park an unsure read on the
conversation so the partner's next reply lands in the photo flow's CONFIRM state."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot import outbound
from bot.i18n import N_, NP_, format_credits, format_rupees, translate
from models import conversation
from models.base import utcnow
from models.invoices import Invoice, InvoiceStatus, Reason
from models.ledger import wallet_balance
from models.ledger_tables import JournalEntry
from models.partner import Partner

TEMPLATE = "invoice_update"  # WhatsApp template with one variable, for replies after 24 hours
CONFIRM_FLOW, CONFIRM_STATE = "photo", "confirm"
REJECTIONS = {
    Reason.DUPLICATE_NUMBER: N_("Invoice {number} from this seller was already sent, so it "
                                "cannot earn again."),
    Reason.DUPLICATE_IMAGE: N_("This invoice photo was already sent before, so it cannot earn "
                               "again."),
    Reason.UNREADABLE: N_("I could not read an invoice in this photo. Send a sharp photo of "
                          "the whole invoice, or a PDF."),
    Reason.NOT_DISTRIBUTOR: N_("The seller on invoice {number} is not a distributor in your "
                               "programs, so it earns no credits."),
    Reason.TOO_OLD: N_("Invoice {number} is too old to earn credits."),
    Reason.CANCELLED: N_("OK, invoice {number} was not submitted."),
    Reason.REVIEW_REJECTED: N_("Sorry, invoice {number} was checked and cannot earn credits."),
}


def read_summary(lang: str, invoice: Invoice) -> str:
    """The fields as read: number, seller GSTIN, date and total."""
    missing = translate(lang, "not read")
    return translate(
        lang, "Invoice {number}, seller GSTIN {gstin}, date {date}, total {total}",
        number=invoice.number or missing, gstin=invoice.seller_gstin or missing,
        date=invoice.invoice_date.strftime("%d-%m-%Y") if invoice.invoice_date else missing,
        total=format_rupees(invoice.read_total_paise, lang)
        if invoice.read_total_paise is not None else missing)


def confirm_text(lang: str, invoice: Invoice) -> str:
    return translate(lang, "I read: {summary}.", summary=read_summary(lang, invoice)) + "\n" + \
        translate(lang, "Reply 1 if this is right, 2 to cancel, or type the correct total.")


def result_text(session: Session, invoice: Invoice, lang: str) -> str:
    """What to tell the partner about an invoice in its current status."""
    if invoice.status == InvoiceStatus.CONFIRM:
        return confirm_text(lang, invoice)
    if invoice.status == InvoiceStatus.REVIEW:
        return translate(lang, "Thanks! Our team will check the total of invoice {number} and "
                         "message you.", number=invoice.number)
    if invoice.status == InvoiceStatus.REJECTED:
        return translate(lang, REJECTIONS[Reason(invoice.reason)], number=invoice.number or "")
    summary = read_summary(lang, invoice)
    if invoice.credits == 0:
        return translate(lang, "{summary}: recorded, but it earns no credits under your "
                         "program's rules.", summary=summary)
    entry = session.get(JournalEntry, invoice.entry_id)
    if entry is not None and entry.queued:
        return translate(lang, NP_("{summary}: {n} credit is waiting for approval.",
                                   "{summary}: {n} credits are waiting for approval."),
                         summary=summary, n=invoice.credits)
    balance = wallet_balance(session, invoice.partner_id, invoice.program_id)
    return translate(lang, NP_("{summary}: +{n} credit. New balance: {balance}.",
                               "{summary}: +{n} credits. New balance: {balance}."),
                     summary=summary, n=invoice.credits,
                     balance=format_credits(balance.balance, lang))


def tell_result(session: Session, invoice: Invoice) -> None:
    """Message the partner the outcome; an unsure read also waits for their answer."""
    partner = session.get(Partner, invoice.partner_id)
    text = result_text(session, invoice, partner.language)
    if invoice.status == InvoiceStatus.CONFIRM:
        await_answer(session, invoice.channel, partner.phone, {"invoice_id": invoice.id})
    outbound.queue_message(session, phone=partner.phone, text=text, channel=invoice.channel,
                           key=f"invoice:{invoice.id}:{invoice.status}", template=TEMPLATE,
                           template_vars={"1": text})


def await_answer(session: Session, channel: str, phone: str, data: dict) -> None:
    """Put the partner's conversation in the photo flow's CONFIRM state with `data`."""
    conv = conversation.lock(session, channel, phone)
    conv.flow, conv.state, conv.data = CONFIRM_FLOW, CONFIRM_STATE, data
    conv.updated_at = utcnow()  # the idle timeout counts from the question
