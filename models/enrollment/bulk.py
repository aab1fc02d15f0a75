"""Bulk enrollment by a distributor rep: check each row, invite the new shops, report per row.

A batch is idempotent: a phone already invited to (or a member of) the program is reported,
never invited twice, and the invitation's outbox key is stable.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

import phonenumbers
from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import events
from models.base import column_length
from models.enrollment.join import Membership, MembershipStatus, clean_pincode, membership
from models.partners.partner import InvalidPhone, Partner, PartnerStatus, Role, lock_or_create
from models.partners.partner import normalize_phone as e164
from models.programs.program import Program

MAX_ROWS = 500
_MOBILE = (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)


class RowStatus(StrEnum):
    """What happened to one row (bot/notices/enrollment.py words it for the rep)."""

    CREATED = "created"
    ALREADY_ENROLLED = "already_enrolled"
    ALREADY_INVITED = "already_invited"
    INVALID_PHONE = "invalid_phone"
    INVALID_PINCODE = "invalid_pincode"
    DUPLICATE = "duplicate"
    INCOMPLETE = "incomplete"
    OPTED_OUT = "opted_out"


@dataclass(frozen=True)
class Row:
    number: int  # 1-based, as the rep counts the lines
    fields: tuple[str, ...]


@dataclass(frozen=True)
class RowResult:
    number: int
    label: str  # the shop's name as the rep wrote it (or its phone)
    status: RowStatus


@dataclass
class BatchResult:
    rows: list[RowResult] = field(default_factory=list)

    def totals(self) -> Counter[RowStatus]:
        return Counter(r.status for r in self.rows)


def read_rows(text: str) -> list[Row]:
    """Split pasted lines, CSV or tab-separated text into rows; skip blanks and a header."""
    rows = []
    delimiter = "\t" if text.count("\t") > text.count(",") else ","  # pasted from a sheet
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, skipinitialspace=True)
    for number, fields in enumerate(reader, 1):
        cells = tuple(f.strip() for f in fields)
        if not any(cells):
            continue
        if not rows and cells[0].lower() == "name" and len(cells) > 1 \
                and cells[1].lower().startswith(("phone", "mobile")):
            continue
        rows.append(Row(number, cells))
    return rows


def distributor_of(session: Session, rep: Partner) -> Partner | None:
    return session.get(Partner, rep.parent_id) if rep.parent_id else None


def rep_programs(session: Session, rep: Partner) -> list[Program]:
    """The programs a rep may enroll shops into: those their distributor runs."""
    if rep.role != Role.DISTRIBUTOR_REP:
        return []
    distributor = distributor_of(session, rep)
    code = distributor.code if distributor else None
    return [p for p in session.scalars(select(Program).order_by(Program.code))
            if any(d.code == code or rep.phone in d.reps for d in p.spec.distributors)]


def invite_all(session: Session, *, rep: Partner, program: Program, rows: list[Row],
               language_of: Callable[[str], str | None]) -> BatchResult:
    """Check every row, create and invite the new shops; return what happened to each row.
    `language_of` reads a language column ("hi", "Hindi", "हिन्दी")."""
    distributor = distributor_of(session, rep)
    result, seen = BatchResult(), set()
    for row in rows:
        status, phone = _check(row, seen)
        if status is None:
            status = _invite(session, row, phone, program, distributor, language_of)
        label = (row.fields[0] if row.fields and row.fields[0] else "")[:30]
        result.rows.append(RowResult(row.number, label, status))
    session.flush()
    return result


def _check(row: Row, seen: set[str]) -> tuple[RowStatus | None, str]:
    cells = row.fields
    if len(cells) < 4 or not cells[0] or not cells[2]:
        return RowStatus.INCOMPLETE, ""
    try:
        phone = e164(cells[1], current_app.config["DEFAULT_REGION"])
    except InvalidPhone:
        return RowStatus.INVALID_PHONE, ""
    if phonenumbers.number_type(phonenumbers.parse(phone)) not in _MOBILE:
        return RowStatus.INVALID_PHONE, ""
    if phone in seen:
        return RowStatus.DUPLICATE, phone
    seen.add(phone)
    if clean_pincode(cells[3]) is None:
        return RowStatus.INVALID_PINCODE, phone
    return None, phone


def _invite(session: Session, row: Row, phone: str, program: Program,
            distributor: Partner | None, language_of: Callable[[str], str | None]
            ) -> RowStatus:
    name, _phone, shop, pincode, *rest = row.fields
    language = language_of(rest[0]) if rest else None
    partner, created = lock_or_create(  # the shop may be sending JOIN at this very moment
        session, phone, name=name[:column_length(Partner.name)],
        shop=shop[:column_length(Partner.shop)], pincode=clean_pincode(pincode),
        language=language or "en", language_named=language is not None, role=Role.RETAILER,
        status=PartnerStatus.INVITED,
        parent_id=distributor.id if distributor else None)
    if not created:
        found = membership(session, partner.id, program.id)
        if found is not None:
            active = found.status == MembershipStatus.ACTIVE
            return RowStatus.ALREADY_ENROLLED if active else RowStatus.ALREADY_INVITED
        if partner.status == PartnerStatus.OPTED_OUT:
            return RowStatus.OPTED_OUT
    session.add(Membership(partner_id=partner.id, program_id=program.id,
                           status=MembershipStatus.INVITED,
                           referred_by_id=distributor.id if distributor else None))
    events.record(session, events.PartnerInvited(
        partner.id, program.id, distributor.id if distributor else None))
    return RowStatus.CREATED
