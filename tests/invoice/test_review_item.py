"""A review item carries what the reviewer needs: the photo, every read field with its
confidence, the partner, and the rule that sent it there (`flask review list` / `show`)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from models import review
from models.db import unit_of_work
from models.invoices.read import InvoiceRead
from models.review.queue import ReviewItem
from tests.invoice.conftest import SELLER, submit_read


def _unsure_read() -> InvoiceRead:
    read = InvoiceRead(source="ocr")
    read.set("seller_gstin", SELLER, 0.97)
    read.set("invoice_number", "ST/2026/00417", 0.91)
    read.set("invoice_date", date(2026, 3, 2), 0.88)
    read.set("total_paise", 7_104_00, 0.42)  # a digit lost: ₹7,104 instead of ₹71,040
    return read


def _typed_far_off(twilio, make_partner):
    partner = make_partner()
    invoice = submit_read(partner, _unsure_read(), image="f0" * 32)
    twilio.chat(partner.phone, "71040")
    with unit_of_work() as session:
        return partner, invoice, session.scalar(select(ReviewItem))


def test_a_review_item_describes_photo_fields_partner_and_rule(app, twilio, clock,
                                                               make_partner, program):
    partner, invoice, item = _typed_far_off(twilio, make_partner)
    with unit_of_work() as session:
        view = review.describe(session, session.get(ReviewItem, item.id))
    assert (view["kind"], view["rule"], view["status"]) == ("invoice", "total_typed", "pending")
    assert view["details"] == {"read_total_paise": 7_104_00, "typed_total_paise": 71_040_00}
    assert view["partner"]["phone"] == partner.phone and view["partner"]["gstin"] is None
    assert view["program"] == {"id": program.id, "code": "CEMPRO"}
    shown = view["invoice"]
    assert shown["photo"] == invoice.media_url and shown["id"] == invoice.id
    assert shown["fields"]["seller_gstin"] == {"value": SELLER, "confidence": 0.97,
                                               "typed": False}
    assert shown["fields"]["invoice_date"] == {"value": "2026-03-02", "confidence": 0.88,
                                               "typed": False}
    assert shown["fields"]["buyer_gstin"] == {"value": None, "confidence": None, "typed": False}
    assert shown["fields"]["total_paise"] == {"value": 71_040_00, "read": 7_104_00,
                                              "confidence": 0.42, "typed": True}
    assert shown["credits_if_approved"] == 35


def test_flask_review_list_and_show_print_what_the_reviewer_needs(app, twilio, clock,
                                                                  make_partner, program):
    partner, _invoice, item = _typed_far_off(twilio, make_partner)
    runner = app.test_cli_runner()
    listed = runner.invoke(args=["review", "list"])
    assert listed.exit_code == 0, listed.output
    assert listed.output.split("\t")[:4] == [str(item.id), "invoice", "total_typed",
                                             partner.phone]
    shown = runner.invoke(args=["review", "show", str(item.id)])
    assert shown.exit_code == 0, shown.output
    lines = shown.output.splitlines()
    assert f"rule: total_typed ({item.reason})" in lines
    assert f"partner: {partner.phone} retailer, GSTIN none" in lines
    assert f"photo: {app.config['MEDIA_DIR']}/inbound/test/photo.jpg" in lines
    assert "  total: ₹71,040 typed; read ₹7,104 (0.42)" in lines
    assert f"  seller_gstin: {SELLER} (0.97)" in lines
    assert "  invoice_date: 2026-03-02 (0.88)" in lines
    assert "  buyer_gstin: not read" in lines
    missing = runner.invoke(args=["review", "show", "999"])
    assert missing.exit_code != 0 and "no review item 999" in missing.output


def test_the_admin_api_serves_the_same_view(app, twilio, clock, make_partner, program):
    app.config["ADMIN_TOKEN"] = "admin-token"
    _partner, invoice, item = _typed_far_off(twilio, make_partner)
    auth = {"Authorization": "Bearer admin-token"}
    listed = twilio.client.get("/admin/review", headers=auth).get_json()
    assert [(i["id"], i["rule"]) for i in listed["items"]] == [(item.id, "total_typed")]
    view = twilio.client.get(f"/admin/review/{item.id}", headers=auth).get_json()
    assert view["invoice"]["photo"] == invoice.media_url
    assert view["invoice"]["fields"]["invoice_number"]["confidence"] == 0.91
    assert twilio.client.get("/admin/review/999", headers=auth).status_code == 404


def test_a_typed_number_and_a_typed_total_nothing_was_read_of_show_as_typed(
        app, twilio, clock, make_partner, program):
    read = InvoiceRead(source="ocr")  # the seller and the date read, not the number or total
    read.set("seller_gstin", SELLER, 0.97)
    read.set("invoice_date", date(2026, 3, 2), 0.88)
    partner = make_partner()
    submit_read(partner, read, image="e0" * 32)
    twilio.chat(partner.phone, "ST/2026/00417")
    twilio.chat(partner.phone, "35000")
    with unit_of_work() as session:
        item = session.scalar(select(ReviewItem))
        fields = review.describe(session, item)["invoice"]["fields"]
    assert fields["invoice_number"] == {"value": "ST/2026/00417", "confidence": None,
                                        "typed": True}
    lines = app.test_cli_runner().invoke(args=["review", "show", str(item.id)]).output
    assert "  total: ₹35,000 typed (not read)" in lines.splitlines()
    assert "  invoice_number: ST/2026/00417 typed" in lines.splitlines()


def test_an_invoice_with_a_typed_number_still_meets_the_fraud_rules(
        app, twilio, clock, make_partner, program):
    """A typed number sends the invoice to a reviewer; a fraud rule that holds it too is the
    reason shown (it is the more serious), not hidden behind "number typed"."""
    read = InvoiceRead(source="ocr")
    read.set("seller_gstin", SELLER, 0.97)
    read.set("buyer_gstin", "29AAACB1234C1Z5", 0.97)  # another shop's GSTIN
    read.set("invoice_date", date(2026, 3, 2), 0.97)
    read.set("total_paise", 71_040_00, 0.97)
    partner = make_partner(gstin="27AAACR5055K1Z7")
    submit_read(partner, read, image="d0" * 32)
    twilio.chat(partner.phone, "ST/2026/00417")
    twilio.chat(partner.phone, "1")
    with unit_of_work() as session:
        assert session.scalar(select(ReviewItem.rule)) == "buyer_gstin_mismatch"
