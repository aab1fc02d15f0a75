"""Re-seal personal data under the current key (`flask keys rotate`), so an old key can go."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from models.partners.partner import Partner
from models.redemptions.redemption import Redemption

# (mapped class, sealed column, clear attribute): every sealed value Saathi holds.
SEALED = ((Partner, Partner.upi_vpa_sealed, "upi_vpa"),
          (Redemption, Redemption.vpa_sealed, "vpa"))


def rotate(session: Session) -> int:
    """Re-seal every value sealed under another key than PII_KEY_ID; return how many.

    Each batch is flushed as it goes; the caller's unit of work commits (a failure leaves
    every value under a key that still opens it)."""
    current = current_app.config["PII_KEY_ID"] + ":"
    done = 0
    for cls, column, attribute in SEALED:
        stale = select(cls).where(column.is_not(None), ~column.startswith(current, autoescape=True))
        for row in session.scalars(stale):
            setattr(row, attribute, getattr(row, attribute))
            done += 1
        session.flush()
    return done
