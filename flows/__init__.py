"""Dialogues. Importing this package registers every flow with the engine."""

from flows import audit, enroll, language, learn, menu, redeem, scan, voucher_check  # noqa: F401
