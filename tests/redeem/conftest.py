"""Redeem fixtures: CEMPRO loaded, a retailer of Sai Traders with credits, and helpers that
read what the partner got (outbox) and what the ledger holds."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from models import ledger
from models.db import unit_of_work
from models.messaging.outbox import OutboxMessage
from models.partners.partner import Partner, Role
from models.programs.program import Membership, Program, load_file
from models.redemptions.redemption import Redemption
from tests.conftest import built_once

PROGRAMS = Path(__file__).resolve().parents[2] / "programs"
RETAILER = "+919811100001"
REP = "+919820012346"  # Sai Traders' rep (programs/cempro.yaml)
VPA = "rajesh.kumar@okhdfc"


@pytest.fixture
def cempro(app) -> int:
    """Load CEMPRO (Sai Traders and its rep come with it); return the program id."""
    return built_once(load_cempro)


def load_cempro() -> int:
    with unit_of_work() as session:
        return load_file(session, PROGRAMS / "cempro.yaml").id


def add_partner(program_id: int, phone: str, credits: int, *, role: str = Role.RETAILER,
                distributor_code: str | None = "SAITRD", **fields) -> int:
    """Create an active partner in the program with `credits` in the wallet; return the id."""
    with unit_of_work() as session:
        parent = session.scalar(select(Partner).where(Partner.code == distributor_code)) \
            if distributor_code else None
        partner = Partner(phone=phone, role=role, name="Rajesh", shop="Rajesh Hardware",
                          parent_id=parent.id if parent else None, **fields)
        session.add(partner)
        session.flush()
        session.add(Membership(partner_id=partner.id, program_id=program_id))
        ledger.ensure_wallet(session, partner.id, program_id)
        if credits:
            ledger.adjust(session, partner_id=partner.id, program_id=program_id,
                          credits=credits, key=f"test-grant-{partner.id}",
                          reason="test credits", actor="test")
        return partner.id


@pytest.fixture
def retailer(cempro) -> int:
    """A retailer of Sai Traders with 2,000 credits (₹4,000) in CEMPRO."""
    return built_once(lambda: add_partner(cempro, RETAILER, 2000), cempro)


def available(partner_id: int, program_id: int) -> int:
    with unit_of_work() as session:
        return ledger.wallet_balance(session, partner_id, program_id).available


def balance(partner_id: int, program_id: int) -> ledger.Balance:
    with unit_of_work() as session:
        return ledger.wallet_balance(session, partner_id, program_id)


def sent_to(phone: str, channel: str | None = None) -> list[OutboxMessage]:
    """Every proactive message queued for `phone`, oldest first."""
    with unit_of_work() as session:
        stmt = select(OutboxMessage).where(OutboxMessage.phone == phone)
        if channel:
            stmt = stmt.where(OutboxMessage.channel == channel)
        return list(session.scalars(stmt.order_by(OutboxMessage.id)))


def last_otp(phone: str) -> str:
    """The code in the latest SMS to `phone`."""
    return re.search(r"\b(\d{6})\b", sent_to(phone, "sms")[-1].body).group(1)


def redemptions() -> list[Redemption]:
    with unit_of_work() as session:
        return list(session.scalars(select(Redemption).order_by(Redemption.id)))


def start_upi(twilio, phone: str = RETAILER, credits: int = 500, vpa: str = VPA) -> list[str]:
    """Chat up to the OTP question: REDEEM, UPI, amount, UPI id, confirm."""
    twilio.chat(phone, "REDEEM")
    twilio.chat(phone, "1")
    replies = twilio.chat(phone, str(credits))
    if "UPI id" in replies[-1]:
        twilio.chat(phone, vpa)
    return twilio.chat(phone, "1")


def program(program_id: int) -> Program:
    with unit_of_work() as session:
        return session.get(Program, program_id)
