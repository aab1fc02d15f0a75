"""Earns the budget cap holds back while they wait for its review: a return (credit note)
against what one was earned on takes its share off the credits the reviewer is asked for
(all of them: the review item is closed as refused, with no decision to announce)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.base import utcnow
from models.ledger import budget
from models.ledger.internals import entry_by_key
from models.ledger.lots import unreversed
from models.ledger.tables import JournalEntry, Posting
from models.review.queue import ReviewItem, ReviewStatus


def withdraw_held(session: Session, key: str, *, returned: int, of: int, note: str,
                  actor: str) -> int | None:
    """Take the credit note `note` (`returned` of `of` paise) off the credits the earn `key`
    asked for and its pending review waits on: the share of what it first asked that all
    its notes so far returned, less what earlier notes took (so that returns in parts add
    up to all of it); the credits withdrawn (0 for a small note, or a `note` withdrawn
    before). None: the earn does not wait (credited, refused or never held). The review
    item's row is locked first, so a decision made meanwhile is seen and the credit is
    taken back from the ledger instead."""
    entry = entry_by_key(session, key)
    if entry is None or not entry.queued or entry.review_item_id is None:
        return None
    item = session.scalar(select(ReviewItem).where(ReviewItem.id == entry.review_item_id)
                          .with_for_update().execution_options(populate_existing=True))
    if item is None or item.kind != budget.REVIEW_KIND:
        return None
    payload = dict(item.payload or {})
    returns = dict(payload.get("returns", {}))
    if note in returns:
        return 0
    if item.status != ReviewStatus.PENDING:
        return None
    waiting = int(payload["credits"])
    asked = int(payload.get("asked", waiting))
    upto = sum(int(done["paise"]) for done in returns.values()) + returned
    taken = min(waiting, max(0, asked * upto // of - (asked - waiting)))
    left = waiting - taken
    item.payload = {**payload, "asked": asked, "credits": left, "returns": {
        **returns, note: {"credits": taken, "paise": returned, "of": of}}}
    item.reason = (f"{left} credits past the monthly budget cap ({asked} asked, "
                   f"{asked - left} returned)")[:200]
    if left == 0:  # all of it came back: nothing left to decide
        item.status = ReviewStatus.REJECTED
        item.decided_at, item.decided_by = utcnow(), actor
        item.note = f"returned on credit note {note}"
    return taken


def issued(session: Session, entry_id: int) -> int:
    """The credits the earn `entry_id` gave (its debt paid included)."""
    return int(session.scalar(select(func.coalesce(func.sum(-Posting.amount), 0)).where(
        Posting.entry_id == entry_id, Posting.amount < 0)))


def asked(session: Session, entry_id: int, key: str) -> int:
    """The credits an earn was first asked for: an earn approved past the budget cap (its
    key `keys.approved`) asked its review for them before a return took some off."""
    held = entry_by_key(session, key.removesuffix(":approved")) \
        if key.endswith(":approved") else None
    item = session.get(ReviewItem, held.review_item_id) if held is not None \
        and held.review_item_id is not None else None
    if item is not None and "asked" in (item.payload or {}):
        return int(item.payload["asked"])
    return issued(session, entry_id)


def returned_share(session: Session, entry: JournalEntry, *, upto: int, of: int) -> int:
    """The credits a credit note takes back of the paid earn `entry` when notes returned
    `upto` of its `of` paise in all: that share of what it first asked (`asked`), less what
    was taken off it before (withdrawn while it waited, or reversed), never more than is
    left of it. Rounded down on the running total, so notes in parts add up to all of it."""
    first = asked(session, entry.id, entry.key)
    left = unreversed(session, entry.key)
    return max(0, min(left, first * upto // of - (first - left)))


def returns_while_held(session: Session, review_item_id: int) -> dict[str, dict]:
    """The credit notes taken off a held earn's review: {note: {"credits", "paise", "of"}}."""
    item = session.get(ReviewItem, review_item_id)
    return dict((item.payload or {}).get("returns", {})) if item is not None else {}
