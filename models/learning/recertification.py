"""Re-certification: when a track's module versions rise, mark the older certificates and
nudge each holder once."""

from __future__ import annotations

from sqlalchemy.orm import Session

from models import events
from models.learning.certificates import mark_outdated
from models.programs.program import Program


def sync(session: Session, program: Program) -> int:
    """Mark outdated certificates of `program`; each holder is nudged once (bot/notices)."""
    marked = mark_outdated(session, program)
    for cert in marked:
        events.record(session, events.CertificateOutdated(cert.id, cert.partner_id, program.id,
                                                          cert.track))
    return len(marked)
