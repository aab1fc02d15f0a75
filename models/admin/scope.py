"""What an admin account may see: its brand's programs, and inside them every partner (brand
admin, support, analyst) or one distributor's shops and reps (distributor admin).

Every read an admin page or API makes goes through these filters; a row outside them is
answered as if it did not exist."""

from __future__ import annotations

from sqlalchemy import ColumnElement, exists, or_, select
from sqlalchemy.orm import Session

from models.admin.users import AdminRole, AdminUser, brand_programs
from models.partners.partner import Partner
from models.programs.program import Membership, Program
from models.review.queue import ReviewItem


def program_ids(session: Session, user: AdminUser) -> list[int]:
    return [p.id for p in brand_programs(session, user.brand)]


def programs(session: Session, user: AdminUser) -> list[Program]:
    return brand_programs(session, user.brand)


def brand_wide(user: AdminUser) -> bool:
    """Whether `user` sees every partner of its brand's programs (all but distributor admins):
    a query over one program's rows then needs no partner filter."""
    return user.role != AdminRole.DISTRIBUTOR_ADMIN


def partner_clause(session: Session, user: AdminUser) -> ColumnElement[bool]:
    """A WHERE clause on Partner: the partners `user` may see."""
    in_brand = exists(select(Membership.id).where(
        Membership.partner_id == Partner.id,
        Membership.program_id.in_(program_ids(session, user))))
    if user.role != AdminRole.DISTRIBUTOR_ADMIN:
        return in_brand
    own = or_(Partner.parent_id == user.distributor_id, Partner.id == user.distributor_id)
    return in_brand & own


def visible_partner(session: Session, user: AdminUser, partner_id: int) -> Partner | None:
    """The partner, or None when it does not exist or `user` may not see it."""
    return session.scalar(select(Partner).where(Partner.id == partner_id,
                                                partner_clause(session, user)))


def review_clause(session: Session, user: AdminUser) -> ColumnElement[bool]:
    """A WHERE clause on ReviewItem: the items `user` may see."""
    clause = ReviewItem.program_id.in_(program_ids(session, user))
    if user.role == AdminRole.DISTRIBUTOR_ADMIN:
        clause = clause & ReviewItem.partner_id.in_(
            select(Partner.id).where(partner_clause(session, user)))
    return clause


def visible_review(session: Session, user: AdminUser, item_id: int) -> ReviewItem | None:
    return session.scalar(select(ReviewItem).where(ReviewItem.id == item_id,
                                                   review_clause(session, user)))
