"""Figures for the overview: per program, what an account may see of it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from models.admin import rollup, scope
from models.admin.users import AdminUser


@dataclass(frozen=True)
class ProgramCard:
    code: str
    name: str
    enrolled: int
    outstanding: int  # credits in wallets
    liability_paise: int  # what they are worth


def program_cards(session: Session, user: AdminUser) -> list[ProgramCard]:
    """Enrolled partners and outstanding credits of each program `user` sees (counted by
    the rollup: models/admin/rollup.py)."""
    grp = None if scope.brand_wide(user) else user.distributor_id
    cards = []
    for program in scope.programs(session, user):
        rollup.ensure(session, program.id)
        counted = rollup.totals(session, program.id, grp, ["joined", "balance"])
        outstanding = counted.get("balance", 0)
        cards.append(ProgramCard(program.code, program.name, counted.get("joined", 0),
                                 outstanding, outstanding * program.spec.credit_value_paise))
    return cards
