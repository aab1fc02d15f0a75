"""Everything a partner did in the programs an account sees: certificates, invoices, product
code scans, redemptions (the lower half of the partner's page)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.admin import scope
from models.admin.users import AdminUser
from models.codes.tables import QrScan
from models.invoices.invoice import Invoice
from models.learning.certificates import Certificate
from models.partners.partner import Partner
from models.redemptions.redemption import Redemption

LIMIT = 100


@dataclass(frozen=True)
class Activity:
    certificates: list[Certificate]
    invoices: list[Invoice]
    scans: list[QrScan]
    redemptions: list[Redemption]


def activity(session: Session, user: AdminUser, partner: Partner) -> Activity:
    """The partner's latest of each, newest first, within `user`'s programs."""
    programs = scope.program_ids(session, user)

    def latest(table, *where):
        return list(session.scalars(select(table).where(table.partner_id == partner.id, *where)
                                    .order_by(table.id.desc()).limit(LIMIT)))
    return Activity(latest(Certificate, Certificate.program_id.in_(programs)),
                    latest(Invoice, Invoice.program_id.in_(programs)),
                    latest(QrScan),  # a scan of an unknown code has no program
                    latest(Redemption, Redemption.program_id.in_(programs)))


def visible(session: Session, user: AdminUser, table, row_id: int):
    """An invoice or redemption of a partner and program `user` sees, or None."""
    row = session.get(table, row_id)
    if row is None or row.program_id not in scope.program_ids(session, user) or \
            scope.visible_partner(session, user, row.partner_id) is None:
        return None
    return row
