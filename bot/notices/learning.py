"""Certificates: have each granted one drawn, send the ones granted after a review or audit,
and nudge a holder once when their track gets new content."""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from bot import jobs, media
from bot.i18n import N_, NP_, translate
from bot.jobs.names import Job
from bot.notices.outbound import OutboundError, after_quiet_hours, queue_message
from models import keys
from models.events import CertificateGranted, CertificateOutdated, handles
from models.learning.certificates import Certificate, credits_waiting
from models.learning.progress import content_of
from models.partners.partner import Partner
from models.programs.program import Program
from models.programs.tracks import local

log = logging.getLogger("saathi.learning")
APPROVED = NP_("Your certificate {id} is approved. {n} credit added.",
               "Your certificate {id} is approved. {n} credits added.")
WAITING = NP_("Your certificate {id} is approved. {n} credit is waiting for approval.",
              "Your certificate {id} is approved. {n} credits are waiting for approval.")
NUDGE = N_("{track} has new content. Send LEARN to re-certify and keep your certificate valid.")


@handles(CertificateOutdated)
def nudge(session: Session, outdated: CertificateOutdated) -> None:
    partner = session.get(Partner, outdated.partner_id)
    track = content_of(session.get(Program, outdated.program_id)).track(outdated.track)
    name = local(track.name, partner.language) if track else outdated.track
    try:
        queue_message(session, phone=partner.phone, text=translate(partner.language, NUDGE,
                                                                   track=name),
                      template="recertification", template_vars={"1": name},
                      key=keys.recertification_nudge(outdated.certificate_id),
                      not_before=after_quiet_hours(session, outdated.program_id))
    except OutboundError as exc:
        log.warning("re-certification nudge not queued: %s", exc,
                    extra={"partner_id": partner.id})
        return
    cert = session.get(Certificate, outdated.certificate_id)
    cert.nudged_at = cert.outdated_at


@handles(CertificateGranted)
def certificate_granted(session: Session, granted: CertificateGranted) -> None:
    jobs.after_commit(session, Job.DRAW_CERTIFICATE, granted.certificate_id)
    if not granted.announce:
        return
    cert = session.get(Certificate, granted.certificate_id)
    partner = session.get(Partner, cert.partner_id)
    waiting = credits_waiting(session, cert)  # past the budget cap: told its decision later
    text = translate(partner.language, WAITING if waiting else APPROVED, id=cert.public_id,
                     n=waiting or cert.credits)
    template, values = ("certificate_waiting", {"1": cert.public_id, "2": str(waiting)}) \
        if waiting else ("certificate", {"1": cert.public_id})
    queue_message(session, phone=partner.phone, text=text,
                  media_urls=(media.certificate_url(cert.public_id),), template=template,
                  template_vars=values, key=keys.certificate_granted(cert.id))
