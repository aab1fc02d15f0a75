"""The HTTP payout provider, modeled on RazorpayX Payouts.

Each payout: a contact, a VPA fund account, then POST /v1/payouts (amount in paise, our
reference_id). Every request carries X-Payout-Idempotency derived from our reference, so a
retry (the identical body with the same key) never creates a second contact or payout.
"""

from __future__ import annotations

import json
import logging
import time

import requests

from bot.logs import mask_vpa
from models.redemptions.payout_states import PayoutState
from workers.payouts.providers import PayoutRequest, ProviderError, ProviderUnavailable

log = logging.getLogger("saathi.payouts")
IDEMPOTENCY_HEADER = "X-Payout-Idempotency"


class HttpProvider:
    def __init__(self, *, base: str, key_id: str, key_secret: str, account_number: str,
                 timeout: float, retries: int) -> None:
        self.base, self.auth = base.rstrip("/"), (key_id, key_secret)
        self.account_number, self.timeout, self.retries = account_number, timeout, retries

    def _call(self, method: str, path: str, key: str, body: dict | None = None) -> dict:
        """Send one request, retrying timeouts and 5xx with the same key and the same bytes."""
        data = json.dumps(body, separators=(",", ":"), sort_keys=True) if body else None
        headers = {IDEMPOTENCY_HEADER: key, "Content-Type": "application/json"}
        problem = ""
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(min(0.1 * 2**attempt, 2))
            try:
                response = requests.request(method, self.base + path, data=data,
                                            headers=headers, auth=self.auth,
                                            timeout=self.timeout)
            except requests.RequestException as exc:
                problem = exc.__class__.__name__
                log.warning("payout provider unreachable",
                            extra={"path": path, "attempt": attempt + 1, "error": problem})
                continue
            if response.status_code >= 500:
                problem = f"HTTP {response.status_code}"
                log.warning("payout provider error",
                            extra={"path": path, "attempt": attempt + 1, "status":
                                   response.status_code})
                continue
            if response.status_code >= 400:
                raise ProviderError(f"{path}: HTTP {response.status_code}: "
                                    f"{response.text[:150]}")
            return response.json()
        raise ProviderUnavailable(f"{path}: {problem} after {self.retries + 1} tries")

    def create(self, request: PayoutRequest) -> PayoutState:
        key = request.reference
        contact = self._call("POST", "/v1/contacts", f"{key}-contact", {
            "name": request.name, "contact": request.phone, "type": "customer",
            "reference_id": key})
        account = self._call("POST", "/v1/fund_accounts", f"{key}-fund-account", {
            "contact_id": contact["id"], "account_type": "vpa",
            "vpa": {"address": request.vpa}})
        payout = self._call("POST", "/v1/payouts", key, {
            "account_number": self.account_number, "fund_account_id": account["id"],
            "amount": request.amount_paise, "currency": "INR", "mode": "UPI",
            "purpose": "cashback", "queue_if_low_balance": True, "reference_id": key,
            "narration": request.narration})
        log.info("payout created", extra={"reference": key, "payout_id": payout["id"],
                                          "vpa": mask_vpa(request.vpa),
                                          "status": payout.get("status")})
        return _state(payout)

    def fetch(self, payout_id: str) -> PayoutState:
        return _state(self._call("GET", f"/v1/payouts/{payout_id}", f"fetch-{payout_id}"))


def _state(payout: dict) -> PayoutState:
    reason = (payout.get("status_details") or {}).get("description") or \
        payout.get("failure_reason")
    return PayoutState(payout["id"], payout["status"], reason)
