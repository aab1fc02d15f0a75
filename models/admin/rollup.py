"""Pre-counted figures for the overview: one pass over the ledger, memberships and inbox per
program writes small rows (program, distributor group, day, metric, value) that the page sums
in milliseconds instead of scanning a million postings on every view.

The group is the partner's distributor (a shop's or rep's parent, a distributor itself), 0
for everyone else, so a distributor admin's figures are the rows of their group. A periodic
job (workers/schedule.py) refreshes every program; the overview refreshes a program never
counted yet. Money that must be exact now (wallet balances) is read live, not from here."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import BigInteger, Date, ForeignKey, String, case, delete, func, literal, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import UTC, Base, BigId, UTCDateTime, utcnow
from models.db import is_postgres
from models.ledger.tables import JournalEntry, Wallet
from models.messaging.inbox import InboxMessage
from models.partners.partner import Partner, Role
from models.programs.program import Membership, Program

EARN_CAUSES = ("certification", "invoice", "qr_code")
LEADERS = 20  # shops kept per distributor for the leaderboard
ACTIVE_DAYS = (7, 30)


class Rollup(Base):
    __tablename__ = "admin_rollups"

    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"), primary_key=True)
    grp: Mapped[int] = mapped_column(BigId, primary_key=True)  # distributor id, or 0
    day: Mapped[date] = mapped_column(Date, primary_key=True)  # a snapshot: the day counted
    metric: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime)


def group_of():
    """A partner's distributor group as an SQL expression on Partner."""
    own = case((Partner.role == Role.DISTRIBUTOR, Partner.id), else_=0)
    return func.coalesce(Partner.parent_id, own)


def day_of(session: Session, column):
    """The UTC day of a timestamp column as 'YYYY-MM-DD' text, on either database."""
    if is_postgres(session):
        return func.to_char(func.timezone("UTC", column), "YYYY-MM-DD")
    return func.substr(column, 1, 10)


def refresh(session: Session, program_id: int) -> int:
    """Count one program again from scratch (replacing its rows); how many rows it wrote."""
    now = utcnow()
    rows: dict[tuple[int, str, str], int] = {}
    for grp, day, metric, value in _counts(session, program_id, now):
        key = (int(grp), str(day)[:10], metric)
        rows[key] = rows.get(key, 0) + int(value or 0)
    session.execute(delete(Rollup).where(Rollup.program_id == program_id))
    session.add_all(Rollup(program_id=program_id, grp=grp, day=date.fromisoformat(day),
                           metric=metric, value=value, computed_at=now)
                    for (grp, day, metric), value in rows.items())
    session.flush()
    return len(rows)


def refresh_all(session: Session) -> int:
    return sum(refresh(session, pid) for pid in session.scalars(select(Program.id)))


def computed_at(session: Session, program_id: int) -> datetime | None:
    return session.scalar(select(func.min(Rollup.computed_at))
                          .where(Rollup.program_id == program_id))


def _counts(session: Session, program_id: int, now: datetime):
    """(group, day, metric, value) rows of every pre-counted figure of the program."""
    sign = case((JournalEntry.credits > 0, "in:"), else_="out:")
    entries = select(group_of().label("grp"),
                     day_of(session, JournalEntry.created_at).label("day"),
                     (sign + JournalEntry.cause).label("metric"),
                     JournalEntry.credits.label("credits")) \
        .join(Partner, Partner.id == JournalEntry.partner_id) \
        .where(JournalEntry.program_id == program_id, ~JournalEntry.queued).subquery()
    yield from session.execute(select(entries.c.grp, entries.c.day, entries.c.metric,
                                      func.sum(entries.c.credits))
                               .group_by(entries.c.grp, entries.c.day, entries.c.metric))
    members = select(group_of().label("grp"), day_of(session, Membership.joined_at).label("day"),
                     Partner.phone.label("phone")) \
        .join(Membership, Membership.partner_id == Partner.id) \
        .where(Membership.program_id == program_id).subquery()
    yield from session.execute(select(members.c.grp, members.c.day, literal("joined"),
                                      func.count()).group_by(members.c.grp, members.c.day))
    first = select(JournalEntry.partner_id, func.min(JournalEntry.created_at).label("at")) \
        .where(JournalEntry.program_id == program_id, JournalEntry.credits > 0,
               JournalEntry.cause.in_(EARN_CAUSES)).group_by(JournalEntry.partner_id).subquery()
    firsts = select(group_of().label("grp"), day_of(session, first.c.at).label("day")) \
        .join(first, first.c.partner_id == Partner.id).subquery()
    yield from session.execute(select(firsts.c.grp, firsts.c.day, literal("first_earn"),
                                      func.count()).group_by(firsts.c.grp, firsts.c.day))
    yield from _active(session, members, now)
    yield from _wallets(session, program_id, now)
    yield from _leaders(session, program_id, now)


