"""Scan product codes: check each one, credit it once in its lifetime, or say exactly why not.

    scan_codes(session, partner, ["ABCD1234EFGH5678"], channel="whatsapp", source="typed")
        -> [ScanOutcome(status=ScanStatus.CREDITED, credits=5, balance=105, ...)]

Codes may be raw text (typed or decoded from a QR): they are normalized here. Checks, in
order: signature (forged or mistyped), program membership, batch void, already used (and
when), fraud rules (models/codes/fraud.py; a flagged scan waits in review kind "qr_scan"). Two
partners racing for one code: the unique `qr_redemptions.code` lets exactly one win, and the
ledger key f"qr:{code}" makes a retried credit a no-op. Replies: flows/scan_replies.py.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from models import keys, ledger, review
from models.base import utcnow
from models.codes import format as qr_codes
from models.codes.fraud import flag_reason, locate, rules_for
from models.codes.tables import (
    BatchStatus,
    QrBatch,
    QrRedemption,
    QrScan,
    RedemptionStatus,
    ScanStatus,
    signing_keys,
)
from models.db import built_insert
from models.partners.partner import Partner
from models.programs.program import Membership, Program

log = logging.getLogger("saathi.qr")
REVIEW_KIND = "qr_scan"
CAUSE = "qr_code"  # the ledger cause of a code's credit


class Place(Protocol):
    """Where a scan was sent from (a shared location)."""
    latitude: float
    longitude: float


@dataclass(frozen=True)
class ScanOutcome:
    code: str  # grouped, as printed: ABCD-1234-EFGH-5678
    status: ScanStatus
    program: str = ""
    credits: int = 0  # credited (or waiting for review)
    balance: int | None = None  # the wallet balance after crediting
    used_at: datetime | None = None  # when the code was used before
    used_by_you: bool = False
    reason: str = ""  # why it waits for review


def scan_codes(session: Session, partner: Partner, codes: list[str], *, channel: str,
               location: Place | None = None, source: str = "typed") -> list[ScanOutcome]:
    """Check and credit each code for `partner`; one outcome per distinct code, in order."""
    normalized = list(dict.fromkeys(qr_codes.normalize(c) for c in codes if c.strip()))
    return [_scan_one(session, partner, code, channel, location, source) for code in normalized]


def _scan_one(session: Session, partner: Partner, code: str, channel: str,
              location: Place | None, source: str) -> ScanOutcome:
    parts = qr_codes.verify(signing_keys(), code)
    batch, program, member = _batch_of(session, partner.id, parts.batch_id) if parts else (
        None, None, False)
    if batch is not None and (qr_codes.program_tag(batch.program_id) != parts.program_tag
                              or parts.serial > batch.count):
        batch = None
    # Inserted with the status most scans of its kind end with, so that a credited code (or a
    # forged one) is one INSERT; every path sets the final status (`_finish`) before commit.
    now = utcnow()
    scan = _insert_scan(session, partner_id=partner.id, code=code[:40],
                        batch_id=batch.id if batch else None,
                        status=ScanStatus.CREDITED if batch else ScanStatus.FORGED, reason="",
                        channel=channel, source=source, created_at=now,
                        latitude=location.latitude if location else None,
                        longitude=location.longitude if location else None,
                        located_at=now if location else None)
    shown = qr_codes.group(code) if len(code) == qr_codes.LENGTH else code[:24]
    if batch is None:
        log.info("invalid product code", extra={"partner_id": partner.id, "scan_id": scan.id})
        return _finish(scan, ScanOutcome(shown, ScanStatus.FORGED))
    if not member:
        return _finish(scan, ScanOutcome(shown, ScanStatus.NOT_MEMBER, program.code))
    if batch.status == BatchStatus.VOID:
        return _finish(scan, ScanOutcome(shown, ScanStatus.VOID, program.code))
    if (used := _used(session, code, partner)) is not None:
        return _finish(scan, used)
    rules = rules_for(program)
    place = locate(session, scan, partner.phone,
                   timedelta(minutes=rules.location_window_minutes))
    reason = flag_reason(session, rules, partner, batch, scan, place)
    return _claim(session, partner, batch, program, scan, reason)


_INSERT_SCAN = insert(QrScan.__table__).returning(QrScan.__table__.c.id)  # built once


def _insert_scan(session: Session, **values: object) -> QrScan:
    """Insert a scan (every column given) with one statement, not the unit of work's flush,
    and return it in the session as if loaded: what changes on it later is flushed."""
    scan = QrScan(id=session.execute(_INSERT_SCAN, values).scalar_one(), **values)
    make_transient_to_detached(scan)
    session.add(scan)
    return scan


def _finish(scan: QrScan, outcome: ScanOutcome) -> ScanOutcome:
    scan.status, scan.reason = outcome.status, outcome.reason[:200]
    return outcome


def _batch_statement():
    """Built once: building a statement a scan cost about what running it does."""
    member = select(Membership.id).where(
        Membership.partner_id == bindparam("partner_id"),
        Membership.program_id == QrBatch.program_id, Membership.status == "active").exists()
    return (select(QrBatch, Program, member.label("member"))
            .join(Program, Program.id == QrBatch.program_id)
            .where(QrBatch.id == bindparam("batch_id")))


_BATCH = _batch_statement()


def _batch_of(session: Session, partner_id: int, batch_id: int
              ) -> tuple[QrBatch | None, Program | None, bool]:
    """The batch, its program and whether the partner is an active member of it: one query."""
    row = session.execute(_BATCH, {"partner_id": partner_id, "batch_id": batch_id}).first()
    return (row[0], row[1], bool(row[2])) if row is not None else (None, None, False)


_PRIOR = select(QrRedemption.created_at, QrRedemption.partner_id).where(
    QrRedemption.code == bindparam("code"))


def _used(session: Session, code: str, partner: Partner) -> ScanOutcome | None:
    prior = session.execute(_PRIOR, {"code": code}).first()
    if prior is None:
        return None
    return ScanOutcome(qr_codes.group(code), ScanStatus.USED, used_at=prior.created_at,
                       used_by_you=prior.partner_id == partner.id)


def _claim_statement(make):
    return (make(QrRedemption).values(
        code=bindparam("code"), batch_id=bindparam("batch_id"),
        partner_id=bindparam("partner_id"), scan_id=bindparam("scan_id"),
        status=bindparam("status"), created_at=bindparam("created_at"))
        .on_conflict_do_nothing(index_elements=["code"]).returning(QrRedemption))


def _claim(session: Session, partner: Partner, batch: QrBatch, program: Program, scan: QrScan,
           reason: str | None) -> ScanOutcome:
    """Take the code (the unique row decides a race), then credit it or queue it for review."""
    status = RedemptionStatus.REVIEW if reason else RedemptionStatus.CREDITED
    redemption = session.scalar(  # in the session, as if added; None: the code was taken
        built_insert(session, _claim_statement),
        {"code": scan.code, "batch_id": batch.id, "partner_id": partner.id, "scan_id": scan.id,
         "status": status, "created_at": scan.created_at})
    if redemption is None:
        log.info("code taken by a concurrent scan", extra={"scan_id": scan.id})
        return _finish(scan, _used(session, scan.code, partner))
    shown = qr_codes.group(scan.code)
    if reason:
        review.submit(session, kind=REVIEW_KIND, reason=reason, partner_id=partner.id,
                      program_id=program.id, payload={"redemption_id": redemption.id,
                                                      "code": scan.code})
        log.warning("scan flagged", extra={"scan_id": scan.id, "reason": reason})
        return _finish(scan, ScanOutcome(shown, ScanStatus.REVIEW, program.code, batch.credits,
                                         reason=reason))
    result = credit_redemption(session, redemption, batch)
    outcome = ScanOutcome(shown, ScanStatus.REVIEW if result.queued_for_review
                          else ScanStatus.CREDITED, program.code, result.credits,
                          result.balance.balance, reason="budget cap"
                          if result.queued_for_review else "")
    return _finish(scan, outcome)


def credit_redemption(session: Session, redemption: QrRedemption, batch: QrBatch
                      ) -> ledger.EarnResult:
    """Credit a claimed code to its partner (idempotent by the key qr:<code>). An earn past
    the budget cap leaves the code in review, with no entry, until a reviewer decides it
    (`budget_decided` in models/codes/review.py)."""
    result = ledger.earn(session, partner_id=redemption.partner_id, program_id=batch.program_id,
                         credits=batch.credits, key=keys.code_credit(redemption.code),
                         cause=CAUSE,
                         cause_ref=redemption.code,
                         description=f"Product code {qr_codes.group(redemption.code)}")
    mark(session, redemption, RedemptionStatus.REVIEW if result.queued_for_review
         else RedemptionStatus.CREDITED, None if result.queued_for_review else result.entry_id)
    return result


def mark(session: Session, redemption: QrRedemption, status: RedemptionStatus,
         entry_id: int | None) -> None:
    """Set a redemption's status and entry with one UPDATE (not a flush: cheaper)."""
    values = {"status": status, "entry_id": entry_id}
    session.execute(_MARK, {"by_id": redemption.id, **values})
    for name, value in values.items():
        set_committed_value(redemption, name, value)


_MARK = update(QrRedemption.__table__).where(
    QrRedemption.__table__.c.id == bindparam("by_id"))  # built once
