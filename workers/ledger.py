"""Ledger jobs: seal new entries, expire lots, send expiry reminders, recompute tiers.

Each job is one unit of work calling the domain operations; all are safe to run twice.
"""

from __future__ import annotations

import logging

from bot.notices.expiry import remind
from models import ledger
from models.db import unit_of_work
from models.ledger import tiers
from models.ledger.seal import seal_all

log = logging.getLogger("saathi.ledger")


def seal() -> int:
    """Chain every new journal entry into checkpoints."""
    with unit_of_work() as session:
        return seal_all(session)


def expire() -> int:
    """Expire lots past their date, then queue reminders for credits about to expire."""
    with unit_of_work() as session:
        count = ledger.expire_due(session)
    with unit_of_work() as session:
        sent = remind(session)
    log.info("expiry run", extra={"lots_expired": count, "reminders": sent})
    return count


def recompute_tiers() -> int:
    """Recompute every partner's tier; return how many changed."""
    with unit_of_work() as session:
        return len(tiers.recompute(session))
