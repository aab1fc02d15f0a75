"""Re-certification after a module's version rises; the public verify page."""

from __future__ import annotations

from sqlalchemy import select

from models.db import unit_of_work
from models.learning.certificates import CertStatus
from models.messaging.outbox import OutboxMessage
from tests.learn.conftest import (
    Learner,
    balance,
    certificates,
    load_program,
    mini_doc,
)


def _certify_track_1(twilio, clock) -> Learner:
    learner = Learner(twilio, clock, "MINI")
    last = learner.take_track("1")
    assert "100 credits added" in last[-1]
    return learner


def _bump_module_1(**rules) -> None:
    doc = mini_doc(**rules)
    doc["tracks"]["modules"][0]["version"] = 2
    doc["tracks"]["modules"][0]["parts"] = [{"en": "Topic 1, revised for the new range."}]
    load_program(doc)


def _nudges() -> list[OutboxMessage]:
    with unit_of_work() as session:
        return list(session.scalars(select(OutboxMessage).where(
            OutboxMessage.idempotency_key.like("recert-nudge:%"))))


def test_version_bump_marks_nudges_once_and_recertifies_without_credits(app, twilio, clock,
                                                                          mini):
    learner = _certify_track_1(twilio, clock)
    [old] = certificates()
    assert "Valid" in twilio.client.get(f"/verify/{old.public_id}").get_data(as_text=True)

    clock.advance(minutes=10)
    _bump_module_1()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["learning", "sync"])
    assert "MINI: 1 certificates need re-certification" in result.output
    assert runner.invoke(args=["learning", "sync"]).exit_code == 0
    [nudge] = _nudges()
    assert nudge.body == "Track 1 has new content. Send LEARN to re-certify and keep your " \
                         "certificate valid."
    page = twilio.client.get(f"/verify/{old.public_id}").get_data(as_text=True)
    assert "Outdated: the holder must re-certify" in page and "module version v1" in page
    assert "Track 1: re-certify (new version)" in learner.say("LEARN")[-1]

    part = learner.say("1")
    assert "Topic 1, revised for the new range." in part[-1]
    assert "The quiz opens in 2 min" in learner.say("NEXT")[-1]
    clock.advance(minutes=3)
    last, _ = learner.answer_all(learner.start_quiz("1"))
    assert "You passed with 1/1! 0 credits added." in last[-1]
    assert balance("MINI") == 100  # MINI follows the default: no credits for re-certifying
    old, new = certificates()
    assert (old.version, new.version) == (1, 2) and new.status == CertStatus.VALID
    assert "Valid" in twilio.client.get(f"/verify/{new.public_id}").get_data(as_text=True)
    assert "Outdated" in twilio.client.get(f"/verify/{old.public_id}").get_data(as_text=True)
    assert len(_nudges()) == 1


def test_recertification_credits_follow_the_program_rule(app, twilio, clock, mini):
    learner = _certify_track_1(twilio, clock)
    _bump_module_1(recert_credit_percent=50)
    last = learner.take_track("1")
    assert "50 credits added" in last[-1]
    assert balance("MINI") == 150


def test_verify_page_for_unknown_and_revoked_certificates(app, twilio, clock, mini):
    _certify_track_1(twilio, clock)
    unknown = twilio.client.get("/verify/NOSUCHCERT")
    assert unknown.status_code == 404
    assert "Unknown certificate: no certificate has this ID" in unknown.get_data(as_text=True)
    [cert] = certificates()
    page = twilio.client.get(f"/verify/{cert.public_id}").get_data(as_text=True)
    assert "Ramesh Patil" in page and "Patil Hardware" in page and "Track 1" in page
    runner = app.test_cli_runner()
    assert "no certificate NOSUCH" in runner.invoke(args=["learning", "revoke", "NOSUCH"]).output
    assert runner.invoke(args=["learning", "revoke", cert.public_id.lower()]).exit_code == 0
    revoked = twilio.client.get(f"/verify/{cert.public_id}")
    assert revoked.status_code == 200
    assert "Revoked" in revoked.get_data(as_text=True)


def test_loading_a_program_file_with_a_new_module_version_nudges_holders(app, twilio, clock,
                                                                        mini, tmp_path):
    import yaml

    _certify_track_1(twilio, clock)
    doc = mini_doc()
    doc["tracks"]["modules"][0]["version"] = 2
    path = tmp_path / "mini.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["programs", "load", str(path)])
    assert "(1 certificates need re-certification)" in result.output, result.output
    assert len(_nudges()) == 1
    [cert] = certificates()
    assert cert.outdated_at is not None


def test_verify_page_speaks_the_visitors_language(app, twilio, clock, mini):
    _certify_track_1(twilio, clock)
    [cert] = certificates()
    hindi = twilio.client.get(f"/verify/{cert.public_id}",
                              headers={"Accept-Language": "hi-IN,hi;q=0.9,en;q=0.8"})
    page = hindi.get_data(as_text=True)
    assert '<html lang="hi">' in page and "<h1>सर्टिफिकेट की जाँच</h1>" in page
    assert ">मान्य</p>" in page and "मॉड्यूल संस्करण v1" in page and "जारी: " in page
    assert f"सर्टिफिकेट आईडी {cert.public_id}" in page and "Ramesh Patil" in page
    assert "Accept-Language" in hindi.headers["Vary"]
    french = twilio.client.get(f"/verify/{cert.public_id}", headers={"Accept-Language": "fr"})
    assert "<h1>Certificate check</h1>" in french.get_data(as_text=True)
    assert ">Valid</p>" in french.get_data(as_text=True)
    unknown = twilio.client.get("/verify/NOSUCHCERT", headers={"Accept-Language": "ta-IN"})
    assert unknown.status_code == 404
    assert "தெரியாத சான்றிதழ்: இந்த ID-க்கு எந்தச் சான்றிதழும் இல்லை" in \
        unknown.get_data(as_text=True)
