"""Invoice fixtures: CEMPRO (distributor Sai Traders) as in programs/cempro.yaml, partners,
invoice photos stored where the webhook's media URLs point, and the public key of the test
e-invoice portal configured as EINVOICE_PUBLIC_KEYS."""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.notices.invoices import tell_result
from models import ledger, yamltext
from models.db import unit_of_work
from models.invoices import rules as invoice_rules
from models.invoices.invoice import Invoice, InvoiceStatus
from models.invoices.read import InvoiceRead
from models.messaging.outbox import OutboxMessage
from models.partners.partner import Partner, Role
from models.programs.program import Membership, Program, load_spec
from models.programs.schema import parse
from tests.conftest import built_once
from tests.invoice import make
from tests.mediahost import provider_media

PROGRAMS = Path(__file__).resolve().parents[2] / "programs"
SELLER = "27AAACS1234P1Z7"  # Sai Traders, a CEMPRO distributor
_numbers = iter(range(10_000))


@pytest.fixture
def irp_public_key(app, tmp_path) -> Path:
    """The test portal's public key as a PEM file, configured the way an operator would."""
    path = tmp_path / "irp-public.pem"
    path.write_bytes(make.public_pem(make.irp_key()))
    app.config["EINVOICE_PUBLIC_KEYS"] = [str(path)]
    return path


def load_cempro(db, **invoice_settings) -> Program:
    """CEMPRO from its file, with `invoice:` settings changed as given."""
    data = yamltext.load_shared((PROGRAMS / "cempro.yaml").read_text())
    data["invoice"] = {**(data.get("invoice") or {}), **invoice_settings}
    program = load_spec(db, parse(data))
    db.commit()
    return program


def _cempro_id() -> int:
    with unit_of_work() as session:
        return load_cempro(session).id


@pytest.fixture
def program(app, db, irp_public_key) -> Program:
    """CEMPRO, loaded once per process and copied (tests/conftest.py built_once), in the
    test's session."""
    return db.get(Program, built_once(_cempro_id))


@pytest.fixture
def make_partner(db, program) -> Callable[..., Partner]:
    def create(language: str = "en", gstin: str | None = None) -> Partner:
        partner = Partner(phone=f"+9197{next(_numbers):08d}", role=Role.RETAILER,
                          language=language, gstin=gstin)
        db.add(partner)
        db.flush()
        db.add(Membership(partner_id=partner.id, program_id=program.id))
        ledger.ensure_wallet(db, partner.id, program.id)
        db.commit()
        return partner

    return create


@cache
def einvoice_photo(seed: int = 1, *, seller: str = SELLER, number: str | None = None,
                   degrade: bool = False, **truth_args) -> tuple[bytes, make.Truth]:
    """JPEG bytes of an e-invoice with its signed QR code, and what it says (drawn once per
    run for the same arguments: tests only read the truth)."""
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


def submit_read(partner: Partner, read: InvoiceRead, *, image: str = "0" * 64) -> Invoice:
    """Apply the invoice rules to `read` and tell the partner, as the photo job does after
    reading a photo whose perceptual hash is `image`."""
    with unit_of_work() as session:
        invoice = Invoice(partner_id=partner.id, upload_key=f"test:{uuid.uuid4().hex}",
                          channel="whatsapp", media_url="/media/inbound/test/photo.jpg",
                          sha256=uuid.uuid4().hex, image_hash=image, status=InvoiceStatus.NEW)
        invoice = invoice_rules.submit(session, invoice, read)
        tell_result(session, invoice)
    return invoice
