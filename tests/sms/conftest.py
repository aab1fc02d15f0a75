"""SMS fixtures: a partner in program QRA with a batch of codes (tests/scan's fixtures)."""

from __future__ import annotations

import itertools
from urllib.parse import parse_qs

import pytest

from tests.httpstub import StubServer
from tests.scan.conftest import add_batch, add_partner, programs  # noqa: F401 - fixtures


@pytest.fixture
def member(db, programs):  # noqa: F811 - the imported fixture
    """A committed partner and four codes worth 10 credits each."""
    partner = add_partner(db, programs)
    codes = add_batch(db, programs["QRA"], count=4, credits=10)
    db.commit()
    return partner.phone, codes


class Gupshup:
    """A stand-in for Gupshup's GatewayAPI that records each form."""

    def __init__(self, answer: bytes = b"success | 919812345678 | 4963112341234-1234") -> None:
        self.answer = answer
        self.ids = itertools.count(1234)  # each SMS its own message id
        self.stub = StubServer(lambda r: (200, {"Content-Type": "text/plain"}, self.answer.replace(
            b"-1234", b"-%d" % next(self.ids))))

    def forms(self) -> list[dict[str, str]]:
        return [{k: v[0] for k, v in parse_qs(r.body.decode(), keep_blank_values=True).items()}
                for r in self.stub.requests]


@pytest.fixture
def gupshup(app):
    gateway = Gupshup()
    with gateway.stub:
        app.config.update(SMS_PROVIDER="gupshup", GUPSHUP_API_URL=gateway.stub.url + "/rest",
                          GUPSHUP_USERID="2000123456", GUPSHUP_PASSWORD="pw-secret")
        yield gateway
