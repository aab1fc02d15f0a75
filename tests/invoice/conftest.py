"""Invoice fixtures: CEMPRO (distributor Sai Traders) with invoice categories, partners, and
invoice photos stored where the webhook's media URLs point."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select

from models import ledger
from models.db import unit_of_work
from models.outbox import OutboxMessage
from models.partner import Partner, Role
from models.program import Membership, Program, load_spec
from models.program_schema import parse
from tests.invoice import make
from tests.mediahost import provider_media

PROGRAMS = Path(__file__).resolve().parents[2] / "programs"
SELLER = "27AAACS1234P1Z7"  # Sai Traders, a CEMPRO distributor
_numbers = iter(range(10_000))


@pytest.fixture
def program(db) -> Program:
    data = yaml.safe_load((PROGRAMS / "cempro.yaml").read_text())
    data["invoice"] = {"categories": {"opc": ["OPC"], "ppc": ["PPC"]}, "max_age_days": 90}
    program = load_spec(db, parse(data))
    db.commit()
    return program


@pytest.fixture
def make_partner(db, program) -> Callable[..., Partner]:
    def create(language: str = "en") -> Partner:
        partner = Partner(phone=f"+9197{next(_numbers):08d}", role=Role.RETAILER,
                          language=language)
        db.add(partner)
        db.flush()
        db.add(Membership(partner_id=partner.id, program_id=program.id))
        ledger.ensure_wallet(db, partner.id, program.id)
        db.commit()
        return partner

    return create


def einvoice_photo(seed: int = 1, *, seller: str = SELLER, number: str | None = None,
                   degrade: bool = False, **truth_args) -> tuple[bytes, make.Truth]:
    """JPEG bytes of an e-invoice with its signed QR code, and what it says."""
    rng = random.Random(seed)
    truth = make.truth(rng, seller=seller, number=number, **truth_args)
    page = make.render(truth, rng, qr_text=make.einvoice_jwt(truth))
    return make.to_bytes(make.degrade(page, rng) if degrade else page), truth


def upload(data: bytes, suffix: str = ".jpg") -> str:
    """Put bytes on the stand-in media host; return the MediaUrl for the webhook."""
    return provider_media(data, suffix)


def send_file(twilio, phone: str, url: str, content_type: str = "image/jpeg") -> list[str]:
    return twilio.chat(phone, "", NumMedia="1", MediaUrl0=url, MediaContentType0=content_type)


def outbox_texts(phone: str) -> list[str]:
    with unit_of_work() as session:
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.phone == phone)
                               .order_by(OutboxMessage.id))
        return [row.body for row in rows]
