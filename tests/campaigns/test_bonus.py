"""Bonus campaigns on the ledger: extra credits on the segment's invoices in the time box (by
category and weekday), posted as entries naming the campaign, taken back with a return."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import select

from models import campaigns, ledger
from models.admin.controls import Actor
from models.admin.orders import record_return
from models.campaigns import Campaign
from models.db import unit_of_work
from models.invoices import rules
from models.invoices.invoice import Invoice, InvoiceStatus
from models.ledger.tables import JournalEntry
from models.programs.campaign_spec import CampaignSpec

THURSDAY = datetime(2026, 3, 12, 6, 0, tzinfo=UTC)  # 11:30 IST
OPC = {"name": "OPC 53 grade cement", "amount_paise": 1_000_000}  # 10,000 rupees: 10 credits
PPC = {"name": "PPC cement", "amount_paise": 500_000}  # 5 credits


def bonus_campaign(program, code: str, **bonus) -> int:
    spec = CampaignSpec.model_validate({
        "code": code, "kind": "bonus", "messages": {"en": "Double credits on OPC!"},
        "segment": {"language": ["en"]},
        "bonus": {"starts": "2026-03-01T00:00:00+05:30", "ends": "2026-04-01T00:00:00+05:30",
                  **bonus}})
    with unit_of_work() as session:
        campaign = campaigns.save(session, session.merge(program), spec)
        campaign.status = "done"  # announced
        return campaign.id


def credit(program, partner_id: int, *items: dict) -> Invoice:
    with unit_of_work() as session:
        invoice = Invoice(partner_id=partner_id, program_id=program.id, channel="whatsapp",
                          upload_key=uuid.uuid4().hex, media_url="-", sha256="0", image_hash="0",
                          status=InvoiceStatus.NEW, number=f"INV-{uuid.uuid4().hex[:6]}",
                          total_paise=sum(i["amount_paise"] for i in items), items=list(items))
        session.add(invoice)
        session.flush()
        return rules.credit(session, invoice)


def entries(partner_id: int) -> list[tuple[str, int, str]]:
    with unit_of_work() as session:
        return [(e.cause, e.credits, e.cause_ref) for e in session.scalars(
            select(JournalEntry).where(JournalEntry.partner_id == partner_id)
            .order_by(JournalEntry.id))]


def test_a_multiplier_on_a_category_and_a_fixed_weekday_bonus_name_their_campaigns(
        app, program, member, clock):
    clock.set(THURSDAY)
    partner, hindi = member("en"), member("hi")
    double_opc = bonus_campaign(program, "OPC-X2", multiplier=2, categories=["opc"])
    thursday = bonus_campaign(program, "THU-PLUS5", fixed=5, weekdays=[3])
    bonus_campaign(program, "FRIDAY", fixed=50, weekdays=[4])
    invoice = credit(program, partner, OPC, PPC)
    assert invoice.credits == 15
    assert entries(partner) == [("invoice", 15, invoice.number),
                                ("bonus", 10, f"campaign:{double_opc}"),
                                ("bonus", 5, f"campaign:{thursday}")]
    credit(program, hindi, OPC)  # outside the segment
    assert [cause for cause, _, _ in entries(hindi)] == ["invoice"]
    with unit_of_work() as session:
        assert ledger.wallet_balance(session, partner, program.id).balance == 30


def test_a_return_takes_back_the_bonus_in_the_same_share(app, program, member, clock):
    clock.set(THURSDAY)
    partner = member("en")
    bonus_campaign(program, "OPC-X2", multiplier=2, categories=["opc"])
    invoice = credit(program, partner, OPC)
    with unit_of_work() as session:
        record_return(session, Actor("ops"), session.merge(invoice), 500_000, "CN-1",
                      "half returned")
        assert ledger.wallet_balance(session, partner, program.id).balance == 10
    assert [(c, n) for c, n, _ in entries(partner)] == [
        ("invoice", 10), ("bonus", 10), ("reversal", -5), ("reversal", -5)]


def test_a_cancelled_or_finished_bonus_pays_nothing(app, program, member, clock):
    partner = member("en")
    cancelled = bonus_campaign(program, "GONE", fixed=7)
    with unit_of_work() as session:
        campaigns.cancel(session, session.get(Campaign, cancelled))
    bonus_campaign(program, "LATER", fixed=9)
    clock.set(datetime(2026, 4, 2, 6, 0, tzinfo=UTC))  # after the time box
    credit(program, partner, OPC)
    assert [cause for cause, _, _ in entries(partner)] == ["invoice"]
