"""Opening balances from a brand's old program: each row's partner is matched by phone or
enrolled (the old program had their consent), and the balance is credited from the program's
migration account with the lot's original expiry date, if the row gives one.

The file is a CSV with a header: phone and credits required; ref (the old program's member or
row id: the idempotency key, else the phone), name, shop, pincode, gstin, language, role,
expires (dd-mm-yyyy or yyyy-mm-dd) optional. The same file imported again posts nothing more,
and the reconciliation adds up either way: credits in the file = posted now + posted before.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from itertools import islice
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import keys, ledger
from models.base import IST, utcnow
from models.db import unit_of_work
from models.enrollment.join import Profile, clean_pincode, join, membership
from models.ledger.internals import entry_by_key, system_account
from models.ledger.tables import AccountKind, Posting
from models.partners.gstin import is_valid_gstin
from models.partners.partner import InvalidPhone, Role, find_by_phone, normalize_phone
from models.programs.program import Membership, Program
from models.sales.lines import Invalid, amount_paise, parse_day
from models.sales.tabular import csv_encoding

LANGUAGES = ("en", "hi", "mr", "gu", "ta", "te", "kn", "bn")
CHUNK = 500


@dataclass(frozen=True)
class RowResult:
    row: int
    ref: str
    outcome: str  # posted, already, rejected
    reason: str = ""
    partner: str = ""  # created, matched
    credits: int = 0


@dataclass
class Reconciliation:
    rows: int = 0
    outcomes: Counter = field(default_factory=Counter)
    partners: Counter = field(default_factory=Counter)
    credits_in_file: int = 0  # of the rows that are valid
    credits_posted: int = 0  # by this run
    credits_before: int = 0  # rows posted by an earlier run
    migration_total: int = 0  # everything the program's migration account has given out

    @property
    def balanced(self) -> bool:
        return self.credits_in_file == self.credits_posted + self.credits_before


def import_balances(path: Path, program_code: str,
                    on_chunk: Callable[[list[RowResult]], None] = lambda _r: None
                    ) -> Reconciliation:
    """Post every row of `path` in `program_code`; the totals for the reconciliation."""
    summary = Reconciliation()
    rows = _rows(path)
    while chunk := list(islice(rows, CHUNK)):
        with unit_of_work() as session:
            program = session.scalar(select(Program).where(Program.code == program_code))
            if program is None:
                raise LookupError(f"no program {program_code}")
            results = [_post(session, program, number, row) for number, row in chunk]
        for result in results:
            summary.rows += 1
            summary.outcomes[result.outcome] += 1
            if result.partner:
                summary.partners[result.partner] += 1
            if result.outcome != "rejected":
                summary.credits_in_file += result.credits
            if result.outcome == "posted":
                summary.credits_posted += result.credits
            elif result.outcome == "already":
                summary.credits_before += result.credits
        on_chunk(results)
    with unit_of_work() as session:
        program = session.scalar(select(Program).where(Program.code == program_code))
        if program is not None:
            account = system_account(session, program.id, AccountKind.MIGRATION)
            summary.migration_total = -int(session.scalar(
                select(func.coalesce(func.sum(Posting.amount), 0))
                .where(Posting.account_id == account)))
    return summary


def _rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    with path.open(encoding=csv_encoding(path), newline="") as stream:
        reader = csv.DictReader(stream)
        reader.fieldnames = [(name or "").strip().lower() for name in reader.fieldnames or []]
        for number, row in enumerate(reader, start=1):
            yield number, {k: (v or "").strip() for k, v in row.items() if k}


def _post(session: Session, program: Program, number: int, row: dict[str, str]) -> RowResult:
    ref = (row.get("ref") or row.get("phone") or "")[:60]
    try:
        phone, credits, expires, profile = _checked(row)
    except Invalid as exc:
        return RowResult(number, ref, "rejected", str(exc))
    key = keys.opening_balance(program.id, ref)
    if entry_by_key(session, key) is not None:
        return RowResult(number, ref, "already", credits=credits)
    partner = find_by_phone(session, phone)
    if partner is None:  # the old program had their consent: enrolled as if they joined
        join(session, phone=phone, program=program, profile=profile)
    elif membership(session, partner.id, program.id) is None:  # their status stays as it is
        session.add(Membership(partner_id=partner.id, program_id=program.id))
        session.flush()
    created = partner is None
    partner = partner or find_by_phone(session, phone)
    ledger.ensure_wallet(session, partner.id, program.id)
    ledger.earn(session, partner_id=partner.id, program_id=program.id, credits=credits,
                key=key, cause="opening", cause_ref=ref, description="opening balance",
                apply_tier_multiplier=False, skip_budget=True, expires_at=expires,
                from_kind=AccountKind.MIGRATION, actor="migration")
    return RowResult(number, ref, "posted", partner="created" if created else "matched",
                     credits=credits)


def _checked(row: dict[str, str]) -> tuple[str, int, datetime | None, Profile]:
    try:
        phone = normalize_phone(row.get("phone", ""))
    except InvalidPhone:
        raise Invalid("phone is not a valid number") from None
    paise = amount_paise(row.get("credits", ""), "credits")
    if paise <= 0 or paise % 100:
        raise Invalid("credits must be a whole number above zero")
    expires = None
    if row.get("expires"):
        day = parse_day(row["expires"], "%d-%m-%Y")
        expires = datetime.combine(day, time(23, 59, 59), IST).astimezone(UTC)
        if expires <= utcnow():
            raise Invalid("these credits expired already")
    gstin = row.get("gstin", "").upper() or None
    if gstin and not is_valid_gstin(gstin):
        raise Invalid("GSTIN fails its checksum")
    language = row.get("language", "").lower()
    role = row.get("role", "").lower()
    profile = Profile(name=row.get("name", "")[:120], shop=row.get("shop", "")[:160],
                      pincode=clean_pincode(row.get("pincode", "")) or "",
                      role=role if role in tuple(Role) else Role.RETAILER,
                      language=language if language in LANGUAGES else None, gstin=gstin)
    return phone, paise // 100, expires, profile
