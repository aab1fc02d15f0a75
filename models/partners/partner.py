"""Partners: identified by E.164 phone number; roles, status, language, GSTIN and UPI id."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from functools import lru_cache

import phonenumbers
from sqlalchemy import (
    DDL,
    Boolean,
    ForeignKey,
    Index,
    String,
    bindparam,
    event,
    false,
    select,
    true,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from models import pii
from models.base import INPUT, Base, BigId, UTCDateTime, utcnow
from models.db import dialect_insert

VPA_MAX = 80  # characters of a UPI id: a 50-character name, "@", a 29-character handle


class Role(StrEnum):
    RETAILER = "retailer"
    DEALER = "dealer"
    DISTRIBUTOR = "distributor"
    TECHNICIAN = "technician"
    DISTRIBUTOR_REP = "distributor_rep"
    ADMIN = "admin"


class PartnerStatus(StrEnum):
    INVITED = "invited"
    ACTIVE = "active"
    SUSPENDED = "suspended"
    OPTED_OUT = "opted_out"
    ERASED = "erased"  # personal data erased; the id keeps the ledger (models/privacy)


class InvalidPhone(ValueError):
    """The text is not a phone number we can reach."""


@lru_cache(maxsize=16384)  # every webhook parses its sender; the same shops write all day
def normalize_phone(raw: str, region: str = "IN") -> str:
    """Return `raw` as E.164 (+919812345678), reading bare national numbers in `region`."""
    cleaned = raw.strip().removeprefix("whatsapp:").removeprefix("tel:")
    try:
        number = phonenumbers.parse(cleaned, region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhone(raw) from exc
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhone(raw)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class Partner(Base):
    __tablename__ = "partners"
    # The admin's search by a part of a name or shop: trigram indexes on PostgreSQL.
    __table_args__ = tuple(
        Index(f"ix_partners_{name}_trgm", name, postgresql_using="gin",
              postgresql_ops={name: "gin_trgm_ops"}) for name in ("name", "shop"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    phone: Mapped[str] = mapped_column(String(20), unique=True, info=INPUT)
    role: Mapped[str] = mapped_column(String(20), default=Role.RETAILER)
    status: Mapped[str] = mapped_column(String(20), default=PartnerStatus.ACTIVE)
    name: Mapped[str | None] = mapped_column(String(120), info=INPUT)
    shop: Mapped[str | None] = mapped_column(String(160), info=INPUT)
    pincode: Mapped[str | None] = mapped_column(String(6), index=True, info=INPUT)
    region: Mapped[str | None] = mapped_column(String(40))
    language: Mapped[str] = mapped_column(String(5), default="en", info=INPUT)
    # False: a rep invited the shop without naming its language (asked when it answers).
    language_named: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # Learning content and quiz questions also come as WhatsApp voice notes (never on SMS/USSD).
    voice_notes: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    gstin: Mapped[str | None] = mapped_column(String(15), index=True, info=INPUT)
    # The UPI id, sealed (models/pii.py) and its keyed hash; read and set it as `upi_vpa`.
    upi_vpa_sealed: Mapped[str | None] = mapped_column(String(pii.sealed_length(VPA_MAX)))
    upi_vpa_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    # A distributor's short code (used in "REF <code>" and invite QR codes).
    code: Mapped[str | None] = mapped_column(String(20), unique=True)
    # The distributor a retailer buys from, or the distributor a rep works for.
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def upi_vpa(self) -> str | None:
        """The UPI id in clear, for the payout and the masked summary; never stored so."""
        return pii.unseal(self.upi_vpa_sealed) if self.upi_vpa_sealed else None

    @upi_vpa.setter
    def upi_vpa(self, vpa: str | None) -> None:
        self.upi_vpa_sealed = pii.seal(vpa) if vpa else None
        self.upi_vpa_hash = pii.lookup(vpa) if vpa else None


def find_by_phone(session: Session, phone: str) -> Partner | None:
    """Return the partner with this E.164 number, or None."""
    return session.scalar(_BY_PHONE, {"phone": phone})


_BY_PHONE = select(Partner).where(Partner.phone == bindparam("phone"))  # every message asks


def lock_or_create(session: Session, phone: str, **values: object) -> tuple[Partner, bool]:
    """Return the partner with this phone, created with `values` if there was none, and
    whether it was created; the row stays locked until commit.

    The same person may answer on WhatsApp and by SMS at the same moment (two conversations,
    two locks): the second transaction waits for the first here and then continues with the
    partner it created, instead of failing on the unique phone number.
    """
    inserted = session.execute(
        dialect_insert(session)(Partner).values(phone=phone, **values)
        .on_conflict_do_nothing(index_elements=["phone"]).returning(Partner.id)
    ).scalar()
    partner = session.scalar(select(Partner).where(Partner.phone == phone).with_for_update()
                             .execution_options(populate_existing=True))
    return partner, inserted is not None


def set_status(session: Session, partner: Partner, status: PartnerStatus) -> None:
    """Change a partner's status (STOP, START, suspension)."""
    partner.status = status
    session.flush()


event.listen(Partner.__table__, "before_create",
             DDL("CREATE EXTENSION IF NOT EXISTS pg_trgm").execute_if(dialect="postgresql"))
