"""A credit note in a distributor's feed (or `flask sales return`): the returned invoice's
credits are taken back in proportion, through the same operator control as an admin's credit
note (models/admin/orders.py: from the invoice's lot first, locked in its return window or
not, then from the balance, the rest kept as debt), and the partner is told."""

from __future__ import annotations

from sqlalchemy import Row
from sqlalchemy.orm import Session

from models import keys
from models.admin.controls import Actor, ControlError, entry_with
from models.admin.orders import record_return
from models.invoices.invoice import Invoice, InvoiceStatus
from models.sales.crediting import Feed, Result, sale_key
from models.sales.lines import Sale
from models.sales.tables import Outcome


def apply_return(session: Session, feed: Feed, sale: Sale, claim: Row | None) -> Result:
    """Claw back what `sale` (a credit note) returns of its original invoice (`claim`: the
    invoice's row from `crediting.claims`, if claimed)."""
    invoice = claim and session.get(Invoice, claim.id)  # as this chunk may have changed it
    if invoice is None or invoice.program_id != feed.program.id:
        return Result(Outcome.REJECTED, f"no invoice {sale.against} of this distributor")
    returned_before = invoice.status == InvoiceStatus.RETURNED  # record_return tells which
    if not returned_before and (invoice.status != InvoiceStatus.CREDITED or invoice.credits <= 0):
        return Result(Outcome.REJECTED, f"invoice {sale.against} earned no credits",
                      invoice.partner_id, invoice.id)
    if entry_with(session, keys.credit_note(invoice.id, sale.number[:40])) is not None:
        return Result(Outcome.ALREADY, "returned before", invoice.partner_id, invoice.id)
    returned = min(sale.total_paise, invoice.total_paise or 0)
    if feed.dry_run:
        return Result(Outcome.RETURNED, "", invoice.partner_id, invoice.id)
    actor = Actor(f"distributor:{feed.distributor.code}", brand=feed.program.spec.brand)
    try:  # a note refused part-way takes back nothing: the batch commits its other rows
        with session.begin_nested():
            done = record_return(session, actor, invoice, returned, sale.number,
                                 f"credit note {sale.number} in {feed.distributor.code}'s "
                                 "sales data")
    except ControlError as exc:
        return Result(Outcome.REJECTED, str(exc), invoice.partner_id, invoice.id)
    if done.again:
        return Result(Outcome.ALREADY, "returned before", invoice.partner_id, invoice.id)
    waited = f" ({done.withdrawn} credits waiting for review withdrawn)" if done.withdrawn else ""
    return Result(Outcome.RETURNED, f"returned {returned / 100:.2f} rupees{waited}",
                  invoice.partner_id, invoice.id, -done.credits)


def original_key(feed: Feed, sale: Sale) -> str:
    return sale_key(feed, sale.against or "")
