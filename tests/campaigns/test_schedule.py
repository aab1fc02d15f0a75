"""Quiet hours for every non-urgent proactive message (campaigns and today's notices), and the
recurring and triggered campaigns the periodic tick starts."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest
from sqlalchemy import select

from models import campaigns, events, ledger
from models.base import IST
from models.campaigns import Campaign
from models.db import unit_of_work
from models.ledger.tables import Wallet
from models.messaging.outbox import OutboxMessage, OutboxStatus
from models.messaging.quiet import QuietHours
from models.programs.campaign_spec import CampaignSpec
from models.programs.program import Program
from tests.campaigns.conftest import phone_of
from workers import campaigns as runner
from workers import outbound


def ist(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=IST).astimezone(UTC)


@pytest.mark.parametrize(("moment", "release"), [
    (ist(12, 20, 59), None),
    (ist(12, 21, 0), ist(13, 9)),
    (ist(12, 23, 30), ist(13, 9)),
    (ist(13, 0, 0), ist(13, 9)),  # midnight IST: the same night, the same morning
    (ist(13, 8, 59), ist(13, 9)),
    (ist(13, 9, 0), None),
])
def test_quiet_hours_span_midnight_ist(moment, release):
    assert QuietHours(time(21), time(9)).release(moment) == release


def test_quiet_hours_come_from_the_program_file(app, program):
    assert QuietHours.parse("22:30-07:00").release(ist(12, 23)) == ist(13, 7)
    assert QuietHours.parse("off").release(ist(12, 3)) is None
    with unit_of_work() as session:
        assert session.get(Program, program.id).spec.quiet() == QuietHours(time(21), time(9))


def test_a_tier_notice_at_night_waits_for_nine_but_an_otp_goes_at_once(app, program, member,
                                                                       twilio_api, clock):
    partner = member(whatsapp=2)
    clock.set(ist(13, 3, 30))  # the nightly tier run
    with unit_of_work() as session:
        wallet_id = session.scalar(select(Wallet.id).where(Wallet.partner_id == partner))
        events.record(session, events.TierChanged(partner, program.id, wallet_id, "Member",
                                                  "Specialist", True, clock.now.date()))
        events.record(session, events.OtpIssued(partner, 1, "493021"))
    assert [f["To"] for f in twilio_api.forms] == [phone_of(partner)]  # the OTP, by SMS
    with unit_of_work() as session:
        held = session.scalar(select(OutboxMessage).where(OutboxMessage.channel == "whatsapp"))
        assert held.status == OutboxStatus.QUEUED and held.not_before == ist(13, 9)
    clock.set(ist(13, 8, 59))
    assert outbound.sweep() == 0
    clock.set(ist(13, 9, 0))
    assert outbound.sweep() == 1
    assert twilio_api.forms[-1]["Body"] == "Congratulations! You are now Specialist in " \
        "Shakti Cement Pro Retailer."


def _campaign(program, **fields) -> int:
    spec = CampaignSpec.model_validate({"code": "NIGHT", "messages": {"en": "Hi {name}"},
                                        **fields})
    with unit_of_work() as session:
        campaign = campaigns.save(session, session.merge(program), spec)
        campaigns.schedule(session, campaign, None)
        return campaign.id


def test_a_broadcast_sent_at_night_goes_out_at_nine(app, program, member, twilio_api, clock):
    member()
    clock.set(ist(12, 22, 15))
    campaign_id = _campaign(program)
    assert runner.tick() == 1 and twilio_api.forms == []
    with unit_of_work() as session:
        assert session.get(Campaign, campaign_id).next_run_at == ist(13, 9)
    clock.set(ist(13, 8, 55))
    assert runner.tick() == 0
    clock.set(ist(13, 9, 0))
    assert runner.tick() == 1 and len(twilio_api.forms) == 1


def test_a_recurring_campaign_sends_each_round_on_its_cron(app, program, member, twilio_api,
                                                          clock):
    partner = member()
    clock.set(ist(16, 9, 30))  # a Monday
    _campaign(program, kind="recurring", cron="30 4 * * 1")  # Mondays 10:00 IST
    assert runner.tick() == 0
    clock.set(ist(16, 10, 0))
    assert runner.tick() == 1 and runner.tick() == 0
    clock.set(ist(23, 10, 1))
    assert runner.tick() == 1
    assert len(twilio_api.to(phone_of(partner))) == 2


def test_a_triggered_campaign_reaches_members_without_an_earn_once(app, program, member,
                                                                  twilio_api, clock):
    quiet_new = member(joined_days_ago=10)
    earner = member(joined_days_ago=10)
    too_new = member(joined_days_ago=3)
    with unit_of_work() as session:
        ledger.earn(session, partner_id=earner, program_id=program.id, credits=50,
                    key="t:earn", cause="adjustment", cause_ref="test")
    _campaign(program, kind="triggered",
              trigger={"event": "no_earn_after_enrollment", "days": 7})
    assert runner.tick() == 1
    clock.advance(hours=2)
    assert runner.tick() == 1  # the hourly re-check: nobody new, nobody twice
    assert len(twilio_api.forms) == 1 and len(twilio_api.to(phone_of(quiet_new))) == 1
    clock.advance(days=5)  # the newcomer's seven days are up
    assert runner.tick() == 1
    assert len(twilio_api.forms) == 2 and len(twilio_api.to(phone_of(too_new))) == 1


def test_a_triggered_campaign_reaches_members_close_to_the_next_tier(app, program, member,
                                                                    twilio_api, clock):
    close, far = member(), member()
    with unit_of_work() as session:
        for partner, credits in ((close, 650), (far, 300)):
            ledger.earn(session, partner_id=partner, program_id=program.id, credits=credits,
                        key=f"near:{partner}", cause="qr_code", cause_ref="t")
    _campaign(program, kind="triggered", trigger={"event": "near_next_tier", "credits": 100})
    assert runner.tick() == 1
    assert len(twilio_api.to(phone_of(close))) == 1 and twilio_api.to(phone_of(far)) == []
