"""Invoices partners upload: the table, and the duplicate rules.

An invoice is a duplicate when another upload claims its (seller GSTIN, number). The photo's
perceptual hash only catches the same photo sent again with a field misread: invoices drawn
on one seller's template look alike, so a look-alike photo is refused only when nothing read
surely tells the two apart. The rules that decide whether and how much an invoice credits are
in models/invoices/rules.py.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import BigInteger, Date, ForeignKey, String, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import INPUT, Base, BigId, Json, UTCDateTime, utcnow

if TYPE_CHECKING:  # imagehash and Pillow load where a photo is hashed, not with the app
    from PIL import Image


class InvoiceStatus(StrEnum):
    NEW = "new"  # read, rules not applied yet
    CONFIRM = "confirm"  # unsure read: waiting for the partner to confirm or correct the total
    REVIEW = "review"  # corrected total beyond the margin: waiting for a reviewer
    CREDITED = "credited"
    REJECTED = "rejected"
    # Credit notes returned all its goods (their rupees add up to its total): credits stays
    # what it was paid (0 if it never was: it waited for the budget cap's review, which the
    # return closed); the claim is kept.
    RETURNED = "returned"


class Reason(StrEnum):
    DUPLICATE_NUMBER = "duplicate_number"
    DUPLICATE_IMAGE = "duplicate_image"
    UNREADABLE = "unreadable"
    SMALL_PRINT = "small_print"  # unreadable: the print too small in the photo
    DARK = "dark"  # unreadable: the photo too dark or blurred
    NOT_DISTRIBUTOR = "not_distributor"
    NOT_BUYER = "not_buyer"  # billed to a GSTIN other than the partner's
    TOO_OLD = "too_old"
    CANCELLED = "cancelled"
    REVIEW_REJECTED = "review_rejected"
    BUDGET_CAP = "budget_cap"  # refused by the monthly budget cap's review


CLAIMING = (InvoiceStatus.CONFIRM, InvoiceStatus.REVIEW, InvoiceStatus.CREDITED,
            InvoiceStatus.RETURNED)
# Fields a partner types when they were not read, in asking order. The seller GSTIN is never
# typed (it decides the distributor): without it a photo is unreadable. A typed number is
# claimed like a read one, and its invoice goes to a reviewer, who checks it on the photo.
TYPED_FIELDS = ("number", "invoice_date", "total_paise")


class Invoice(Base):
    __tablename__ = "invoices"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), index=True)
    program_id: Mapped[int | None] = mapped_column(ForeignKey("programs.id"))
    upload_key: Mapped[str] = mapped_column(String(80), unique=True)  # message id + media index
    channel: Mapped[str] = mapped_column(String(16))
    media_url: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    image_hash: Mapped[str] = mapped_column(String(64))  # perceptual hash (hex)
    status: Mapped[str] = mapped_column(String(12), index=True)
    reason: Mapped[str | None] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(20), default="ocr")
    seller_gstin: Mapped[str | None] = mapped_column(String(15), index=True)
    buyer_gstin: Mapped[str | None] = mapped_column(String(15))
    number: Mapped[str | None] = mapped_column(String(40), info=INPUT)
    invoice_date: Mapped[date | None] = mapped_column(Date)
    total_paise: Mapped[int | None] = mapped_column(BigInteger)  # the total credited on
    read_total_paise: Mapped[int | None] = mapped_column(BigInteger)  # as read from the image
    hsn: Mapped[str | None] = mapped_column(String(8))  # main HSN code, from a verified QR
    items: Mapped[list] = mapped_column(Json, default=list)
    confidence: Mapped[dict] = mapped_column(Json, default=dict)  # field -> 0..1, as read
    typed: Mapped[list] = mapped_column(Json, default=list)  # fields the partner typed
    # "<seller GSTIN>|<number>" while the invoice claims credits: unique, so two uploads of
    # the same invoice (also racing from two processes) never both claim it.
    claim: Mapped[str | None] = mapped_column(String(60), unique=True)
    credits: Mapped[int] = mapped_column(BigInteger, default=0)
    # the credit notes against it, {note number: paise returned}: returned in full once they
    # add up to the total
    returns: Mapped[dict] = mapped_column(Json, default=dict, server_default=text("'{}'"))
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entries.id"))
    review_item_id: Mapped[int | None] = mapped_column(ForeignKey("review_items.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def missing_fields(invoice: Invoice) -> list[str]:
    """The fields the partner must type before the invoice can be confirmed, in asking order."""
    return [name for name in TYPED_FIELDS if getattr(invoice, name) is None]


def image_hash(picture: Image.Image) -> str:
    """A 256-bit perceptual hash: the same page photographed or recompressed stays close."""
    import imagehash

    return str(imagehash.phash(picture.convert("L"), hash_size=16))


def by_upload(session: Session, upload_key: str) -> Invoice | None:
    return session.scalar(select(Invoice).where(Invoice.upload_key == upload_key))


def pending_for(session: Session, partner_id: int, invoice_id: int) -> Invoice | None:
    """The partner's invoice waiting for their confirmation, locked."""
    return session.scalar(select(Invoice).where(
        Invoice.id == invoice_id, Invoice.partner_id == partner_id,
        Invoice.status == InvoiceStatus.CONFIRM).with_for_update())


