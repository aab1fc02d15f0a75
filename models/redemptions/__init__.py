"""Redemptions: limits, OTP confirmation, holds, payouts and vouchers."""

from models.redemptions.redemption import (
    Status,
    affordable,
    available,
    cancel,
    cancel_stale,
    check,
    confirm,
    lock,
    most_credits,
    retry,
    start,
    valid_vpa,
)

__all__ = ["Status", "affordable", "available", "cancel", "cancel_stale", "check", "confirm",
           "lock", "most_credits", "retry", "start", "valid_vpa"]
