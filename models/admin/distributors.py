"""A distributor's side of a brand's programs, as its distributor admin (or the brand) sees
it: shops and reps, bulk-enrollment batches with each row's outcome, vouchers to honour,
review items, and the shops' leaderboard of credits earned this month."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.admin import rollup, scope
from models.admin.users import AdminUser
from models.base import utcnow
from models.enrollment import batches
from models.enrollment.batches import EnrollmentBatch
from models.partners.partner import Partner, Role
from models.redemptions.vouchers import Voucher, VoucherStatus
from models.review.queue import ReviewItem, ReviewStatus

PAGE = 50


@dataclass(frozen=True)
class Leader:
    partner: Partner
    credits: int


@dataclass(frozen=True)
class DistributorView:
    distributor: Partner
    shops: list[Partner]
    shop_count: int
    reps: list[Partner]
    batches: list[EnrollmentBatch]
    vouchers: list[Voucher]
    review: list[ReviewItem]
    leaders: list[Leader]


def _brand_clause(session: Session, user: AdminUser):
    """Distributors of the account's brand: listed in one of its program files, or members."""
    codes = [d.code for p in scope.programs(session, user) for d in p.spec.distributors]
    clause = Partner.code.in_(codes) | scope.partner_clause(session, user)
    if not scope.brand_wide(user):
        clause = clause & (Partner.id == user.distributor_id)
    return (Partner.role == Role.DISTRIBUTOR) & clause


def distributors(session: Session, user: AdminUser) -> list[Partner]:
    """The distributors `user` may open: every one of the brand's, or the account's own."""
    return list(session.scalars(select(Partner).where(_brand_clause(session, user))
                                .order_by(Partner.name).limit(PAGE)))


def visible(session: Session, user: AdminUser, distributor_id: int) -> Partner | None:
    """The distributor, or None when it does not exist or `user` may not see it."""
    return session.scalar(select(Partner).where(Partner.id == distributor_id,
                                                _brand_clause(session, user)))


def view(session: Session, user: AdminUser, distributor: Partner, page: int = 0) -> \
        DistributorView:
    mine = select(Partner.id).where(Partner.parent_id == distributor.id)
    shops = select(Partner).where(Partner.parent_id == distributor.id,
                                  Partner.role != Role.DISTRIBUTOR_REP)
    programs = scope.program_ids(session, user)
    return DistributorView(
        distributor=distributor,
        shops=list(session.scalars(shops.order_by(Partner.id.desc())
                                   .offset(page * PAGE).limit(PAGE))),
        shop_count=session.scalar(select(func.count()).select_from(shops.subquery())) or 0,
        reps=list(session.scalars(select(Partner).where(
            Partner.parent_id == distributor.id, Partner.role == Role.DISTRIBUTOR_REP)
            .order_by(Partner.id))),
        batches=batches.of_distributor(session, distributor.id, programs),
        vouchers=list(session.scalars(select(Voucher).where(
            Voucher.distributor_id == distributor.id, Voucher.status == VoucherStatus.ISSUED,
            Voucher.program_id.in_(programs)).order_by(Voucher.expires_at).limit(PAGE))),
        review=list(session.scalars(select(ReviewItem).where(
            scope.review_clause(session, user), ReviewItem.status == ReviewStatus.PENDING,
            ReviewItem.partner_id.in_(mine)).order_by(ReviewItem.id).limit(PAGE))),
        leaders=leaderboard(session, distributor.id, programs, utcnow()))


def leaderboard(session: Session, distributor_id: int, program_ids: list[int],
                now: datetime) -> list[Leader]:
    """The distributor's shops by credits earned since the first of this month (UTC), as the
    rollup counted them (models/admin/rollup.py, every few minutes)."""
    month = now.date().replace(day=1)
    earned: dict[int, int] = {}
    for program_id in program_ids:
        rollup.ensure(session, program_id)
        for metric, credits in rollup.totals(session, program_id, distributor_id, ["leader:%"],
                                             since=month).items():
            partner_id = int(metric.removeprefix("leader:"))
            earned[partner_id] = earned.get(partner_id, 0) + credits
    shops = {p.id: p for p in session.scalars(select(Partner).where(
        Partner.id.in_(earned), Partner.parent_id == distributor_id))}
    ranked = sorted(earned.items(), key=lambda kv: (-kv[1], kv[0]))
    return [Leader(shops[pid], n) for pid, n in ranked if pid in shops][:rollup.LEADERS]
