"""A proactive SMS (a notice) naming a program whose name is longer than its DLT variable is
sent as its registered template, the name shortened as a flow's answer shortens it; an
English one is in the GSM-7 wording it is registered in, whatever its values."""

from __future__ import annotations

import copy
from datetime import date

import pytest
from sqlalchemy import select

from bot.channels import dlt, sms
from bot.notices import milestones, tiers
from models.events import MilestoneReached, TierChanged
from models.messaging.outbox import OutboxMessage, OutboxStatus
from models.partners.partner import Partner
from models.programs.program import Program, load_spec
from models.programs.schema import parse
from tests.scan.conftest import program_spec

# 100 characters, an en dash and Devanagari in its first 27 (an English SMS in UCS-2)
NAME = ("Shakti – शक्ति Cement Pro Retailer Loyalty and Rewards Programme for Hardware and "
        "Tile Shops of Pune")
assert len(NAME) == 100


@pytest.fixture
def long_named(db) -> Program:
    data = copy.deepcopy(program_spec("QRN"))
    data["name"] = NAME
    program = load_spec(db, parse(data))
    db.commit()
    return program


def shown(lang: str) -> str:
    """The program's name as the partner reads it by SMS: one variable, "..." at its end."""
    name = sms.gsm_safe(NAME, english=lang == "en")
    return name[:27].rstrip() + "..."


@pytest.mark.parametrize("lang", ["en", "hi"])
def test_a_notice_naming_a_long_program_goes_as_its_template_the_name_shortened(
        db, gupshup, long_named, lang):
    partner = Partner(phone="+919876522222", name="Ramesh", language=lang)
    db.add(partner)
    db.flush()
    db.commit()
    milestones.tell_reached(db, MilestoneReached(partner.id, long_named.id, 7, "m2026-11", 50,
                                                 150))
    tier = long_named.spec.tiers.levels[-1].name
    tiers.tell_tier(db, TierChanged(partner.id, long_named.id, partner.id, None, tier, True,
                                    date(2026, 11, 30)))
    db.commit()

    bodies = [(r.status, r.body) for r in db.scalars(select(OutboxMessage).where(
        OutboxMessage.phone == partner.phone).order_by(OutboxMessage.id))]
    assert len(bodies) == 2, bodies
    for status, body in bodies:
        assert status != OutboxStatus.REFUSED, body
        assert dlt.match(body).name != dlt.FALLBACK
        assert shown(lang) in body and NAME not in body
        assert ("–" not in body) if lang == "en" else ("–" in body)
    sent = [form["msg"] for form in gupshup.forms()]
    assert sent[0] == bodies[0][1]  # the milestone goes at once; the tier after quiet hours
