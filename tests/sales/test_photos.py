"""An invoice earns once whether a partner's photo or the distributor's data came first; the
data approves a waiting photo claim it confirms, and sends one it contradicts to a person."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from models.db import unit_of_work
from models.invoices import rules as invoice_rules
from models.invoices.invoice import Invoice, InvoiceStatus, Reason
from models.invoices.read import InvoiceRead
from models.messaging.outbox import OutboxMessage
from models.review.queue import ReviewItem
from tests.sales.conftest import RECENT, balance, import_file, sale
from tests.sales.samples import SELLER, gstin, tally_xml

pytestmark = pytest.mark.parametrize("app", ["sqlite"], indirect=True)


def photo(partner_id: int, number: str, total: int, sure: bool = True) -> Invoice:
    """The partner's photo of invoice `number`, read (unsure of its total unless `sure`)."""
    read = InvoiceRead(seller_gstin=SELLER, buyer_gstin=gstin(1), invoice_number=number,
                       invoice_date=RECENT, total_paise=total, source="ocr")
    read.confidence = {"seller_gstin": 1.0, "buyer_gstin": 1.0, "invoice_number": 1.0,
                       "invoice_date": 1.0, "total_paise": 1.0 if sure else 0.5}
    with unit_of_work() as db:
        invoice = Invoice(partner_id=partner_id, upload_key=f"test:{uuid.uuid4().hex}",
                          channel="whatsapp", media_url="/media/inbound/test/photo.jpg",
                          sha256=uuid.uuid4().hex, image_hash="0" * 64,
                          status=InvoiceStatus.NEW)
        return invoice_rules.submit(db, invoice, read)


def _import(app, tmp_path, *vouchers):
    path = tmp_path / "daybook.xml"
    path.write_bytes(tally_xml(list(vouchers)))
    result, rows = import_file(app, path)
    assert result.exit_code == 0, result.output
    return rows


def test_an_invoice_credited_by_photo_is_not_credited_again(app, shops, tmp_path):
    first = photo(shops.by_gstin, "CE/26/100", 11_800_00)
    assert first.status == InvoiceStatus.CREDITED
    earned = balance(shops.by_gstin, shops.program_id)
    rows = _import(app, tmp_path, sale("CE/26/100"))
    assert (rows[0]["outcome"], rows[0]["reason"]) == (
        "already", "credited before from the partner's photo")
    assert balance(shops.by_gstin, shops.program_id) == earned > 0


def test_the_sales_data_approves_a_waiting_photo_it_confirms(app, shops, tmp_path):
    waiting = photo(shops.by_gstin, "CE/26/101", 11_790_00, sure=False)
    assert waiting.status == InvoiceStatus.CONFIRM
    rows = _import(app, tmp_path, sale("CE/26/101"))
    assert (rows[0]["outcome"], rows[0]["reason"]) == (
        "credited", "the partner's photo, confirmed by the sales data")
    with unit_of_work() as db:
        invoice = db.get(Invoice, waiting.id)
        assert (invoice.status, invoice.total_paise) == (InvoiceStatus.CREDITED, 11_800_00)
        told = db.scalars(select(OutboxMessage.body)).all()
    assert balance(shops.by_gstin, shops.program_id) == invoice.credits == 33
    assert told == ["இன்வாய்ஸ் CE/26/101 சரிபார்க்கப்பட்டு மொத்தம் ₹11,800 உடன் ஏற்கப்பட்டது: "
                    "+33 கிரெடிட்கள். புதிய இருப்பு: 33."]  # the partner's language: Tamil


def test_the_sales_data_sends_a_photo_it_contradicts_to_review(app, shops, tmp_path):
    waiting = photo(shops.by_gstin, "CE/26/102", 50_000_00, sure=False)
    rows = _import(app, tmp_path, sale("CE/26/102"))
    assert rows[0]["outcome"] == "review"
    assert "total 11800.00 in the sales data, 50000.00 on the photo" in rows[0]["reason"]
    with unit_of_work() as db:
        item = db.scalar(select(ReviewItem))
        assert (item.rule, item.payload["invoice_id"]) == ("distributor_data", waiting.id)
        assert db.get(Invoice, waiting.id).status == InvoiceStatus.REVIEW
    assert balance(shops.by_gstin, shops.program_id) == 0


def test_a_photo_after_the_sales_data_is_a_duplicate(app, shops, tmp_path):
    _import(app, tmp_path, sale("CE/26/103"))
    late = photo(shops.by_gstin, "CE/26/103", 11_800_00)
    assert (late.status, late.reason) == (InvoiceStatus.REJECTED, Reason.DUPLICATE_NUMBER)
    assert balance(shops.by_gstin, shops.program_id) == 33
