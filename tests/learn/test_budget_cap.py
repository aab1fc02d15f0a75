"""A certificate whose credits the program's monthly budget cap holds back: the certificate
is valid, its credits wait for the cap review (not counted on it, not told as added), and the
review's approval or refusal is counted and told."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.i18n import translate
from bot.notices import held
from bot.notices.learning import WAITING
from models import review
from models.db import unit_of_work
from models.ledger import budget
from models.messaging.outbox import OutboxMessage
from models.programs.program import by_code
from tests.learn.conftest import PHONE, Learner, balance, certificates


def cap_left(credits: int) -> None:
    with unit_of_work() as session:
        program = by_code(session, "MINI")
        budget.force(session, program.id, program.spec.budget.monthly_cap_credits - credits)


def told() -> list[str]:
    with unit_of_work() as session:
        return list(session.scalars(select(OutboxMessage.body).where(
            OutboxMessage.phone == PHONE, OutboxMessage.idempotency_key.like("held-earn%"))))


@pytest.mark.parametrize("approve", [True, False])
def test_credits_past_the_budget_cap_wait_for_its_review_and_are_told_its_decision(
        app, twilio, clock, mini, approve):
    learner = Learner(twilio, clock, "MINI")
    cap_left(50)
    last = learner.take_track("1")
    [cert] = certificates()
    assert last[-1] == (f"You passed with 1/1! 100 credits are waiting for approval. Your "
                        f"certificate: {cert.public_id}")
    assert (cert.status, cert.credits, balance("MINI"), told()) == ("valid", 0, 0, [])
    with unit_of_work() as session:
        [item] = review.pending(session, "budget_cap")
        review.decide(session, item.id, approve=approve, actor="ops@shakti.test")
    [cert] = certificates()
    if approve:
        assert (cert.credits, balance("MINI")) == (100, 100)
        assert told() == [translate("en", held.TEXTS["certificate"][0], id=cert.public_id,
                                    n=100, balance="100")]
    else:
        assert (cert.status, cert.credits, balance("MINI")) == ("valid", 0, 0)
        assert told() == [translate("en", held.TEXTS["certificate"][1], id=cert.public_id,
                                    n=100)]


def test_a_certificate_approved_after_review_says_its_credits_wait_for_the_budget(
        app, twilio, clock, mini):
    learner = Learner(twilio, clock, "MINI")
    for option in "123":  # the third in two hours waits for the velocity review
        learner.take_track(option)
    cap_left(50)
    with unit_of_work() as session:
        [item] = review.pending(session, "certification_velocity")
        review.decide(session, item.id, approve=True, actor="test")
    cert = certificates()[-1]
    with unit_of_work() as session:
        [message] = session.scalars(select(OutboxMessage.body).where(
            OutboxMessage.idempotency_key == f"cert-granted:{cert.id}"))
    assert message == translate("en", WAITING, id=cert.public_id, n=100)
    assert (cert.status, cert.credits, balance("MINI")) == ("valid", 0, 200)
