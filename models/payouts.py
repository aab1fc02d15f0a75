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

from bot.logs import mask_vpa
from bot.payout_providers import FAILED, FINAL, PROCESSED, RANK, REVERSED, PayoutState
from models import ledger
from models.base import column_length, parse_id
from models.redemption_notices import PAID, PAYOUT_FAILED, PAYOUT_RETURNED, tell
from models.redemptions import Redemption, Status, finish, lock

log = logging.getLogger("saathi.payouts")
_REFERENCE = re.compile(r"saathi-r([0-9]+)-a([0-9]+)")
_PAYOUT_ID = re.compile(r"[A-Za-z0-9_.:-]+")
ALIASES = {"pending": "queued", "rejected": FAILED}


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
    returned = (redemption.status == Status.COMPLETED and current == PROCESSED
                and status == REVERSED and redemption.payout_id == state.payout_id)
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
    attempt = f"redeem-{redemption.id}-a{redemption.attempt}"
    if returned:  # the bank sent a paid payout back: the spent credits are the partner's again
        ledger.refund(session, redemption.hold_id, key=f"{attempt}-refund")
        _not_paid(session, redemption, PAYOUT_RETURNED, key=f"{attempt}-returned",
                  reason=state.reason or "returned after it was paid")
    elif status == PROCESSED:
        ledger.settle(session, redemption.hold_id, key=f"redeem-{redemption.id}-settle")
        finish(redemption, Status.COMPLETED)
        tell(session, redemption.partner_id, PAID, key=f"redeem-{redemption.id}-result",
             paise=redemption.value_paise, vpa=redemption.vpa, credits=redemption.credits,
             ref=state.payout_id)
    elif status in FINAL:
        ledger.release(session, redemption.hold_id, key=f"{attempt}-release")
        _not_paid(session, redemption, PAYOUT_FAILED, key=f"{attempt}-result",
                  reason=state.reason or status)
    session.flush()
    return True


def _not_paid(session: Session, redemption: Redemption, notice: str, *, key: str,
              reason: str) -> None:
    """End a redemption whose money did not reach the partner (its credits are back) and tell
    them with `notice`."""
    status = redemption.payout_status
    finish(redemption, Status.REVERSED if status == REVERSED else Status.FAILED, reason[:200])
    log.warning("payout did not go through", extra={
        "redemption_id": redemption.id, "status": status, "vpa": mask_vpa(redemption.vpa or "")})
    tell(session, redemption.partner_id, notice, key=key, paise=redemption.value_paise,
         vpa=redemption.vpa, credits=redemption.credits)
