"""Payout providers behind one interface: the sandbox (default) and RazorpayX-style HTTP.

A provider pays `amount_paise` to a UPI id under our `reference` (also the idempotency
key: asking twice with the same reference never pays twice) and reports a status. Timeouts
and 5xx answers raise ProviderUnavailable: the caller retries with the same reference.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Protocol

from models.redemptions.payout_states import PayoutState, PayoutStatus


class ProviderError(Exception):
    """The provider refused the request (a 4xx): retrying the same request will not help."""


class ProviderUnavailable(ProviderError):
    """Timeout, connection error or 5xx: retry later with the same reference."""


@dataclass(frozen=True)
class PayoutRequest:
    reference: str  # our id for this payout attempt; the idempotency key
    amount_paise: int
    vpa: str
    name: str
    phone: str
    narration: str = "Saathi cashback"


class Provider(Protocol):
    def create(self, request: PayoutRequest) -> PayoutState: ...

    def fetch(self, payout_id: str) -> PayoutState: ...


class SandboxProvider:
    """Pays nothing. The outcome follows PAYOUT_SANDBOX_MODE (ok, fail, timeout, late) or the
    UPI id's name: fail@sandbox, timeout@sandbox, late@sandbox."""

    def __init__(self, mode: str, late_seconds: float) -> None:
        self.mode, self.late_seconds = mode, late_seconds

    def _mode(self, vpa: str) -> str:
        name, _, handle = vpa.partition("@")
        return name if handle == "sandbox" and name in ("fail", "timeout", "late") else self.mode

    def create(self, request: PayoutRequest) -> PayoutState:
        mode = self._mode(request.vpa)
        if mode == "timeout":
            raise ProviderUnavailable("sandbox: timed out (as told)")
        payout_id = f"sbx_{request.reference}_{mode}_{time.time():.0f}"
        return self.fetch(payout_id)

    def fetch(self, payout_id: str) -> PayoutState:
        _, rest = payout_id.split("_", 1)
        _, mode, created = rest.rsplit("_", 2)
        if mode == "fail":
            return PayoutState(payout_id, PayoutStatus.FAILED, "sandbox: failed (as told)")
        if mode == "late" and time.time() - float(created) < self.late_seconds:
            return PayoutState(payout_id, PayoutStatus.PROCESSING)
        return PayoutState(payout_id, PayoutStatus.PROCESSED)

