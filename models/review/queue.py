"""One review queue for everything that must wait for a person: flagged scans, unsure
invoices, velocity flags, earns past a budget cap. Each kind registers what approve and
reject do, and may register what a reviewer is shown of its subject; the queue itself only
records decisions.

`describe(session, item)` is the reviewer's view of an item, the same for the CLI and the
admin pages:

    {"id", "kind", "rule", "reason", "status", "created_at", "decided_at", "decided_by",
     "note",
     "partner": {"id", "name", "phone", "role", "shop", "gstin", "region", "pincode",
                 "language", "status"} or None,
     "program": {"id", "code"} or None,
     "details": {...}                 # the rule's facts: payload["details"], else the payload
     <kind>: {...}}                   # what the kind adds, e.g. "invoice" (invoice_review.py)
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import INPUT, Base, BigId, Json, UTCDateTime, column_length, utcnow
from models.partners.partner import Partner
from models.programs.program import Program


class ReviewStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class ReviewItem(Base):
    __tablename__ = "review_items"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"))
    program_id: Mapped[int | None] = mapped_column(ForeignKey("programs.id"))
    rule: Mapped[str | None] = mapped_column(String(40), index=True)  # what sent it here
    reason: Mapped[str] = mapped_column(String(200))  # one line for operators, in English
    payload: Mapped[dict] = mapped_column(Json, default=dict)
    status: Mapped[str] = mapped_column(String(16), default=ReviewStatus.PENDING, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by: Mapped[str | None] = mapped_column(String(80), info=INPUT)
    note: Mapped[str | None] = mapped_column(Text)


Decision = Callable[[Session, ReviewItem], None]
View = Callable[[Session, ReviewItem], dict]
_HANDLERS: dict[str, tuple[Decision, Decision]] = {}
_VIEWS: dict[str, View] = {}


class ReviewError(Exception):
    """The item cannot be decided (unknown, or decided already)."""


def valid_actor(actor: object) -> bool:
    """Who decides: printable text that fits the review's and the ledger's columns."""
    return isinstance(actor, str) and 0 < len(actor) <= column_length(ReviewItem.decided_by) \
        and actor.isprintable()


def register(kind: str, *, approve: Decision, reject: Decision, view: View | None = None
             ) -> None:
    """Declare what approving and rejecting an item of `kind` does, and what `view` adds
    to the reviewer's view of it (under the key `kind`)."""
    _HANDLERS[kind] = (approve, reject)
    if view is not None:
        _VIEWS[kind] = view


def submit(session: Session, *, kind: str, reason: str, partner_id: int | None = None,
           program_id: int | None = None, payload: dict | None = None,
           rule: str | None = None) -> ReviewItem:
    """Put an item in the queue."""
    item = ReviewItem(kind=kind, rule=rule, reason=reason[:200], partner_id=partner_id,
                      program_id=program_id, payload=payload or {})
    session.add(item)
    session.flush()
    return item


def kinds() -> list[str]:
    """The kinds of item a reviewer can be asked to decide."""
    return sorted(_HANDLERS)


def pending(session: Session, kind: str | None = None) -> list[ReviewItem]:
    stmt = select(ReviewItem).where(ReviewItem.status == ReviewStatus.PENDING)
    if kind:
        stmt = stmt.where(ReviewItem.kind == kind)
    return list(session.scalars(stmt.order_by(ReviewItem.id)))


def get(session: Session, item_id: int) -> ReviewItem:
    """The item `item_id` (ReviewError if there is none)."""
    item = session.get(ReviewItem, item_id)
    if item is None:
        raise ReviewError(f"no review item {item_id}")
    return item


def describe(session: Session, item: ReviewItem) -> dict:
    """What a reviewer needs to decide `item` (the shape is in this module's docstring)."""
    partner = session.get(Partner, item.partner_id) if item.partner_id else None
    program = session.get(Program, item.program_id) if item.program_id else None
    view = {
        "id": item.id, "kind": item.kind, "rule": item.rule or item.kind, "reason": item.reason,
        "status": item.status, "created_at": _iso(item.created_at),
        "decided_at": _iso(item.decided_at), "decided_by": item.decided_by, "note": item.note,
        "partner": None if partner is None else {
            "id": partner.id, "name": partner.name, "phone": partner.phone,
            "role": partner.role, "shop": partner.shop, "gstin": partner.gstin,
            "region": partner.region, "pincode": partner.pincode,
            "language": partner.language, "status": partner.status},
        "program": None if program is None else {"id": program.id, "code": program.code},
        "details": (item.payload or {}).get("details", item.payload or {}),
    }
    if item.kind in _VIEWS:
        view[item.kind] = _VIEWS[item.kind](session, item)
    return view


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def decide(session: Session, item_id: int, *, approve: bool, actor: str,
           note: str | None = None, verdict: dict | None = None) -> ReviewItem:
    """Approve or reject a pending item, running its kind's handler in the same transaction.

    `verdict` is what the reviewer chose beyond yes or no, for the kind's handler to read
    from `item.payload["verdict"]`: corrected fields on approval, the reason on rejection."""
    # Read afresh once locked: a page that showed the item loaded it in this session, and a
    # return may have shrunk what it asks for (models/ledger/held.py) since.
    item = session.scalar(select(ReviewItem).where(ReviewItem.id == item_id).with_for_update()
                          .execution_options(populate_existing=True))
    if item is None:
        raise ReviewError(f"no review item {item_id}")
    if item.status != ReviewStatus.PENDING:
        raise ReviewError(f"review item {item_id} is already {item.status}")
    if item.kind not in _HANDLERS:
        raise ReviewError(f"no handler for review kind {item.kind!r}")
    on_approve, on_reject = _HANDLERS[item.kind]
    if verdict:
        item.payload = {**(item.payload or {}), "verdict": verdict}
    (on_approve if approve else on_reject)(session, item)
    item.status = ReviewStatus.APPROVED if approve else ReviewStatus.REJECTED
    item.decided_at = utcnow()
    item.decided_by = actor
    item.note = note
    return item
