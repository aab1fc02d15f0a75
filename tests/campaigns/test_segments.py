"""Segments compiled to one SQL query, on both databases; campaigns from the program YAML and
from `flask campaigns create|preview|send`."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from models import campaigns, ledger, yamltext
from models.base import utcnow
from models.campaigns import Campaign
from models.db import unit_of_work
from models.learning.certificates import Certificate
from models.ledger.tables import Wallet
from models.partners.partner import Partner, Role
from models.programs.campaign_spec import CampaignSpec, Segment
from models.programs.program import load_spec
from models.programs.schema import ProgramFileError, parse
from tests.campaigns.conftest import BOTH, PROGRAMS


def cempro() -> dict:
    return yamltext.load_shared((PROGRAMS / "cempro.yaml").read_text(encoding="utf-8"))


def reached(program, **segment) -> set[int]:
    with unit_of_work() as session:
        return set(session.scalars(campaigns.audience(
            Segment.model_validate(segment), program.id, utcnow())))


@BOTH
def test_every_segment_field_narrows_the_audience(app, program, member, clock):
    with unit_of_work() as session:
        dist_id = session.scalar(select(Partner.id).where(Partner.code == "SAITRD"))
    pune = member("mr", pincode="411001", region="Pune", parent_id=dist_id, joined_days_ago=5)
    dealer = member("hi", role=Role.DEALER, pincode="110001", whatsapp=None, joined_days_ago=90)
    rich = member("en", pincode="411038", joined_days_ago=200)
    with unit_of_work() as session:
        ledger.earn(session, partner_id=rich, program_id=program.id, credits=900, key="s:1",
                    cause="adjustment", cause_ref="t")
        session.execute(update(Wallet).where(Wallet.partner_id == rich).values(tier="Specialist"))
        session.add(Certificate(public_id="C1", partner_id=pune, program_id=program.id,
                                track="basic", version=1))
    everyone = {pune, dealer, rich}
    assert reached(program) == everyone
    assert reached(program, role=["dealer"]) == {dealer}
    assert reached(program, language=["mr", "en"]) == {pune, rich}
    assert reached(program, pin_prefix=["411"]) == {pune, rich}
    assert reached(program, region=["pune"]) == {pune}
    assert reached(program, distributor=["SAITRD"]) == {pune}
    assert reached(program, channel=["sms"]) == {dealer}
    assert reached(program, tier=["Specialist"]) == {rich}
    assert reached(program, balance_min=500) == {rich}
    assert reached(program, balance_max=10) == {pune, dealer}
    assert reached(program, certified=["basic"]) == {pune}
    assert reached(program, not_certified=["basic"]) == {dealer, rich}
    assert reached(program, active_days=30) == {rich}
    assert reached(program, inactive_days=30) == {dealer}
    assert reached(program, enrolled_after=utcnow() - timedelta(days=30)) == {pune}
    assert reached(program, enrolled_before=utcnow() - timedelta(days=100)) == {rich}
    assert reached(program, role=["retailer"], pin_prefix=["411"], balance_max=10) == {pune}


def test_campaigns_in_the_program_file_are_saved_and_scheduled_on_load(app, clock):
    data = cempro()
    data["campaigns"] = [
        {"code": "WEEKLY-TIP", "kind": "recurring", "cron": "30 4 * * 1",
         "messages": {"en": "Tip: cure concrete for 7 days."}},
        {"code": "DIWALI", "messages": {"en": "Happy Diwali, {name}!"},
         "at": "2026-11-08T09:30:00+05:30"},
        {"code": "LATER", "messages": {"en": "Draft"}}]
    with unit_of_work() as session:
        load_spec(session, parse(data))
    with unit_of_work() as session:
        found = {c.code: (c.kind, c.status, c.next_run_at) for c in
                 session.scalars(select(Campaign))}
    assert found["WEEKLY-TIP"][:2] == ("recurring", "scheduled")
    assert found["WEEKLY-TIP"][2].isoformat() == "2026-03-16T04:30:00+00:00"
    assert found["DIWALI"][1:] == ("scheduled", found["DIWALI"][2])
    assert found["DIWALI"][2].isoformat() == "2026-11-08T04:00:00+00:00"
    assert found["LATER"][1] == "draft"


def test_a_broken_campaign_in_the_program_file_names_its_field(app):
    data = cempro()
    data["campaigns"] = [{"code": "X1", "kind": "recurring", "messages": {"en": "hi"}}]
    with pytest.raises(ProgramFileError, match=r"campaigns\.0.*cron"):
        parse(data, "cempro.yaml")


def test_the_commands_create_preview_and_send(app, program, member, twilio_api, tmp_path,
                                              clock):
    member("en", name="Asha"), member("hi", name="Bina")
    path = tmp_path / "tip.yaml"
    path.write_text("code: TIP\nmessages: {en: 'Hi {name}, new OPC price.'}\n"
                    "template: {name: campaign_tip, vars: {'1': '{name}'}}\n", encoding="utf-8")
    cli = app.test_cli_runner()
    result = cli.invoke(args=["campaigns", "create", "CEMPRO", str(path)])
    assert result.output == "campaign TIP (broadcast): draft\n"
    result = cli.invoke(args=["campaigns", "preview", "CEMPRO", "TIP"])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "audience: 2 (control: 0)", "  en: 1 - Hi Asha, new OPC price.",
        "  hi: 1 - Hi Bina, new OPC price.", "cost at most: Rs 1.72",
        "error: no text in 'hi': 1 partners would read English"]
    assert cli.invoke(args=["campaigns", "send", "CEMPRO", "TIP"]).exit_code == 1
    result = cli.invoke(args=["campaigns", "send", "CEMPRO", "TIP", "--force"])
    assert result.exit_code == 0, result.output
    assert sorted(f["Body"] for f in twilio_api.forms) == ["Hi Asha, new OPC price.",
                                                          "Hi Bina, new OPC price."]


def test_the_commands_refuse_an_sms_over_two_segments_even_forced(app, program, member,
                                                                   tmp_path, clock):
    member("hi", name="Kavi")
    long_en = "Hi {name}, " + "the new OPC price list is out at your dealer today. " * 6
    path = tmp_path / "long.yaml"
    path.write_text(f"code: LONG\nmessages: {{en: '{long_en}'}}\n", encoding="utf-8")
    cli = app.test_cli_runner()
    result = cli.invoke(args=["campaigns", "create", "CEMPRO", str(path)])
    assert result.exit_code == 1
    assert "the SMS in 'en' (English) would take 3 segments, over the 2" in result.output
    # one saved otherwise (a program YAML) is not sent, not even with --force
    with unit_of_work() as session:
        campaigns.save(session, session.merge(program), CampaignSpec.model_validate(
            {"code": "LONG", "messages": {"en": "Hi {name}", "hi": "नमस्ते " * 30}}))
    result = cli.invoke(args=["campaigns", "send", "CEMPRO", "LONG", "--force"])
    assert result.exit_code == 1
    assert "the SMS in 'hi' (Hindi) would take 4 segments" in result.output
    with unit_of_work() as session:
        assert session.scalar(select(Campaign.status).where(Campaign.code == "LONG")) == "draft"
