"""Invoices: a photo or PDF (menu "Upload invoice", or any file sent at the menu) is read in a
job (workers/photos.py): product QR codes are scanned; otherwise the invoice is read and the
result sent. An unsure read parks the conversation in CONFIRM (models/invoice_notices.py):
a field not read is typed ("1" asks for it again: nothing is confirmed empty; a typed number
sends the invoice to a reviewer); a complete
read is confirmed ("1"), cancelled ("2") or corrected by typing the total (settled, or sent
to review if far off). Diagram: docs/flows/invoice.md.
"""

from __future__ import annotations

from enum import StrEnum

from bot.i18n import N_
from bot.jobs.names import Job
from bot.messages import InboundMessage, Reply
from bot.notices.invoices import ASK, confirm_text, result_text
from flows import engine
from flows.answers import fold_digits, pick
from flows.engine import END, Context, Fallback, Flow, Kind, MenuEntry, State
from flows.menu import NOT_ENROLLED
from flows.names import FlowName
from flows.table import INVOICE_FILES
from models.base import ist_date
from models.invoices import rules as invoice_rules
from models.invoices.invoice import Invoice, InvoiceStatus, missing_fields, pending_for
from models.invoices.values import parse_amount, parse_date, parse_number

ACCEPTED = INVOICE_FILES
MAX_FILES = 5


class S(StrEnum):
    WAIT = "wait"
    CONFIRM = "confirm"


def wait_prompt(ctx: Context) -> list[Reply]:
    if not ctx.message.traits.sends_files:
        return [ctx.say("Photos cannot be sent from here: send your invoice photo to us on "
                        "WhatsApp. For a product code, type the code printed under the QR.")]
    return [ctx.say("Send a photo (JPG or PNG) or a PDF of your invoice.")]


def receive(ctx: Context, msg: InboundMessage) -> engine.Step:
    """Check the files' types at once; read the good ones in a job."""
    if ctx.partner is None:  # a file sent at the menu before enrolling
        return engine.done(ctx.say(NOT_ENROLLED))
    usable = [m for m in msg.media if m.content_type.split(";")[0].strip() in ACCEPTED]
    if not usable:
        return engine.done(ctx.say("I can only read invoice photos (JPG, PNG) or PDF files. "
                                   "Please send one of those."))
    for index, item in enumerate(usable[:MAX_FILES]):
        ctx.enqueue(Job.READ_PHOTO, ctx.partner.id, msg.channel, item.url,
                    f"{msg.provider_id}:{index}")
    return engine.done(ctx.say("Received, reading it now…"))


def confirm_prompt(ctx: Context) -> list[Reply]:
    invoice = pending_for(ctx.session, ctx.partner.id, ctx.data.get("invoice_id", 0))
    return [Reply(confirm_text(ctx.language, invoice))] if invoice else []


def confirm(ctx: Context, msg: InboundMessage) -> engine.Step:
    invoice = pending_for(ctx.session, ctx.partner.id, ctx.data.get("invoice_id", 0))
    if invoice is None:
        return engine.done(ctx.say("That invoice is no longer waiting for an answer."), menu=True)
    answer = pick(msg, engine.options(ctx, [("yes", N_("Yes")), ("cancel", N_("Cancel"))]))
    total = parse_amount(fold_digits(msg.text).replace("₹", "").replace("Rs", "").strip())
    missing = missing_fields(invoice)
    if answer == "cancel":
        invoice_rules.cancel(invoice)
    elif missing == ["total_paise"] and answer != "yes" and total:
        invoice_rules.correct_total(ctx.session, invoice, total)
    elif missing:  # "1" confirms nothing: the field is asked for again
        return type_missing(ctx, invoice, missing[0], "" if answer == "yes" else msg.text)
    elif answer == "yes":
        invoice_rules.confirm(ctx.session, invoice)
    elif total is not None and total > 0:
        invoice_rules.correct_total(ctx.session, invoice, total)
    else:
        return engine.retry(ctx, "Reply 1 if it is right, 2 to cancel, or type the total like "
                            "12500.")
    return engine.done(Reply(result_text(ctx.session, invoice, ctx.language)))


def type_missing(ctx: Context, invoice: Invoice, field: str, text: str) -> engine.Step:
    """Take the typed number or date, or ask for the field again."""
    if field == "number" and (number := parse_number(fold_digits(text))):
        invoice_rules.type_number(ctx.session, invoice, number)
    elif field == "invoice_date" and (day := parse_date(text)) and day <= ist_date(ctx.now):
        invoice_rules.type_date(ctx.session, invoice, day)
    else:
        return engine.wait(ctx.say(ASK[field]))
    if invoice.status != InvoiceStatus.CONFIRM:
        return engine.done(Reply(result_text(ctx.session, invoice, ctx.language)))
    return engine.go(S.CONFIRM)


RECEIVED = (END, "files being read, or none usable")
FILE_PLEASE = Fallback(N_("Please send the invoice as a photo or a PDF."))
FLOW = engine.register(Flow(
    name=FlowName.INVOICE, states_enum=S, start=S.WAIT,
    entry=State(media=receive, goes=(RECEIVED,)),
    states={
        S.WAIT: State(media=receive, prompt=wait_prompt, goes=(RECEIVED,)),
        S.CONFIRM: State(confirm, confirm_prompt, media=receive, goes=(
            (S.CONFIRM, "a field typed, the next one missing"),
            (END, "confirmed, corrected, cancelled"), RECEIVED)),
    },
    fallbacks={Kind.TEXT: FILE_PLEASE, Kind.LOCATION: FILE_PLEASE},
    parked=((S.CONFIRM, "an unsure read (models/invoice_notices.py)"),),
    menu=MenuEntry(N_("Upload invoice"), order=20),
))
