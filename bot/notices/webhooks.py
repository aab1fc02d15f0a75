"""Brands' systems hear what happened in their program: each subscribed event becomes a
delivery row in the same transaction (models/webhooks), and the job that POSTs it is asked
for after the commit; a delivery that fails waits for the webhook sweep's retry."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot import jobs
from bot.jobs.names import Job
from models import webhooks
from models.events import CertificateGranted, PartnerJoined, PayoutEnded, TierChanged, handles
from models.learning.certificates import Certificate
from models.partners.partner import Partner
from models.programs.program import Program
from models.redemptions.redemption import Redemption

PAYOUT_EVENTS = {"paid": "redemption.paid", "returned": "redemption.returned"}


def _send(session: Session, program_id: int, event_type: str, partner_id: int,
          data: dict) -> None:
    program = session.get(Program, program_id)
    partner = session.get(Partner, partner_id)
    body = {"program": program.code, "partner": {"id": partner.id, "phone": partner.phone},
            **data}
    for delivery in webhooks.queue_event(session, program_id, event_type, body):
        jobs.after_commit(session, Job.DELIVER_WEBHOOK, delivery.id)


@handles(TierChanged)
def tier_changed(session: Session, changed: TierChanged) -> None:
    _send(session, changed.program_id, "tier.changed", changed.partner_id,
          {"old": changed.old, "new": changed.new, "up": changed.up,
           "on": changed.on.isoformat()})


@handles(CertificateGranted)
def certification_granted(session: Session, granted: CertificateGranted) -> None:
    cert = session.get(Certificate, granted.certificate_id)
    _send(session, cert.program_id, "certification.granted", cert.partner_id,
          {"certificate": cert.public_id, "track": cert.track, "version": cert.version})


@handles(PayoutEnded)
def redemption_ended(session: Session, ended: PayoutEnded) -> None:
    if ended.outcome not in PAYOUT_EVENTS:
        return
    redemption = session.get(Redemption, ended.redemption_id)
    _send(session, redemption.program_id, PAYOUT_EVENTS[ended.outcome], redemption.partner_id,
          {"redemption": redemption.id, "reward": redemption.item_key,
           "credits": redemption.credits, "value_paise": redemption.value_paise})


@handles(PartnerJoined)
def partner_enrolled(session: Session, joined: PartnerJoined) -> None:
    _send(session, joined.program_id, "partner.enrolled", joined.partner_id, {})
