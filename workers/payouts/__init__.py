"""Payout providers behind one interface (`providers.Provider`): the sandbox and an HTTP
provider modeled on RazorpayX; `provider()` gives the one PAYOUT_PROVIDER names."""

from __future__ import annotations

from flask import current_app

from workers.payouts.http import HttpProvider
from workers.payouts.providers import Provider, SandboxProvider


def provider() -> Provider:
    """Return the provider PAYOUT_PROVIDER names ("sandbox" or "http")."""
    config = current_app.config
    if config["PAYOUT_PROVIDER"] == "http":
        return HttpProvider(base=config["PAYOUT_API_BASE"], key_id=config["PAYOUT_KEY_ID"],
                            key_secret=config["PAYOUT_KEY_SECRET"],
                            account_number=config["PAYOUT_ACCOUNT_NUMBER"],
                            timeout=config["PAYOUT_TIMEOUT_SECONDS"],
                            retries=config["PAYOUT_HTTP_RETRIES"])
    return SandboxProvider(config["PAYOUT_SANDBOX_MODE"], config["PAYOUT_SANDBOX_LATE_SECONDS"])
