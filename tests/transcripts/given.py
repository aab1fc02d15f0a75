"""Build the world a transcript starts from (its `given:` section), through the domain
operations: programs, partners with credits, ledger entries, QR batches, unsure invoice reads.

    given:
      programs: [cempro, tests/enroll/programs.yaml]   # programs/<name>.yaml, or a file
      partners:
        - {phone: "+919811100001", name: Rajesh, distributor: SAITRD,
           credits: {CEMPRO: 2000}, tier: {CEMPRO: Specialist}, language: hi}
      earned:                                          # ledger.earn, as invoices or codes do
        - {phone: "+919811100001", program: CHEMX, credits: 120, cause: invoice,
           ref: INV-2232, lock_days: 15, volume: 30}
      batches:                                         # QR codes: $code1, $code2, …
        - {program: CEMPRO, name: B1, count: 3, credits: 10}
      invoices:                                        # a read the partner must confirm
        - {phone: "+919811100001", number: ST/2026/00417, date: null, total: 71040}
"""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.notices.invoices import tell_result
from models import ledger, yamltext
from models.codes import tables as qr
from models.codes.format import group
from models.db import unit_of_work
from models.invoices import rules as invoice_rules
from models.invoices.invoice import Invoice, InvoiceStatus
from models.invoices.read import InvoiceRead, Item
from models.ledger.tables import Wallet
from models.partners.partner import Partner, Role
from models.programs.program import Membership, by_code, load_file, load_spec
from models.programs.schema import parse
from tests.conftest import built_once

ROOT = Path(__file__).resolve().parents[2]
KEYS = {"programs", "partners", "earned", "batches", "invoices"}
PARTNER_FIELDS = {"phone", "name", "shop", "role", "language", "status", "pincode", "region",
                  "gstin", "upi_vpa"}
SELLER = "27AAACS1234P1Z7"  # Sai Traders, CEMPRO's distributor


def build(given: dict) -> dict[str, str]:
    """Create everything `given` names; return the variables it defines ($code1, …)."""
    unknown = set(given) - KEYS
    assert not unknown, f"given: unknown keys {sorted(unknown)}"
    names: dict[str, str] = {}
    programs = tuple(given.get("programs", []))
    if programs:  # the same few programs in most transcripts: loaded once per test process
        built_once(lambda: _load_all(programs), programs)
    with unit_of_work() as session:
        for spec in given.get("partners", []):
            _add_partner(session, spec)
        for spec in given.get("earned", []):
            _earn(session, spec)
        codes = [c for spec in given.get("batches", []) for c in _batch(session, spec)]
        names.update({f"code{n}": code for n, code in enumerate(codes, 1)})
    for spec in given.get("invoices", []):
        _unsure_invoice(spec)
    return names


def _load_all(names: tuple[str, ...]) -> None:
    with unit_of_work() as session:
        for name in names:
            _load_programs(session, name)


def _load_programs(session: Session, name: str) -> None:
    if "/" not in name:
        load_file(session, ROOT / "programs" / f"{name}.yaml")
        return
    docs = yamltext.load_shared((ROOT / name).read_text(encoding="utf-8"))
    for doc in docs if isinstance(docs, list) else [docs]:
        load_spec(session, parse(doc))


def partner(session: Session, phone: str) -> Partner:
    found = session.scalar(select(Partner).where(Partner.phone == phone))
    assert found is not None, f"no partner {phone}"
    return found


def _add_partner(session: Session, spec: dict) -> None:
    extra = set(spec) - PARTNER_FIELDS - {"distributor", "credits", "programs", "tier"}
    assert not extra, f"partner: unknown keys {sorted(extra)}"
    fields = {key: spec[key] for key in PARTNER_FIELDS & set(spec)}
    fields.setdefault("role", Role.RETAILER)
    if code := spec.get("distributor"):
        fields["parent_id"] = session.scalar(select(Partner.id).where(Partner.code == code))
    member = Partner(**fields)
    session.add(member)
    session.flush()
    credits = spec.get("credits", {})
    for code in [*spec.get("programs", []), *credits]:
        program = by_code(session, code)
        session.add(Membership(partner_id=member.id, program_id=program.id))
        session.flush()
        ledger.ensure_wallet(session, member.id, program.id)
        if credits.get(code):
            ledger.adjust(session, partner_id=member.id, program_id=program.id,
                          credits=credits[code], key=f"given-{member.id}-{code}",
                          reason="credits the transcript starts with", actor="test")
    for code, tier in spec.get("tier", {}).items():
        wallet = session.scalar(select(Wallet).where(
            Wallet.partner_id == member.id, Wallet.program_id == by_code(session, code).id))
        wallet.tier = tier


def _earn(session: Session, spec: dict) -> None:
    ref = spec["ref"]
    ledger.earn(session, partner_id=partner(session, spec["phone"]).id,
                program_id=by_code(session, spec["program"]).id, credits=spec["credits"],
                key=spec.get("key", f"given:{ref}"), cause=spec["cause"], cause_ref=ref,
                description=spec.get("description", ""), lock_days=spec.get("lock_days", 0),
                volume=spec.get("volume", 0))


def _batch(session: Session, spec: dict) -> list[str]:
    batch = qr.create_batch(session, program=by_code(session, spec["program"]),
                            name=spec["name"], count=spec.get("count", 5),
                            credits=spec.get("credits", 10), region=spec.get("region"))
    return [group(code) for _serial, code in qr.batch_codes(batch)]


def _unsure_invoice(spec: dict) -> None:
    """A read of an OPC invoice from Sai Traders, as the photo job makes it; fields given as
    null were not read, and the partner is asked for them."""
    read = InvoiceRead(source="ocr")
    read.set("seller_gstin", spec.get("seller", SELLER), 0.95)
    read.set("invoice_number", spec["number"], 0.95)
    day = spec.get("date")
    read.set("invoice_date", date.fromisoformat(str(day)) if day else None, 0.95)
    total = spec.get("total")
    read.set("total_paise", total * 100 if total is not None else None, 0.95)
    read.items = [Item("OPC 53 Grade Cement", 160, 60_000_00)]
    with unit_of_work() as session:
        invoice = Invoice(partner_id=partner(session, spec["phone"]).id,
                          upload_key=f"given:{uuid.uuid4().hex}", channel="whatsapp",
                          media_url="/media/inbound/test/photo.jpg", sha256=uuid.uuid4().hex,
                          image_hash="0" * 64, status=InvoiceStatus.NEW)
        tell_result(session, invoice_rules.submit(session, invoice, read))
