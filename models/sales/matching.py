"""Who bought: the program's partner with the sale's buyer GSTIN (for a person to confirm if
two members declared it), else its phone, else one whose name or shop is like the buyer's
name at the same PIN code (a fuzzy match, so a person confirms it). The index is built once
per import: one query, then a dictionary look-up a row.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from rapidfuzz import fuzz
from sqlalchemy import select
from sqlalchemy.orm import Session

from models.partners.partner import Partner
from models.programs.program import Membership
from models.sales.lines import Sale

NAME_SCORE = 80  # token-set ratio, 0..100, from which a name at the same PIN is a candidate


@dataclass(frozen=True)
class Buyer:
    partner_id: int
    by: str  # gstin, phone, name
    sure: bool  # False: a fuzzy name match, for a person to confirm


@dataclass
class BuyerIndex:
    gstin: dict[str, int] = field(default_factory=dict)
    shared: set[str] = field(default_factory=set)  # GSTINs more than one member declared
    phone: dict[str, int] = field(default_factory=dict)
    names: dict[str, list[tuple[int, str]]] = field(default_factory=lambda: defaultdict(list))

    def find(self, sale: Sale) -> Buyer | None:
        if sale.buyer_gstin and sale.buyer_gstin in self.gstin:
            return Buyer(self.gstin[sale.buyer_gstin], "gstin",
                         sale.buyer_gstin not in self.shared)
        if sale.buyer_phone and sale.buyer_phone in self.phone:
            return Buyer(self.phone[sale.buyer_phone], "phone", True)
        if sale.buyer_name and sale.buyer_pincode:
            scored = [(fuzz.token_set_ratio(sale.buyer_name.lower(), name), partner_id)
                      for partner_id, name in self.names.get(sale.buyer_pincode, ())]
            best = max(scored, default=(0, 0))
            if best[0] >= NAME_SCORE:
                return Buyer(best[1], "name", False)
        return None


def buyer_index(session: Session, program_id: int) -> BuyerIndex:
    """Every member of the program, by GSTIN, phone and (PIN code → names)."""
    index = BuyerIndex()
    rows = session.execute(select(Partner.id, Partner.gstin, Partner.phone, Partner.name,
                                  Partner.shop, Partner.pincode)
                           .join(Membership, Membership.partner_id == Partner.id)
                           .where(Membership.program_id == program_id))
    for partner_id, gstin, phone, name, shop, pincode in rows:
        if gstin and index.gstin.setdefault(gstin, partner_id) != partner_id:
            index.shared.add(gstin)
        index.phone[phone] = partner_id
        if pincode:
            for label in {name, shop} - {None, ""}:
                index.names[pincode].append((partner_id, label.lower()))
    return index
