"""Every proactive text a partner receives, built from what the domain did.

The domain records events (models/events.py); each module here subscribes to some of them and
turns them into outbox rows (and jobs) in the same transaction. Importing this package
subscribes them all: create_app does.
"""

from bot.notices import (  # noqa: F401 - each module subscribes its handlers
    codes,
    enrollment,
    held,
    invoices,
    learning,
    milestones,
    otp,
    privacy,
    redemptions,
    referrals,
    support,
    tiers,
    webhooks,
)