def claim_key(seller_gstin: str, number: str) -> str:
    return f"{seller_gstin}|{''.join(number.upper().split())}"[:60]


def same_number(session: Session, invoice: Invoice) -> Invoice | None:
    """An earlier invoice claiming the same seller GSTIN and number, by anyone."""
    if not invoice.seller_gstin or not invoice.number:
        return None
    return session.scalar(select(Invoice).where(
        Invoice.claim == claim_key(invoice.seller_gstin, invoice.number),
        Invoice.id != invoice.id))


def resent_photo(session: Session, invoice: Invoice, max_distance: int, sure: float
                 ) -> Invoice | None:
    """An earlier claiming invoice of the same seller that this one is a second photo of: the
    photos within `max_distance` bits, the same total, and no field read at `sure` confidence
    on both that differs (a misread number then does not make it a new invoice)."""
    if invoice.read_total_paise is None:
        return None
    import imagehash

    mine = imagehash.hex_to_hash(invoice.image_hash)
    rows = session.scalars(select(Invoice).where(
        Invoice.seller_gstin == invoice.seller_gstin, Invoice.id != invoice.id,
        Invoice.read_total_paise == invoice.read_total_paise, Invoice.status.in_(CLAIMING)))
    return next((other for other in rows
                 if mine - imagehash.hex_to_hash(other.image_hash) <= max_distance
                 and not _told_apart(invoice, other, sure)), None)


_FIELDS = {"invoice_number": "number", "invoice_date": "invoice_date",
           "buyer_gstin": "buyer_gstin"}


def _told_apart(a: Invoice, b: Invoice, sure: float) -> bool:
    """True if a field read surely on both invoices differs."""
    return any(
        getattr(a, column) is not None and getattr(b, column) is not None
        and getattr(a, column) != getattr(b, column)
        and min(a.confidence.get(name, 0.0), b.confidence.get(name, 0.0)) >= sure
        for name, column in _FIELDS.items())


def take_claim(session: Session, invoice: Invoice) -> bool:
    """Claim the invoice's seller GSTIN + number; False if someone else holds it already."""
    key = claim_key(invoice.seller_gstin or "", invoice.number or "")
    try:
        with session.begin_nested():
            invoice.claim = key
            session.flush()
    except IntegrityError:
        invoice.claim = None
        return False
    return True


def set_status(invoice: Invoice, status: InvoiceStatus, reason: Reason | None = None) -> None:
    invoice.status, invoice.reason, invoice.updated_at = status, reason, utcnow()
    if status == InvoiceStatus.REJECTED and reason != Reason.REVIEW_REJECTED:
        invoice.claim = None
