"""What the admin shows of partners: search within an account's scope, and one partner's
page (memberships, wallets, every ledger entry)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Session

from models import ledger
from models.admin import scope
from models.admin.users import AdminUser
from models.db import is_postgres
from models.ledger import tier_history
from models.ledger.tables import JournalEntry
from models.ledger.tier_history import TierChange
from models.partners.partner import Partner
from models.programs.program import Program, memberships_of

SEARCH_LIMIT = 50
ENTRIES_LIMIT = 500


def search(session: Session, user: AdminUser, text: str) -> list[Partner]:
    """Partners `user` may see whose phone, name, shop, GSTIN or PIN code holds `text`."""
    stmt = select(Partner).where(scope.partner_clause(session, user))
    words = text.strip()
    if is_postgres(session) and words:
        # A prepared statement's generic plan knows no pattern and walks every partner by
        # id; planned for the words at hand, a rare one uses the trigram indexes.
        session.execute(sql_text("SET LOCAL plan_cache_mode = force_custom_plan"))
    digits = words.replace(" ", "").removeprefix("+")
    if digits.isdigit():  # a phone number (or its part) or a PIN code
        stmt = stmt.where(or_(Partner.phone.contains(digits), Partner.pincode == digits))
    elif words:  # a part of a name or shop (trigram indexes), or a GSTIN
        like = f"%{words.lower()}%"
        stmt = stmt.where(or_(Partner.name.ilike(like), Partner.shop.ilike(like),
                              Partner.gstin == words.upper()))
    return list(session.scalars(stmt.order_by(Partner.id.desc()).limit(SEARCH_LIMIT)))


@dataclass(frozen=True)
class WalletView:
    program: Program
    status: str
    balance: ledger.Balance
    tier: str | None
    entries: list[JournalEntry]
    tiers: list[TierChange]  # the tier's history, newest first


def wallets(session: Session, user: AdminUser, partner: Partner) -> list[WalletView]:
    """The partner's wallets in the programs `user` sees, with every entry, newest first."""
    visible = set(scope.program_ids(session, user))
    views = []
    for membership in memberships_of(session, partner.id):
        if membership.program_id not in visible:
            continue
        program = session.get(Program, membership.program_id)
        entries = list(session.scalars(
            select(JournalEntry).where(JournalEntry.partner_id == partner.id,
                                       JournalEntry.program_id == program.id)
            .order_by(JournalEntry.id.desc()).limit(ENTRIES_LIMIT)))
        tier = ledger.current_tier(session, partner.id, program.id)
        views.append(WalletView(program, membership.status,
                                ledger.wallet_balance(session, partner.id, program.id),
                                tier.name, entries,
                                tier_history.history(session, partner.id, program.id)))
    return views


def visible_entry(session: Session, user: AdminUser, entry_id: int) -> JournalEntry | None:
    """A ledger entry of a partner and program `user` may see, or None."""
    entry = session.get(JournalEntry, entry_id)
    if entry is None or entry.partner_id is None or \
            entry.program_id not in scope.program_ids(session, user) or \
            scope.visible_partner(session, user, entry.partner_id) is None:
        return None
    return entry
