"""Shared by the privacy tests: CEMPRO, a member with a profile, and reads of the log."""

from __future__ import annotations

import re

from sqlalchemy import select

from bot import media
from models import ledger, privacy
from models.db import unit_of_work
from models.invoices.invoice import Invoice
from models.messaging.outbox import OutboxMessage
from models.partners.partner import Partner
from models.programs.program import Membership, Program, by_code, load_file, load_spec
from models.programs.schema import read_file
from tests.redeem.conftest import PROGRAMS

PHONE = "+919811100001"
OTHER = "+919811100002"
VPA = "rajesh.kumar@okhdfc"


def load_cempro() -> int:
    with unit_of_work() as session:
        return load_file(session, PROGRAMS / "cempro.yaml").id


def add_partner(phone: str = PHONE, *, member: bool = True, language: str = "en",
                credits: int = 0) -> int:
    """A partner with a profile (so JOIN asks only for consent), optionally a member."""
    with unit_of_work() as session:
        partner = Partner(phone=phone, name="Rajesh Kumar", shop="Rajesh Hardware",
                          pincode="400001", language=language)
        session.add(partner)
        session.flush()
        if member:
            program = by_code(session, "CEMPRO")
            session.add(Membership(partner_id=partner.id, program_id=program.id))
            ledger.ensure_wallet(session, partner.id, program.id)
            if credits:
                ledger.adjust(session, partner_id=partner.id, program_id=program.id,
                              credits=credits, key=f"grant-{partner.id}", reason="test",
                              actor="test")
        return partner.id


def raise_notice(version: int = 2) -> None:
    """Load CEMPRO again with a new notice version."""
    spec = read_file(PROGRAMS / "cempro.yaml")
    spec = spec.model_copy(update={"privacy": spec.privacy.model_copy(
        update={"notice_version": version})})
    with unit_of_work() as session:
        load_spec(session, spec)


def consent_log(partner_id: int) -> list[tuple]:
    """(action, version, channel, message id) of every consent row, oldest first."""
    with unit_of_work() as session:
        return [(c.action, c.notice_version, c.channel, c.message_id)
                for c in privacy.log_of(session, partner_id)]


def membership_status(partner_id: int) -> str:
    with unit_of_work() as session:
        return session.scalar(select(Membership.status).join(Program).where(
            Membership.partner_id == partner_id, Program.code == "CEMPRO"))


def add_invoice(partner_id: int, photo: bytes = b"\xff\xd8 invoice photo") -> str:
    """An invoice of the partner's with its photo stored; return the photo's /media/ URL."""
    with unit_of_work() as session:
        url = media.store(photo, "inbound/invoices", ".jpg")
        session.add(Invoice(partner_id=partner_id, program_id=by_code(session, "CEMPRO").id,
                            upload_key=f"upload-{partner_id}-{len(photo)}", channel="whatsapp",
                            media_url=url, sha256="0" * 64, image_hash="0" * 64,
                            status="credited", buyer_gstin="27AAACS1234P1Z7", number="INV-1"))
        return url


def sealed_vpa(partner_id: int, vpa: str = VPA) -> None:
    with unit_of_work() as session:
        session.get(Partner, partner_id).upi_vpa = vpa


def last_code(phone: str = PHONE) -> str:
    with unit_of_work() as session:
        body = session.scalars(select(OutboxMessage.body).where(
            OutboxMessage.phone == phone, OutboxMessage.channel == "sms")
            .order_by(OutboxMessage.id.desc())).first()
    return re.search(r"\b(\d{6})\b", body).group(1)


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"
