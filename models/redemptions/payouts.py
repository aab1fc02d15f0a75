"""Apply payout provider states to a redemption: settle, release, and tell the partner.

States arrive from the payout job, the polling sweep and webhooks — twice, late or out of
order. A state never moves a payout backwards, and once it is final (processed, reversed,
cancelled, failed) nothing changes it again: credits are settled or released exactly once.
The one exception is a bank's return: a processed payout later reported reversed (the
beneficiary's bank sent the money back) gives the settled credits back, once.
"""

from __future__ import annotations

import logging
import re

from sqlalchemy.orm import Session

from models import events, keys, ledger
from models.base import column_length, parse_id
from models.redemptions.payout_states import FINAL, RANK, PayoutState, PayoutStatus
from models.redemptions.redemption import Redemption, Status, finish, lock

log = logging.getLogger("saathi.payouts")
_REFERENCE = re.compile(r"saathi-r([0-9]+)-a([0-9]+)")
_PAYOUT_ID = re.compile(r"[A-Za-z0-9_.:-]+")
ALIASES = {"pending": PayoutStatus.QUEUED, "rejected": PayoutStatus.FAILED}


def by_reference(session: Session, reference: str) -> Redemption | None:
    """Return the redemption (row locked) whose current attempt carries `reference`."""
    match = _REFERENCE.fullmatch(reference or "")
    redemption_id = parse_id(match.group(1)) if match else None
    if redemption_id is None:
        return None
    redemption = lock(session, redemption_id)
    if redemption is None or str(redemption.attempt) != match.group(2):
        return None
    return redemption


def valid_payout_id(payout_id: str) -> bool:
    """A provider's payout id in the shape providers use, fitting its column."""
    return bool(_PAYOUT_ID.fullmatch(payout_id)) and \
        len(payout_id) <= column_length(Redemption.payout_id)


def apply(session: Session, redemption: Redemption, state: PayoutState) -> bool:
    """Record `state` on a locked redemption; return False when it changed nothing."""
    if not valid_payout_id(state.payout_id):
        log.warning("payout state with an unusable payout id", extra={
            "redemption_id": redemption.id, "payout_id": state.payout_id[:80]})
        return False
    status = ALIASES.get(state.status, state.status)
    current = redemption.payout_status
    returned = (redemption.status == Status.COMPLETED and current == PayoutStatus.PROCESSED
                and status == PayoutStatus.REVERSED and redemption.payout_id == state.payout_id)
    ignored = not returned and (
        redemption.status != Status.PROCESSING or status not in RANK or current in FINAL
        or (current is not None and RANK[status] <= RANK[current])
        or (redemption.payout_id not in (None, state.payout_id)))
    log.info("payout state", extra={"redemption_id": redemption.id, "payout_id":
                                    state.payout_id, "status": status, "was": current,
                                    "ignored": ignored})
    if ignored:
        return False
    redemption.payout_id, redemption.payout_status = state.payout_id, status
    if returned:  # the bank sent a paid payout back: the spent credits are the partner's again
        ledger.refund(session, redemption.hold_id, key=_attempt_key(redemption, "refund"))
        _not_paid(session, redemption, "returned", key=_attempt_key(redemption, "returned"),
                  reason=state.reason or "returned after it was paid")
    elif status == PayoutStatus.PROCESSED:
        ledger.settle(session, redemption.hold_id, key=keys.redemption(redemption.id, "settle"))
        finish(redemption, Status.COMPLETED)
        events.record(session, events.PayoutEnded(redemption.id, "paid",
                                                  key=keys.redemption(redemption.id, "result")))
    elif status in FINAL:
        ledger.release(session, redemption.hold_id, key=_attempt_key(redemption, "release"))
        _not_paid(session, redemption, "failed", key=_attempt_key(redemption, "result"),
                  reason=state.reason or status)
    session.flush()
    return True


def _attempt_key(redemption: Redemption, step: str) -> str:
    return keys.redemption_attempt(redemption.id, redemption.attempt, step)


def _not_paid(session: Session, redemption: Redemption, outcome: str, *, key: str,
              reason: str) -> None:
    """End a redemption whose money did not reach the partner (its credits are back); the
    partner is told (`outcome` "failed" or "returned")."""
    status = redemption.payout_status
    ended = Status.REVERSED if status == PayoutStatus.REVERSED else Status.FAILED
    finish(redemption, ended, reason[:200])
    log.warning("payout did not go through",
                extra={"redemption_id": redemption.id, "status": status})
    events.record(session, events.PayoutEnded(redemption.id, outcome, key=key))