def _wallets(session: Session, program_id: int, now: datetime):
    """Credits in wallets and held for payouts per group, as of now."""
    today = now.date().isoformat()
    grouped = select(group_of().label("grp"), Wallet.balance, Wallet.held) \
        .join(Partner, Partner.id == Wallet.partner_id) \
        .where(Wallet.program_id == program_id).subquery()
    for grp, balance, held in session.execute(
            select(grouped.c.grp, func.sum(grouped.c.balance), func.sum(grouped.c.held))
            .group_by(grouped.c.grp)):
        yield grp, today, "balance", balance
        yield grp, today, "held", held


def _leaders(session: Session, program_id: int, now: datetime):
    """Each distributor's shops with the most credits earned this month (the top LEADERS),
    as metric "leader:<partner id>" on the month's first day."""
    month = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    earned = select(Partner.parent_id.label("grp"), JournalEntry.partner_id,
                    func.sum(JournalEntry.credits).label("credits")) \
        .join(Partner, Partner.id == JournalEntry.partner_id) \
        .where(JournalEntry.program_id == program_id, JournalEntry.created_at >= month,
               JournalEntry.credits > 0, JournalEntry.cause.in_(EARN_CAUSES),
               Partner.parent_id.is_not(None)) \
        .group_by(Partner.parent_id, JournalEntry.partner_id)
    kept: dict[int, int] = {}
    for grp, partner_id, credits in session.execute(
            earned.order_by(Partner.parent_id, func.sum(JournalEntry.credits).desc(),
                            JournalEntry.partner_id)):
        kept[grp] = kept.get(grp, 0) + 1
        if kept[grp] <= LEADERS:
            yield grp, month.date().isoformat(), f"leader:{partner_id}", credits


def totals(session: Session, program_id: int, grp: int | None, metrics: list[str], *,
           since: date | None = None, until: date | None = None) -> dict[str, int]:
    """Each metric summed over days (all, or since..until inclusive) and over every group,
    or only `grp`; a metric ending in "%" sums every metric it starts."""
    names = [m for m in metrics if not m.endswith("%")]
    clause = Rollup.metric.in_(names)
    for prefix in (m for m in metrics if m.endswith("%")):
        clause = clause | Rollup.metric.like(prefix)
    where = [Rollup.program_id == program_id, clause]
    if grp is not None:
        where.append(Rollup.grp == grp)
    if since is not None:
        where.append(Rollup.day >= since)
    if until is not None:
        where.append(Rollup.day <= until)
    return {m: int(v or 0) for m, v in session.execute(
        select(Rollup.metric, func.sum(Rollup.value)).where(*where).group_by(Rollup.metric))}


def ensure(session: Session, program_id: int) -> None:
    """Count a program never counted yet (the periodic job keeps the others fresh)."""
    if computed_at(session, program_id) is None:
        refresh(session, program_id)


def _active(session: Session, members, now: datetime):
    """Partners who wrote in the last 7 and 30 days (today's snapshot), and per enrollment
    month how many of them wrote in the last 30 days (the cohorts)."""
    today = now.date().isoformat()
    seen = select(InboxMessage.phone, func.max(InboxMessage.received_at).label("last")) \
        .where(InboxMessage.received_at >= now - timedelta(days=max(ACTIVE_DAYS))) \
        .group_by(InboxMessage.phone).subquery()
    month = func.substr(members.c.day, 1, 7)
    for grp, joined, last in session.execute(
            select(members.c.grp, month, seen.c.last)
            .join(seen, seen.c.phone == members.c.phone)):
        for days in ACTIVE_DAYS:
            if _aware(last) >= now - timedelta(days=days):
                yield grp, today, f"active{days}", 1
        yield grp, f"{joined}-01", "cohort_active", 1
    months = select(members.c.grp, month.label("month")).subquery()
    yield from session.execute(select(months.c.grp, months.c.month + "-01", literal("cohort"),
                                      func.count()).group_by(months.c.grp, months.c.month))


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
