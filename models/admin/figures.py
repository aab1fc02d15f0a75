"""Figures for the overview: per program, what an account may see of it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.admin import scope
from models.admin.users import AdminUser
from models.ledger.tables import Wallet
from models.partners.partner import Partner
from models.programs.program import Membership


@dataclass(frozen=True)
class ProgramCard:
    code: str
    name: str
    enrolled: int
    outstanding: int  # credits in wallets
    liability_paise: int  # what they are worth


def program_cards(session: Session, user: AdminUser) -> list[ProgramCard]:
    """Enrolled partners and outstanding credits of each program `user` sees."""
    visible = select(Partner.id).where(scope.partner_clause(session, user))

    def mine(column):
        return True if scope.brand_wide(user) else column.in_(visible)

    cards = []
    for program in scope.programs(session, user):
        enrolled = session.scalar(select(func.count(Membership.id)).where(
            Membership.program_id == program.id, mine(Membership.partner_id))) or 0
        outstanding = session.scalar(select(func.coalesce(func.sum(Wallet.balance), 0)).where(
            Wallet.program_id == program.id, mine(Wallet.partner_id))) or 0
        cards.append(ProgramCard(program.code, program.name, enrolled, int(outstanding),
                                 int(outstanding) * program.spec.credit_value_paise))
    return cards
