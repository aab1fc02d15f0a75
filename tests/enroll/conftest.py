"""Enrollment fixtures: two small programs (one distributor and one rep each) and phone numbers."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from models import yamltext
from models.db import unit_of_work
from models.messaging.outbox import OutboxMessage
from models.partners.partner import Partner
from models.programs.program import Membership, load_spec
from models.programs.schema import parse
from tests.conftest import built_once

HERE = Path(__file__).parent
REP = "+919820000002"  # rep of TILEDIST, which runs TILEPRO
OTHER_REP = "+919820000012"  # rep of PAINTDIST, which runs PAINTX only


def load_programs() -> None:
    """Load TILEPRO and PAINTX with their distributors and reps."""
    with unit_of_work() as session:
        for doc in yamltext.load_shared((HERE / "programs.yaml").read_text()):
            load_spec(session, parse(doc))


@pytest.fixture
def programs(app) -> None:
    """TILEPRO and PAINTX, loaded once per process and copied (tests/conftest.py built_once)."""
    built_once(load_programs)


def partner(phone: str) -> Partner | None:
    with unit_of_work() as session:
        return session.scalar(select(Partner).where(Partner.phone == phone))


def memberships(phone: str) -> dict[str, str]:
    """Program code -> membership status for this phone."""
    from models.programs.program import Program

    with unit_of_work() as session:
        rows = session.execute(
            select(Program.code, Membership.status)
            .join(Membership, Membership.program_id == Program.id)
            .join(Partner, Partner.id == Membership.partner_id)
            .where(Partner.phone == phone)
        )
        return dict(rows.all())


def outbox() -> list[OutboxMessage]:
    with unit_of_work() as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
