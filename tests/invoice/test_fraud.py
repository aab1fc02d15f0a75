"""Fraud rules for invoices: how many a partner may send per day and per week, and a random
spot check of the month's top earners; what they flag waits in the review queue."""

from __future__ import annotations

from datetime import date
from itertools import count

from sqlalchemy import select

from models.db import unit_of_work
from models.invoices.fraud import spot_checked
from models.invoices.invoice import InvoiceStatus
from models.invoices.read import InvoiceRead
from models.review.queue import ReviewItem
from tests.invoice.conftest import SELLER, load_cempro, outbox_texts, submit_read

_numbers = count(1)


def read(total_paise: int = 10_000_00) -> InvoiceRead:
    result = InvoiceRead(source="ocr")
    result.set("seller_gstin", SELLER, 0.95)
    result.set("invoice_number", f"ST/2026/{next(_numbers):05d}", 0.95)
    result.set("invoice_date", date(2026, 3, 2), 0.95)
    result.set("total_paise", total_paise, 0.95)
    return result


def rules() -> list[str]:
    with unit_of_work() as session:
        return list(session.scalars(select(ReviewItem.rule).order_by(ReviewItem.id)))


def test_invoices_past_the_daily_limit_wait_for_review_until_the_next_day(
        db, clock, make_partner):
    partner = make_partner()
    load_cempro(db, max_invoices_per_day=2)
    invoices = [submit_read(partner, read()) for _ in range(3)]
    assert [i.status for i in invoices] == [InvoiceStatus.CREDITED] * 2 + [InvoiceStatus.REVIEW]
    assert rules() == ["velocity_day"]
    assert outbox_texts(partner.phone)[-1] == (
        f"Thanks! Our team will check invoice {invoices[-1].number} and message you.")
    clock.advance(hours=25)
    assert submit_read(partner, read()).status == InvoiceStatus.CREDITED


def test_invoices_past_the_weekly_limit_wait_for_review(db, clock, make_partner):
    partner = make_partner()
    load_cempro(db, max_invoices_per_day=5, max_invoices_per_week=3)
    statuses = []
    for _day in range(4):
        statuses.append(submit_read(partner, read()).status)
        clock.advance(days=1)
    assert statuses[-1] == InvoiceStatus.REVIEW and rules() == ["velocity_week"]
    clock.advance(days=7)
    assert submit_read(partner, read()).status == InvoiceStatus.CREDITED


def test_a_drawn_top_earner_is_spot_checked_once_a_month(db, clock, make_partner):
    top, small = make_partner(), make_partner()
    load_cempro(db, spot_check_percent=100, spot_check_top_percent=50,
                unmatched_buyer_monthly_cap_credits=None)
    assert submit_read(small, read(20_000_00)).status == InvoiceStatus.REVIEW  # top of one
    assert submit_read(top, read(3_00_000_00)).status == InvoiceStatus.REVIEW
    assert submit_read(small, read(20_000_00)).status == InvoiceStatus.CREDITED  # checked
    assert submit_read(top, read(3_00_000_00)).status == InvoiceStatus.CREDITED
    third = make_partner()
    assert submit_read(third, read(10_000_00)).status == InvoiceStatus.CREDITED  # not top
    assert rules() == ["spot_check", "spot_check"]


def test_no_spot_checks_when_the_program_sets_a_share_of_zero(db, clock, make_partner):
    partner = make_partner()
    load_cempro(db, spot_check_percent=0)
    assert submit_read(partner, read(3_00_000_00)).status == InvoiceStatus.CREDITED


def test_by_default_one_top_earner_in_twenty_is_drawn_each_month():
    drawn = sum(spot_checked("secret", 7, partner_id, "2026-03", 5.0)
                for partner_id in range(1, 4001))
    assert 160 <= drawn <= 240  # 5% of 4,000 is 200
    assert spot_checked("secret", 7, 11, "2026-03", 5.0) == \
        spot_checked("secret", 7, 11, "2026-03", 5.0)  # the same draw all month
