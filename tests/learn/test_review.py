"""Velocity flag (review queue) and field audit (AUDIT APPROVE by a rep or admin)."""

from __future__ import annotations

from sqlalchemy import select

from models import review
from models.db import unit_of_work
from models.learning.certificates import CertStatus
from models.messaging.outbox import OutboxMessage
from models.partners.partner import Partner, Role
from tests.learn.conftest import Learner, balance, certificates


def _granted_messages() -> list[OutboxMessage]:
    with unit_of_work() as session:
        return list(session.scalars(select(OutboxMessage).where(
            OutboxMessage.idempotency_key.like("cert-granted:%"))))


def test_third_certification_in_two_hours_waits_for_review(app, twilio, clock, mini):
    learner = Learner(twilio, clock, "MINI")
    assert "100 credits added" in learner.take_track("1")[-1]
    assert "100 credits added" in learner.take_track("2")[-1]
    last = learner.take_track("3")
    assert last[-1] == ("You passed with 1/1! Your certificate is under review; we will "
                        "message you soon.")
    assert balance("MINI") == 200
    assert "Track 3: waiting for approval" in learner.say("LEARN")[-1]
    assert learner.say("3")[0].endswith("is waiting for approval.")
    with unit_of_work() as session:
        [item] = review.pending(session, "certification_velocity")
        assert item.reason == "3 certifications in 2 hours"
        review.decide(session, item.id, approve=True, actor="test")
    assert balance("MINI") == 300
    assert certificates()[-1].status == CertStatus.VALID
    [message] = _granted_messages()
    assert message.media_urls[0].startswith("/media/certificates/")
    assert "100 credits added" in message.body


def test_rejected_velocity_flag_pays_nothing(app, twilio, clock, mini):
    learner = Learner(twilio, clock, "MINI")
    for option in "123":
        learner.take_track(option)
    with unit_of_work() as session:
        [item] = review.pending(session, "certification_velocity")
        review.decide(session, item.id, approve=False, actor="test")
    assert balance("MINI") == 200
    cert = certificates()[-1]
    assert cert.status == CertStatus.REJECTED
    assert "Not yet valid" not in twilio.client.get(f"/verify/{cert.public_id}").get_data(
        as_text=True)
    assert not _granted_messages()
    learner.say("LEARN")
    assert learner.say("3")[0] == (f"Certificate {cert.public_id} was not approved. Please "
                                   "contact your distributor.")


def test_field_audit_is_approved_by_a_rep_message(app, twilio, clock, mini):
    learner = Learner(twilio, clock, "MINI")
    clock.advance(hours=3)
    last = learner.take_track("4")
    cert = certificates()[-1]
    assert last[-1] == (f"You passed with 1/1! A field officer will confirm certificate "
                        f"{cert.public_id} on the next visit.")
    assert balance("MINI") == 0
    assert "Not yet valid" in twilio.client.get(f"/verify/{cert.public_id}").get_data(
        as_text=True)

    assert learner.say(f"AUDIT APPROVE {cert.public_id}")[0] == \
        "Only a distributor rep or an admin can approve audits."
    with unit_of_work() as session:
        session.add(Partner(phone="+919812300099", role=Role.DISTRIBUTOR_REP, name="Rep"))
    rep = "+919812300099"
    assert twilio.chat(rep, "AUDIT APPROVE NOSUCH1")[0] == \
        "No certificate NOSUCH1 is waiting for your audit."
    reply = twilio.chat(rep, f"audit approve {cert.public_id.lower()}")
    assert reply[0] == f"Certificate {cert.public_id} approved. The partner gets it now."
    assert balance("MINI") == 100
    assert twilio.chat(rep, f"AUDIT APPROVE {cert.public_id}")[0].startswith("No certificate")
    assert len(_granted_messages()) == 1
    assert "Valid" in twilio.client.get(f"/verify/{cert.public_id}").get_data(as_text=True)
