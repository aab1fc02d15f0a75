"""The review queue pages: a reviewer sees the photo, the read fields with their confidence
and the rule; approving credits the partner and tells them; a distributor admin sees only
their own shops' items, also through the JSON API."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from models import ledger
from models.admin.audit import AuditEntry
from models.db import unit_of_work
from models.invoices.invoice import Invoice
from models.invoices.read import InvoiceRead
from models.messaging.outbox import OutboxMessage
from models.partners.partner import Partner
from models.review.queue import ReviewItem
from tests.invoice.conftest import SELLER, submit_read


@pytest.fixture
def app(both_databases):
    """Both databases: the scope and figure queries are SQL that differs between them."""
    return both_databases



def unsure_invoice(world, twilio, phone: str = "+919811100001") -> ReviewItem:
    """An invoice whose typed total is far from the read one: it waits for review."""
    read = InvoiceRead(source="ocr")
    read.set("seller_gstin", SELLER, 0.97)
    read.set("invoice_number", "ST/2026/00417", 0.91)
    read.set("invoice_date", date(2026, 3, 2), 0.88)
    read.set("total_paise", 7_104_00, 0.42)
    with unit_of_work() as db:
        partner = db.scalar(select(Partner).where(Partner.phone == phone))
    submit_read(partner, read, image="f0" * 32)
    twilio.chat(phone, "71040")
    with unit_of_work() as db:
        return db.scalar(select(ReviewItem).order_by(ReviewItem.id.desc()))


def test_approving_from_the_page_credits_the_partner_and_tells_them(
        as_role, world, twilio, clock):
    item = unsure_invoice(world, twilio)
    admin = as_role("distributor-admin")
    listed = admin.get("/admin/queue/").get_data(as_text=True)
    assert f"/admin/queue/{item.id}" in listed
    page = admin.get(f"/admin/queue/{item.id}").get_data(as_text=True)
    assert "total_typed" in page and "/media/inbound/test/photo.jpg" in page and "0.42" in page
    response = admin.post(f"/admin/queue/{item.id}", {"decision": "approve", "note": "ok"})
    assert response.status_code == 302
    with unit_of_work() as db:
        assert ledger.wallet_balance(db, world.own_shop, world.cempro).balance > 0
        told = db.scalars(select(OutboxMessage.body).where(
            OutboxMessage.phone == "+919811100001").order_by(OutboxMessage.id)).all()
    assert "ST/2026/00417" in told[-1]


def test_a_distributor_admin_never_sees_another_distributors_items(as_role, world, twilio,
                                                                     clock):
    item = unsure_invoice(world, twilio, phone="+919811100002")  # OTHERD's shop
    admin = as_role("distributor-admin")
    assert f"/admin/queue/{item.id}" not in admin.get("/admin/queue/").get_data(as_text=True)
    assert admin.get(f"/admin/queue/{item.id}").status_code == 404
    assert admin.post(f"/admin/queue/{item.id}", {"decision": "approve"}).status_code == 404
    assert admin.get(f"/admin/review/{item.id}").status_code == 404  # the JSON API
    assert admin.get("/admin/review").json["items"] == []
    brand = as_role("brand-admin")
    assert brand.get(f"/admin/review/{item.id}").json["id"] == item.id
    refused = brand.client.post(f"/admin/review/{item.id}", json={"approve": False})
    assert refused.status_code == 400  # a JSON POST from a session needs the CSRF header
    decided = brand.client.post(f"/admin/review/{item.id}", json={"approve": False},
                                headers={"X-CSRFToken": brand.token})
    assert decided.status_code == 200 and decided.json["status"] == "rejected"


def test_approving_with_a_corrected_total_credits_on_that_total(as_role, world, twilio, clock):
    item = unsure_invoice(world, twilio)
    admin = as_role("brand-admin")
    admin.get(f"/admin/queue/{item.id}")
    admin.post(f"/admin/queue/{item.id}", {"decision": "approve", "total_rupees": "7104"})
    with unit_of_work() as db:
        invoice = db.scalar(select(Invoice))
        balance = ledger.wallet_balance(db, world.own_shop, world.cempro).balance
    assert invoice.total_paise == 7_104_00 and invoice.credits == balance > 0
    with unit_of_work() as db:
        [audited] = db.scalars(select(AuditEntry.after).where(
            AuditEntry.action == "review.approve")).all()
    assert audited == {"status": "approved", "total_paise": 7_104_00}


def test_the_partner_is_told_the_reason_the_reviewer_chose_in_their_language(
        as_role, world, twilio, clock):
    item = unsure_invoice(world, twilio)  # the partner writes in Hindi
    admin = as_role("support")
    page = admin.get(f"/admin/queue/{item.id}").get_data(as_text=True)
    assert 'value="duplicate_number"' in page
    admin.post(f"/admin/queue/{item.id}", {"decision": "reject", "reason": "duplicate_number"})
    with unit_of_work() as db:
        told = db.scalars(select(OutboxMessage.body).order_by(OutboxMessage.id.desc())).first()
    assert "ST/2026/00417" in told and "पहले" in told  # "already sent", in Hindi
    assert ledger_balance(world) == 0


def ledger_balance(world) -> int:
    with unit_of_work() as db:
        return ledger.wallet_balance(db, world.own_shop, world.cempro).balance
