"""Where a payout stands, in the words of every provider: what the domain settles on."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class PayoutStatus(StrEnum):
    QUEUED = "queued"
    PROCESSING = "processing"
    PROCESSED = "processed"
    REVERSED = "reversed"
    CANCELLED = "cancelled"
    FAILED = "failed"


FINAL = frozenset({PayoutStatus.PROCESSED, PayoutStatus.REVERSED, PayoutStatus.CANCELLED,
                   PayoutStatus.FAILED})
RANK = {PayoutStatus.QUEUED: 0, "pending": 0, PayoutStatus.PROCESSING: 1,
        PayoutStatus.PROCESSED: 2, PayoutStatus.REVERSED: 2, PayoutStatus.CANCELLED: 2,
        PayoutStatus.FAILED: 2}


@dataclass(frozen=True)
class PayoutState:
    """A provider's answer about one payout."""
    payout_id: str
    status: str
    reason: str | None = None
