"""One sale of a distributor's feed through the invoice rules: the same `Invoice` row and the
same claim on (seller GSTIN, number) as a partner's photo, so an invoice earns once whichever
way it came first, and the same `rules.credit` (categories by item words and HSN, the tier
multiplier, the return window, the budget cap; its volume counts towards tiers).

The distributor vouches for its own sales, so the partner fraud rules (velocity, spot checks,
caps on invoices not billed to the partner) that guard photos are not run; a buyer matched
only by a name like theirs at the same PIN code waits for a person instead.

Against a photo claim of the same invoice still waiting (CONFIRM or REVIEW), the sales data
decides: the same buyer and a total within INVOICE_TOTAL_MARGIN_PERCENT approve it without a
reviewer; otherwise it waits for one, with both sides shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property

from flask import current_app
from sqlalchemy import Row, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models import events, review
from models.base import utcnow
from models.db import among, insert_rows, reserve_ids, update_rows
from models.invoices import review as invoice_review
from models.invoices import rules
from models.invoices.fraud import Flag, Rule
from models.invoices.invoice import (
    Invoice,
    InvoiceStatus,
    Reason,
    claim_key,
)
from models.programs.program import Program
from models.programs.schema import Distributor
from models.sales.lines import Sale
from models.sales.matching import Buyer
from models.sales.tables import Outcome

IMPORTED = ("tally", "csv", "xlsx", "api")  # Invoice.source of a sale a distributor sent


@dataclass(frozen=True)
class Feed:
    """Where the sales come from: a distributor of a program, by one source."""
    program: Program
    distributor: Distributor
    source: str  # one of IMPORTED
    dry_run: bool = False
    careful: bool = False  # claim each invoice in a SAVEPOINT (a chunk's second try)

    @cached_property
    def oldest(self) -> date:
        """The earliest invoice date the program still credits (read once a chunk)."""
        return (utcnow() - timedelta(days=self.program.spec.invoice.max_age_days)).date()


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    reason: str = ""
    partner_id: int | None = None
    invoice_id: int | None = None
    credits: int = 0


def sale_key(feed: Feed, number: str) -> str:
    return claim_key(feed.distributor.gstin, number)


@dataclass
class NewInvoice:
    """A sale's invoice before it is written: the columns `insert_rows` writes (a chunk's in
    one statement, not ORM objects flushed), with what the invoice rules read and set
    (`rules.credit_many` takes it as it takes an `Invoice`)."""
    partner_id: int
    program_id: int
    source: str
    seller_gstin: str
    number: str
    invoice_date: date
    total_paise: int
    buyer_gstin: str | None = None
    items: list = field(default_factory=list)
    claim: str | None = None  # "<seller GSTIN>|<number>", set when written to claim it
    id: int | None = None
    status: str = InvoiceStatus.NEW
    reason: str | None = None
    credits: int = 0
    entry_id: int | None = None
    hsn: str | None = None
    updated_at: datetime = field(default_factory=utcnow)

    @property
    def upload_key(self) -> str:
        return f"sale:{self.claim or claim_key(self.seller_gstin, self.number)}"

    @property
    def channel(self) -> str:
        return self.source

    @cached_property
    def fixed(self) -> dict:
        """The columns of its row that crediting does not change (made once, by the sales
        read-ahead when it made the invoice)."""
        return {"partner_id": self.partner_id, "program_id": self.program_id,
                "upload_key": self.upload_key, "channel": self.source, "media_url": "",
                "sha256": "", "image_hash": "", "source": self.source,
                "seller_gstin": self.seller_gstin, "buyer_gstin": self.buyer_gstin,
                "number": self.number, "invoice_date": self.invoice_date,
                "total_paise": self.total_paise, "read_total_paise": self.total_paise,
                "items": self.items, "confidence": {}, "typed": []}

    def row(self, at: datetime | None = None) -> dict:
        """The `invoices` row, as `insert_rows` takes it; `at`: when it was made and last
        changed (a chunk's invoices share the time they are written at)."""
        at = at or self.updated_at
        return {**self.fixed, "status": str(self.status), "reason": self.reason,
                "claim": self.claim, "credits": self.credits, "entry_id": self.entry_id,
                "created_at": at, "updated_at": at}


@dataclass(frozen=True)
class Pending:
    """A new invoice to write and settle with the rest of its chunk (`settle_all`)."""
    invoice: NewInvoice
    buyer: Buyer
    sale: Sale
    credits: int  # what the invoice earns, before the tier multiplier (`credits_for`)


def apply_sale(session: Session, feed: Feed, sale: Sale, buyer: Buyer | None,
               claimed: Row | None, credits: int, invoice: NewInvoice | None = None
               ) -> Result | Pending:
    """Credit `sale` to `buyer` (the import's `BuyerIndex` found it), or say why not;
    `claimed` is the invoice already claiming its key, `credits` what its invoice earns
    before the tier multiplier (`credits_for`, worked out ahead), `invoice` the invoice it
    writes, when made ahead. A new invoice is `Pending`: `settle_all` writes and credits a
    chunk's together."""
    if claimed is not None:
        return _claimed(session, feed, sale, buyer, claimed)
    if buyer is None:
        return Result(Outcome.REJECTED, "no partner in the program with this buyer's GSTIN, "
                                        "phone, or name at this PIN code")
    if sale.day < feed.oldest:
        return Result(Outcome.REJECTED,
                      f"older than {feed.program.spec.invoice.max_age_days} days",
                      buyer.partner_id)
    if invoice is None or feed.careful:  # a careful retry's made anew: the first try's
        invoice = NewInvoice(                # invoices were changed by it
            partner_id=buyer.partner_id, program_id=feed.program.id, source=feed.source,
            seller_gstin=feed.distributor.gstin, number=sale.number, invoice_date=sale.day,
            total_paise=sale.total_paise, buyer_gstin=sale.buyer_gstin,
            items=list(sale.items), claim=sale_key(feed, sale.number))
    if feed.dry_run:
        outcome = Outcome.CREDITED if buyer.sure else Outcome.REVIEW
        return Result(outcome, _matched(buyer), buyer.partner_id, credits=credits)
    return Pending(invoice, buyer, sale, credits)


def settle_all(session: Session, feed: Feed, results: list) -> list:
    """Write and settle the `Pending` invoices of `results`: those of sure buyers credited in
    one bulk earn, those matched by name only held for a person. The results, a `Result` for
    each Pending.

    The invoices' ids are reserved first and the rows written once credited (one INSERT, no
    UPDATE after): a claim taken meanwhile fails that INSERT, and the caller retries the chunk
    carefully. A careful feed writes each invoice first, in a SAVEPOINT (one whose claim is
    taken is kept rejected as a duplicate), and updates the credited ones after."""
    pending = [r for r in results if isinstance(r, Pending)]
    if not pending:
        return results
    invoices = [p.invoice for p in pending]
    if feed.careful:
        taken = _claim_each(session, invoices)
    else:
        taken = set()
        for invoice, id_ in zip(invoices, reserve_ids(session, Invoice.__table__,
                                                      len(invoices)), strict=True):
            invoice.id = id_
    sure = [p for p in pending if p.buyer.sure and p.invoice.id not in taken]
    rules.credit_many(session, [p.invoice for p in sure], feed.distributor.name,
                      [p.credits for p in sure])
    if feed.careful:
        update_rows(session, Invoice.__table__, [
            {"id": i.id, "status": str(i.status), "reason": i.reason, "credits": i.credits,
             "entry_id": i.entry_id, "updated_at": i.updated_at}
            for i in (p.invoice for p in sure)])
    else:
        at = utcnow()
        insert_rows(session, Invoice.__table__, [{"id": i.id, **i.row(at)} for i in invoices])
    return [_settled(session, r, taken) if isinstance(r, Pending) else r for r in results]


def _claim_each(session: Session, invoices: list[NewInvoice]) -> set[int]:
    """Insert the invoices one by one (their ids set), each claiming its key in a SAVEPOINT;
    the ids of those whose claim was taken (written without it, rejected as duplicates)."""
    taken = set()
    for invoice in invoices:
        try:
            with session.begin_nested():
                [(invoice.id,)] = insert_rows(session, Invoice.__table__, [invoice.row()],
                                              returning=("id",))
        except IntegrityError:
            invoice.claim, invoice.status = None, InvoiceStatus.REJECTED
            invoice.reason = Reason.DUPLICATE_NUMBER
            [(invoice.id,)] = insert_rows(session, Invoice.__table__, [invoice.row()],
                                          returning=("id",))
            taken.add(invoice.id)
    return taken


def _settled(session: Session, pending: Pending, taken: set[int]) -> Result:
    """The result of a written invoice; one matched by name only is held for a person."""
    invoice, buyer, sale = pending.invoice, pending.buyer, pending.sale
    if invoice.id in taken:
        return Result(Outcome.ALREADY, "claimed at the same moment", buyer.partner_id,
                      invoice.id)
    if not buyer.sure:
        invoice_review.hold(session, session.get(Invoice, invoice.id), Flag(
            Rule.SHARED_GSTIN, f"buyer GSTIN {sale.buyer_gstin} is declared by more than one "
            "member", {"gstin": sale.buyer_gstin}) if buyer.by == "gstin" else Flag(
            Rule.BUYER_BY_NAME, f"buyer {sale.buyer_name!r} at {sale.buyer_pincode} matched "
            "by name only", {"buyer_name": sale.buyer_name, "pincode": sale.buyer_pincode}))
        return Result(Outcome.REVIEW, _matched(buyer), buyer.partner_id, invoice.id)
    return Result(Outcome.CREDITED, _matched(buyer), buyer.partner_id, invoice.id,
                  invoice.credits)


def _matched(buyer: Buyer) -> str:
    return f"buyer matched by {buyer.by}" + ("" if buyer.sure else " (to confirm)")


def _claimed(session: Session, feed: Feed, sale: Sale, buyer: Buyer | None,
             claim: Row) -> Result:
    """The invoice was claimed before: by this feed (a replay), or by a partner's photo."""
    if claim.source in IMPORTED:
        return Result(Outcome.ALREADY, f"received before ({claim.status})",
                      claim.partner_id, claim.id, claim.credits)
    if claim.status in (InvoiceStatus.CREDITED, InvoiceStatus.RETURNED):
        return Result(Outcome.ALREADY, f"{claim.status} before from the partner's photo",
                      claim.partner_id, claim.id, claim.credits)
    claimed = session.get(Invoice, claim.id)
    differences = _differences(sale, buyer, claimed)
    if feed.dry_run:
        return Result(Outcome.REVIEW if differences else Outcome.CREDITED,
                      "; ".join(differences) or "confirms the partner's photo",
                      claimed.partner_id, claimed.id)
    if differences:
        if claimed.status == InvoiceStatus.CONFIRM:
            invoice_review.hold(session, claimed, Flag(
                Rule.DISTRIBUTOR_DATA, "the distributor's sales data disagrees: "
                + "; ".join(differences), {"distributor_total_paise": sale.total_paise,
                                           "distributor_buyer": buyer and buyer.partner_id}))
        return Result(Outcome.REVIEW, "the partner's photo disagrees: " + "; ".join(differences),
                      claimed.partner_id, claimed.id)
    claimed.total_paise, claimed.invoice_date = sale.total_paise, sale.day
    claimed.items = claimed.items or list(sale.items)  # the data's items, when none were read
    actor = f"distributor:{feed.distributor.code}"
    if claimed.status == InvoiceStatus.REVIEW and claimed.review_item_id:
        review.decide(session, claimed.review_item_id, approve=True, actor=actor,
                      note="confirmed by the distributor's sales data")
    else:
        rules.credit(session, claimed)
        events.record(session, events.InvoiceDecided(claimed.id, approved=True))
    return Result(Outcome.CREDITED, "the partner's photo, confirmed by the sales data",
                  claimed.partner_id, claimed.id, claimed.credits)


def _differences(sale: Sale, buyer: Buyer | None, claimed: Invoice) -> list[str]:
    found = []
    if buyer is None or buyer.partner_id != claimed.partner_id or not buyer.sure:
        found.append("the buyer is not the partner who sent the photo")
    photo = claimed.total_paise if claimed.total_paise is not None else claimed.read_total_paise
    margin = current_app.config["INVOICE_TOTAL_MARGIN_PERCENT"] / 100
    if photo is None or abs(photo - sale.total_paise) > sale.total_paise * margin:
        found.append(f"total {sale.total_paise / 100:.2f} in the sales data, "
                     f"{(photo or 0) / 100:.2f} on the photo")
    return found


# What a replay's answer reads (rows, not ORM objects: a replay reads thousands a chunk); a
# photo's or a return's invoice is loaded whole when it is acted on.
CLAIM_COLUMNS = (Invoice.id, Invoice.claim, Invoice.upload_key, Invoice.source, Invoice.status,
                 Invoice.partner_id, Invoice.program_id, Invoice.credits)


def claims(session: Session, keys: list[str]) -> dict[str, Row]:
    """The invoices (their CLAIM_COLUMNS) holding any of these claim keys, or imported under
    them before (a sale rejected on review keeps its row, not its claim): one query for a
    chunk of rows."""
    if not keys:
        return {}
    found = session.execute(select(*CLAIM_COLUMNS).where(or_(
        among(session, Invoice.claim, keys),
        among(session, Invoice.upload_key, [f"sale:{k}" for k in keys])))).all()
    by_key: dict[str, Row] = {}
    for invoice in found:
        key = invoice.claim or invoice.upload_key.removeprefix("sale:")
        if invoice.claim or key not in by_key:  # the claiming invoice wins
            by_key[key] = invoice
    return by_key
