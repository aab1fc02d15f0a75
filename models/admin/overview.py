"""A program's figures for a date range, as named tables (the page draws them, the CSV
download writes them): partners, funnel, learning, credits, payouts, invoices and codes,
cohorts, and the daily series the charts show. Scoped like everything else an account reads."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.admin import scope
from models.admin.users import AdminUser
from models.base import UTC, utcnow
from models.codes.tables import QrScan
from models.db import is_postgres
from models.invoices.invoice import Invoice
from models.learning.certificates import Certificate
from models.learning.progress import AttemptStatus, QuizAttempt
from models.ledger.tables import JournalEntry, Wallet
from models.messaging.inbox import InboxMessage
from models.partners.partner import Partner
from models.programs.program import Membership, Program
from models.redemptions.redemption import Redemption, Status
from models.review.queue import ReviewItem

NAMES = ("partners", "funnel", "learning", "credits", "payouts", "activity", "cohorts")


@dataclass(frozen=True)
class Table:
    name: str  # the CSV file's name; the page gives it a translated title
    header: tuple[str, ...]
    rows: list[tuple]


@dataclass(frozen=True)
class Range:
    start: date
    end: date  # inclusive

    @property
    def since(self) -> datetime:
        return datetime.combine(self.start, time.min, UTC)

    @property
    def until(self) -> datetime:
        return datetime.combine(self.end + timedelta(days=1), time.min, UTC)


class Figures:
    """One program's figures for one account and range."""

    def __init__(self, session: Session, user: AdminUser, program: Program, span: Range):
        self.db, self.program, self.span = session, program, span
        self.partners = select(Membership.partner_id).where(
            Membership.program_id == program.id,
            Membership.partner_id.in_(select(Partner.id).where(
                scope.partner_clause(session, user))))

    def _count(self, stmt) -> int:
        return self.db.scalar(stmt) or 0

    def _in_range(self, column):
        return (column >= self.span.since) & (column < self.span.until)

    def _active(self, days: int) -> int:
        phones = select(Partner.phone).where(Partner.id.in_(self.partners))
        return self._count(select(func.count(func.distinct(InboxMessage.phone))).where(
            InboxMessage.phone.in_(phones),
            InboxMessage.received_at >= utcnow() - timedelta(days=days)))

    def _entries(self, *where):
        return self._count(select(func.coalesce(func.sum(JournalEntry.credits), 0)).where(
            JournalEntry.program_id == self.program.id, ~JournalEntry.queued,
            JournalEntry.partner_id.in_(self.partners), *where))

    @functools.cached_property
    def enrolled(self) -> int:
        return self._count(select(func.count()).select_from(self.partners.subquery()))

    def partners_table(self) -> Table:
        enrolled = self.enrolled
        joined = self._count(select(func.count(Membership.id)).where(
            Membership.program_id == self.program.id, Membership.partner_id.in_(self.partners),
            self._in_range(Membership.joined_at)))
        return Table("partners", ("figure", "value"), [
            ("enrolled", enrolled), ("joined in range", joined),
            ("active 7 days", self._active(7)), ("active 30 days", self._active(30))])

    def funnel(self) -> Table:
        earned = self._count(select(func.count(func.distinct(JournalEntry.partner_id))).where(
            JournalEntry.program_id == self.program.id, JournalEntry.credits > 0,
            JournalEntry.cause.in_(("certification", "invoice", "qr_code")),
            JournalEntry.partner_id.in_(self.partners)))
        redeemed = self._count(select(func.count(func.distinct(Redemption.partner_id))).where(
            Redemption.program_id == self.program.id, Redemption.status == Status.COMPLETED,
            Redemption.partner_id.in_(self.partners)))
        enrolled = self.enrolled
        return Table("funnel", ("step", "partners"), [
            ("enrolled", enrolled), ("first earn", earned), ("first redemption", redeemed)])

    def learning(self) -> Table:
        certs = self._count(select(func.count(Certificate.id)).where(
            Certificate.program_id == self.program.id, Certificate.partner_id.in_(self.partners),
            self._in_range(Certificate.issued_at)))
        attempts = dict(self.db.execute(select(QuizAttempt.status, func.count()).where(
            QuizAttempt.program_id == self.program.id, QuizAttempt.partner_id.in_(self.partners),
            self._in_range(QuizAttempt.started_at)).group_by(QuizAttempt.status)).all())
        finished = attempts.get(AttemptStatus.PASSED, 0) + attempts.get(AttemptStatus.FAILED, 0)
        paid = self._entries(JournalEntry.cause == "certification",
                             self._in_range(JournalEntry.created_at))
        value = self.program.spec.credit_value_paise
        enrolled = self.enrolled
        return Table("learning", ("figure", "value"), [
            ("certifications", certs),
            ("completion rate %", round(100 * certs / enrolled, 1) if enrolled else 0),
            ("quiz attempts", sum(attempts.values())),
            ("quiz pass rate %", round(100 * attempts.get(AttemptStatus.PASSED, 0) / finished,
                                       1) if finished else 0),
            ("cost per certification (paise)", paid * value // certs if certs else 0)])

    def credits(self) -> Table:
        in_range = self._in_range(JournalEntry.created_at)
        issued = self._entries(JournalEntry.credits > 0, in_range,
                               JournalEntry.cause != "reversal")
        redeemed = -self._entries(JournalEntry.cause.in_(("redemption", "voucher")), in_range)
        expired = -self._entries(JournalEntry.cause == "expiry", in_range)
        balance, held = self.db.execute(select(
            func.coalesce(func.sum(Wallet.balance), 0), func.coalesce(func.sum(Wallet.held), 0))
            .where(Wallet.program_id == self.program.id,
                   Wallet.partner_id.in_(self.partners))).one()
        value = self.program.spec.credit_value_paise
        return Table("credits", ("figure", "credits", "paise"), [
            ("issued", issued, issued * value), ("redeemed", redeemed, redeemed * value),
            ("expired", expired, expired * value), ("held for payouts", held, held * value),
            ("outstanding", balance, balance * value)])

    def payouts(self) -> Table:
        rows = self.db.execute(select(Redemption.status, func.count(),
                                      func.coalesce(func.sum(Redemption.value_paise), 0))
                               .where(Redemption.program_id == self.program.id,
                                      Redemption.partner_id.in_(self.partners),
                                      self._in_range(Redemption.created_at))
                               .group_by(Redemption.status).order_by(Redemption.status)).all()
        return Table("payouts", ("status", "count", "paise"),
                     [tuple(r) for r in rows])

    def invoices_and_codes(self) -> Table:
        invoices = self.db.execute(select(Invoice.status, func.count()).where(
            Invoice.program_id == self.program.id, Invoice.partner_id.in_(self.partners),
            self._in_range(Invoice.created_at)).group_by(Invoice.status)
            .order_by(Invoice.status)).all()
        scans = self._count(select(func.count(QrScan.id)).where(
            QrScan.partner_id.in_(self.partners), self._in_range(QrScan.created_at)))
        flags = self.db.execute(select(ReviewItem.kind, func.count()).where(
            ReviewItem.program_id == self.program.id, self._in_range(ReviewItem.created_at))
            .group_by(ReviewItem.kind).order_by(ReviewItem.kind)).all()
        return Table("activity", ("what", "count"), [
            *((f"invoices {s}", n) for s, n in invoices), ("code scans", scans),
            *((f"sent to review: {k}", n) for k, n in flags)])

    def cohorts(self) -> Table:
        """Per enrollment month: partners, and the share active in the last 30 days."""
        month = func.substr(_day(self.db, Membership.joined_at), 1, 7)
        phones_active = select(InboxMessage.phone).where(
            InboxMessage.received_at >= utcnow() - timedelta(days=30))
        rows = self.db.execute(select(
            month, func.count(), func.count(Partner.id).filter(Partner.phone.in_(phones_active)))
            .join(Partner, Partner.id == Membership.partner_id)
            .where(Membership.program_id == self.program.id,
                   Membership.partner_id.in_(self.partners))
            .group_by(month).order_by(month)).all()
        return Table("cohorts", ("joined", "partners", "active 30 days %"),
                     [(m, n, round(100 * a / n, 1) if n else 0) for m, n, a in rows])

    def daily(self) -> list[tuple[date, int, int]]:
        """(day, partners joined, credits issued) for each day of the range."""
        day_joined = _day(self.db, Membership.joined_at)
        joined = dict(self.db.execute(select(day_joined, func.count()).where(
            Membership.program_id == self.program.id, Membership.partner_id.in_(self.partners),
            self._in_range(Membership.joined_at)).group_by(day_joined)).all())
        day_entry = _day(self.db, JournalEntry.created_at)
        issued = dict(self.db.execute(select(day_entry, func.sum(JournalEntry.credits)).where(
            JournalEntry.program_id == self.program.id, JournalEntry.credits > 0,
            ~JournalEntry.queued, JournalEntry.cause != "reversal",
            JournalEntry.partner_id.in_(self.partners),
            self._in_range(JournalEntry.created_at)).group_by(day_entry)).all())
        days = (self.span.end - self.span.start).days + 1
        out = []
        for n in range(days):
            day = self.span.start + timedelta(days=n)
            out.append((day, _at(joined, day), _at(issued, day)))
        return out

    def tables(self) -> list[Table]:
        return [self.table(name) for name in NAMES]

    def table(self, name: str) -> Table | None:
        """One table by its name (a CSV download computes only that one)."""
        builders = {"partners": self.partners_table, "funnel": self.funnel,
                    "learning": self.learning, "credits": self.credits,
                    "payouts": self.payouts, "activity": self.invoices_and_codes,
                    "cohorts": self.cohorts}
        return builders[name]() if name in builders else None


def _at(by_day: dict, day: date) -> int:
    return int(by_day.get(day.isoformat()) or 0)


def _day(session: Session, column):
    """The UTC day of a timestamp column as 'YYYY-MM-DD' text, on either database."""
    if is_postgres(session):
        return func.to_char(func.timezone("UTC", column), "YYYY-MM-DD")
    return func.substr(column, 1, 10)
