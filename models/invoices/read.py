"""An invoice as read from its photo: each field with its confidence (0..1) and its source."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from models.invoices.invoice import Reason

REQUIRED = ("seller_gstin", "invoice_number", "invoice_date", "total_paise")
# A total read at most this surely was guessed: a figure whose label was not read
# (workers.ocr.total.UNLABELLED times the engine's confidence in it), or a labelled one the
# engine barely read. The partner may confirm it; a reviewer then checks it on the photo
# (models/invoices/rules.settle), as a total the partner typed.
GUESSED_TOTAL = 0.4


@dataclass(frozen=True)
class Item:
    name: str
    quantity: int | None = None
    amount_paise: int | None = None
    hsn: str | None = None  # as printed in the item's line


@dataclass
class InvoiceRead:
    seller_gstin: str | None = None
    buyer_gstin: str | None = None
    invoice_number: str | None = None
    invoice_date: date | None = None
    total_paise: int | None = None
    items: list[Item] = field(default_factory=list)
    confidence: dict[str, float] = field(default_factory=dict)
    # "einvoice-qr", "ocr", "pdf" (a PDF's own text), "einvoice-qr+ocr", "qr-unverified+pdf"…
    source: str = "ocr"
    irn: str | None = None
    hsn: str | None = None
    # Why a photo whose seller GSTIN was not read is unreadable, where the picture shows it
    # (workers/ocr/photo.py: Reason.SMALL_PRINT or Reason.DARK)
    fault: Reason | None = None

    def set(self, name: str, value: object, confidence: float) -> None:
        """Set a field with its confidence, unless a surer value is already there."""
        if value is None or confidence <= self.confidence.get(name, -1.0):
            return
        setattr(self, name, value)
        self.confidence[name] = round(max(0.0, min(confidence, 1.0)), 3)

    def unsure(self, threshold: float) -> list[str]:
        """The required fields that are missing or below `threshold`."""
        return [n for n in REQUIRED
                if getattr(self, n) is None or self.confidence.get(n, 0.0) < threshold]

    def to_json(self) -> dict:
        """The operator view: ISO date, total as a decimal string in rupees."""
        total = None if self.total_paise is None else str(Decimal(self.total_paise) / 100)
        return {
            "seller_gstin": self.seller_gstin,
            "buyer_gstin": self.buyer_gstin,
            "invoice_number": self.invoice_number,
            "invoice_date": self.invoice_date.isoformat() if self.invoice_date else None,
            "total": total if total is None else f"{Decimal(total):.2f}",
            "items": [asdict(i) for i in self.items],
            "confidence": {_public(k): v for k, v in self.confidence.items()},
            "source": self.source,
            "irn": self.irn,
        }


def _public(name: str) -> str:
    return "total" if name == "total_paise" else name
