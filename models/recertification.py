"""Re-certification: when a track's module versions rise, mark the older certificates and
nudge each holder once."""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from bot import outbound
from bot.i18n import translate
from models.certification import mark_outdated
from models.learning import content_of
from models.learning_content import local
from models.partner import Partner
from models.program import Program

log = logging.getLogger("saathi.learning")


def sync(session: Session, program: Program) -> int:
    """Mark outdated certificates of `program` and queue one re-certification nudge each."""
    content = content_of(program)
    marked = mark_outdated(session, program)
    for cert in marked:
        partner = session.get(Partner, cert.partner_id)
        track = content.track(cert.track)
        name = local(track.name, partner.language) if track else cert.track
        text = translate(partner.language, "{track} has new content. Send LEARN to re-certify "
                         "and keep your certificate valid.", track=name)
        try:
            outbound.queue_message(session, phone=partner.phone, text=text,
                                   template="recertification", template_vars={"1": name},
                                   key=f"recert-nudge:{cert.id}")
        except outbound.OutboundError as exc:
            log.warning("re-certification nudge not queued: %s", exc,
                        extra={"partner_id": partner.id})
            continue
        cert.nudged_at = cert.outdated_at
    return len(marked)
