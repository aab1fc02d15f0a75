"""A program's figures for a date range, as named tables (the page draws them, the CSV
download writes them): partners, funnel, learning, credits, payouts, invoices and codes,
cohorts, and the daily series the charts show. Scoped like everything else an account reads."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.admin import rollup, scope
from models.admin.rollup import Rollup
from models.admin.users import AdminUser
from models.base import UTC
from models.codes.tables import QrBatch, QrScan
from models.invoices.invoice import Invoice
from models.learning.certificates import Certificate
from models.learning.progress import AttemptStatus, QuizAttempt
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
    """One program's figures for one account and range: ledger, enrollment and activity
    counts from the rollup (models/admin/rollup.py), the rest live."""

    def __init__(self, session: Session, user: AdminUser, program: Program, span: Range):
        self.db, self.program, self.span = session, program, span
        self.distributor = None if scope.brand_wide(user) else user.distributor_id
        if self.distributor is None:  # every member of a brand's program is in scope
            self.partners = select(Membership.partner_id).where(
                Membership.program_id == program.id)
        else:
            self.partners = select(Partner.id).where(scope.partner_clause(session, user))
        rollup.ensure(session, program.id)

    @property
    def counted_at(self):
        """When the rollup behind the counted figures was made."""
        return rollup.computed_at(self.db, self.program.id)

    def _count(self, stmt) -> int:
        return self.db.scalar(stmt) or 0

    def _in_range(self, column):
        return (column >= self.span.since) & (column < self.span.until)

    def _mine(self, column):
        """Rows of partners in scope (no filter for a brand-wide account)."""
        return column.in_(self.partners) if self.distributor is not None else True

    def _rolled(self, *metrics: str, ranged: bool = True) -> dict[str, int]:
        """Sum of each metric over the range (or all days) in this account's group."""
        span = {"since": self.span.start, "until": self.span.end} if ranged else {}
        return rollup.totals(self.db, self.program.id, self.distributor, list(metrics), **span)

    @functools.cached_property
    def enrolled(self) -> int:
        return self._rolled("joined", ranged=False).get("joined", 0)

    def partners_table(self) -> Table:
        joined = self._rolled("joined").get("joined", 0)
        active = self._rolled("active7", "active30", ranged=False)
        return Table("partners", ("figure", "value"), [
            ("enrolled", self.enrolled), ("joined in range", joined),
            ("active 7 days", active.get("active7", 0)),
            ("active 30 days", active.get("active30", 0))])

    def funnel(self) -> Table:
        earned = self._rolled("first_earn", ranged=False).get("first_earn", 0)
        redeemed = self._count(select(func.count(func.distinct(Redemption.partner_id))).where(
            Redemption.program_id == self.program.id, Redemption.status == Status.COMPLETED,
            self._mine(Redemption.partner_id)))
        return Table("funnel", ("step", "partners"), [
            ("enrolled", self.enrolled), ("first earn", earned),
            ("first redemption", redeemed)])

    def learning(self) -> Table:
        certs = self._count(select(func.count(Certificate.id)).where(
            Certificate.program_id == self.program.id, self._mine(Certificate.partner_id),
            self._in_range(Certificate.issued_at)))
        attempts = dict(self.db.execute(select(QuizAttempt.status, func.count()).where(
            QuizAttempt.program_id == self.program.id, self._mine(QuizAttempt.partner_id),
            self._in_range(QuizAttempt.started_at)).group_by(QuizAttempt.status)).all())
        finished = attempts.get(AttemptStatus.PASSED, 0) + attempts.get(AttemptStatus.FAILED, 0)
        paid = sum(self._rolled("in:certification", "out:certification").values())
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
        sums = self._ledger_sums()
        issued = sum(v for k, v in sums.items() if k.startswith("in:") and k != "in:reversal")
        redeemed = -sum(v for k, v in sums.items()
                        if k.split(":")[1] in ("redemption", "voucher"))
        expired = -sum(v for k, v in sums.items() if k.split(":")[1] == "expiry")
        wallets = self._rolled("balance", "held", ranged=False)
        balance, held = wallets.get("balance", 0), wallets.get("held", 0)
        value = self.program.spec.credit_value_paise
        return Table("credits", ("figure", "credits", "paise"), [
            ("issued", issued, issued * value), ("redeemed", redeemed, redeemed * value),
            ("expired", expired, expired * value), ("held for payouts", held, held * value),
            ("outstanding", balance, balance * value)])

    def _ledger_sums(self) -> dict[str, int]:
        return self._rolled("in:%", "out:%")

    def payouts(self) -> Table:
        rows = self.db.execute(select(Redemption.status, func.count(),
                                      func.coalesce(func.sum(Redemption.value_paise), 0))
                               .where(Redemption.program_id == self.program.id,
                                      self._mine(Redemption.partner_id),
                                      self._in_range(Redemption.created_at))
                               .group_by(Redemption.status).order_by(Redemption.status)).all()
        return Table("payouts", ("status", "count", "paise"),
                     [tuple(r) for r in rows])

    def invoices_and_codes(self) -> Table:
        invoices = self.db.execute(select(Invoice.status, func.count()).where(
            Invoice.program_id == self.program.id, self._mine(Invoice.partner_id),
            self._in_range(Invoice.created_at)).group_by(Invoice.status)
            .order_by(Invoice.status)).all()
        batches = select(QrBatch.id).where(QrBatch.program_id == self.program.id)
        scans = self._count(select(func.count(QrScan.id)).where(
            QrScan.batch_id.in_(batches), self._mine(QrScan.partner_id),
            self._in_range(QrScan.created_at)))
        flags = self.db.execute(select(ReviewItem.kind, func.count()).where(
            ReviewItem.program_id == self.program.id, self._mine(ReviewItem.partner_id),
            self._in_range(ReviewItem.created_at))
            .group_by(ReviewItem.kind).order_by(ReviewItem.kind)).all()
        return Table("activity", ("what", "count"), [
            *((f"invoices {s}", n) for s, n in invoices), ("code scans", scans),
            *((f"sent to review: {k}", n) for k, n in flags)])

    def cohorts(self) -> Table:
        """Per enrollment month: partners, and the share active in the last 30 days."""
        where = [Rollup.program_id == self.program.id,
                 Rollup.metric.in_(("cohort", "cohort_active"))]
        if self.distributor is not None:
            where.append(Rollup.grp == self.distributor)
        counts: dict[str, dict[str, int]] = {}
        for day, metric, value in self.db.execute(
                select(Rollup.day, Rollup.metric, func.sum(Rollup.value)).where(*where)
                .group_by(Rollup.day, Rollup.metric)):
            counts.setdefault(day.isoformat()[:7], {})[metric] = int(value)
        rows = []
        for month in sorted(counts):
            n, a = counts[month].get("cohort", 0), counts[month].get("cohort_active", 0)
            rows.append((month, n, round(100 * a / n, 1) if n else 0))
        return Table("cohorts", ("joined", "partners", "active 30 days %"), rows)

    def daily(self) -> list[tuple[date, int, int]]:
        """(day, partners joined, credits issued) for each day of the range."""
        where = [Rollup.program_id == self.program.id, Rollup.day >= self.span.start,
                 Rollup.day <= self.span.end,
                 (Rollup.metric == "joined") | (Rollup.metric.like("in:%") &
                                                (Rollup.metric != "in:reversal"))]
        if self.distributor is not None:
            where.append(Rollup.grp == self.distributor)
        joined: dict[date, int] = {}
        issued: dict[date, int] = {}
        for day, metric, value in self.db.execute(
                select(Rollup.day, Rollup.metric, func.sum(Rollup.value)).where(*where)
                .group_by(Rollup.day, Rollup.metric)):
            into = joined if metric == "joined" else issued
            into[day] = into.get(day, 0) + int(value)
        days = (self.span.end - self.span.start).days + 1
        return [(d, joined.get(d, 0), issued.get(d, 0))
                for d in (self.span.start + timedelta(days=n) for n in range(days))]

    def tables(self) -> list[Table]:
        return [self.table(name) for name in NAMES]

    def table(self, name: str) -> Table | None:
        """One table by its name (a CSV download computes only that one)."""
        builders = {"partners": self.partners_table, "funnel": self.funnel,
                    "learning": self.learning, "credits": self.credits,
                    "payouts": self.payouts, "activity": self.invoices_and_codes,
                    "cohorts": self.cohorts}
        return builders[name]() if name in builders else None


