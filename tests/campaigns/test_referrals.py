"""Referrals: INVITE shows a partner's own code, JOIN <program> <code> links a new member once,
and their first own earn pays the referrer CEMPRO's bonus (50 credits) exactly once; the fraud
rules refuse it or send it to review; the referrer is told in their language. And a campaign's
own unsubscribe word, sent mid-campaign."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import func, select

from bot.i18n import translate
from bot.notices import referrals as referral_notices
from flows import dispatch
from flows.invite import YOUR_CODE
from models import campaigns, events, ledger, review
from models.campaigns import Campaign, CampaignStatus
from models.campaigns import referrals as ref
from models.campaigns.tables import CampaignOptOut, Referral
from models.db import unit_of_work
from models.enrollment import join as enrollment
from models.ledger import budget
from models.ledger.tables import JournalEntry
from models.messaging.outbox import OutboxMessage
from models.partners.partner import Partner, PartnerStatus
from models.programs.campaign_spec import CampaignSpec
from tests.campaigns.conftest import BOTH, phone_of
from workers import campaigns as runner

_new = itertools.count(1)


def newcomer(program, referrer_id: int, *, phone: str | None = None, gstin: str | None = None,
             via_code: bool = True) -> tuple[int, str]:
    """A new CEMPRO member who joined with `referrer_id`'s code; (their id, the link)."""
    phone = phone or f"+9191{next(_new):08d}"
    with unit_of_work() as session:
        program = session.merge(program)
        member = enrollment.join(session, phone=phone, program=program)
        partner = session.get(Partner, member.partner_id)
        partner.name, partner.gstin = "Meena Kulkarni", gstin
        code = ref.invite_code(session, referrer_id) if via_code else "NOSUCH"
        return partner.id, ref.link(session, program, partner, code)


def earn(partner_id: int, program, key: str) -> None:
    with unit_of_work() as session:
        ledger.earn(session, partner_id=partner_id, program_id=program.id, credits=20, key=key,
                    cause="invoice", cause_ref=key)


def referral_of(referee_id: int) -> Referral:
    with unit_of_work() as session:
        found = session.scalar(select(Referral).where(Referral.referee_id == referee_id))
        session.expunge(found)
        return found


def bonus_entries(referrer_id: int) -> list[int]:
    with unit_of_work() as session:
        return list(session.scalars(select(JournalEntry.credits).where(
            JournalEntry.partner_id == referrer_id, JournalEntry.cause == "referral")))


@BOTH
def test_invite_code_join_and_the_first_earn_pays_the_referrer_once(app, program, member,
                                                                     twilio):
    referrer = member("hi", name="Ravi Sharma")
    replies = twilio.chat(phone_of(referrer), "आमंत्रण")  # INVITE in Hindi
    with unit_of_work() as session:
        code = ref.invite_code(session, referrer)
    assert replies[0] == translate("hi", YOUR_CODE, program="Shakti Cement Pro Retailer",
                                   code=code, program_code="CEMPRO", bonus=50)

    new_phone = "+919123400001"
    with unit_of_work() as session:  # a profile known already: JOIN asks only for consent
        session.add(Partner(phone=new_phone, name="Meena Kulkarni", shop="Meena Stores",
                            pincode="411014", language="en"))
    twilio.chat(new_phone, f"JOIN CEMPRO {code.lower()}")
    joined = twilio.chat(new_phone, "1")
    assert joined[1].startswith("Invited by Ravi S.: they get a bonus after your first earn.")
    with unit_of_work() as session:
        new_id = session.scalar(select(Partner.id).where(Partner.phone == new_phone))
    assert referral_of(new_id).status == "linked"

    earn(new_id, program, "invoice:9001")
    earn(new_id, program, "invoice:9001")  # the same earn again
    earn(new_id, program, "invoice:9002")  # a second earn
    with unit_of_work() as session:  # the event told twice
        entry = session.scalar(select(JournalEntry.id).where(
            JournalEntry.key == "invoice:9001"))
        events.record(session, events.Earned(new_id, program.id, entry, "invoice", 20))

    assert bonus_entries(referrer) == [50]
    assert referral_of(new_id).status == "paid"
    phone = phone_of(referrer)
    with unit_of_work() as session:
        assert ledger.wallet_balance(session, referrer, program.id).balance == 50
        told = session.scalars(select(OutboxMessage.body).where(
            OutboxMessage.phone == phone)).all()
    assert told == [translate("hi", referral_notices.PAID, program="Shakti Cement Pro Retailer",
                              name="Meena K.", n=50)]


def test_a_partner_cannot_use_their_own_code_nor_be_linked_twice(app, program, member):
    referrer = member("en")
    with unit_of_work() as session:
        program_ = session.merge(program)
        me = session.get(Partner, referrer)
        assert ref.link(session, program_, me, ref.invite_code(session, referrer)) == \
            ref.Linked.OWN
        assert session.scalar(select(Referral.reason).where(Referral.referee_id == referrer)) \
            == "self_referral"
    new_id, linked = newcomer(program, member("en", name="Second Referrer"))
    assert linked == ref.Linked.LINKED
    with unit_of_work() as session:
        again = ref.link(session, session.merge(program), session.get(Partner, new_id),
                         ref.invite_code(session, referrer))
    assert again == ref.Linked.ALREADY
    assert newcomer(program, referrer, via_code=False)[1] == ref.Linked.UNKNOWN


@BOTH
def test_same_gstin_is_sent_to_review_and_paid_only_when_approved(app, program, member):
    referrer = member("en", gstin="27AAACS1234P1Z7")
    new_id, _ = newcomer(program, referrer, gstin="27aaacs1234p1z7")
    earn(new_id, program, "invoice:7001")
    held = referral_of(new_id)
    assert (held.status, held.reason) == ("review", "same_gstin")
    assert bonus_entries(referrer) == []
    with unit_of_work() as session:
        review.decide(session, held.review_item_id, approve=True, actor="ops@shakti.test")
    assert bonus_entries(referrer) == [50]
    assert referral_of(new_id).status == "paid"


def test_close_phone_numbers_are_held_and_rejecting_refuses(app, program, member):
    referrer = member("en")  # +91987000xxxx: the newcomer's first 8 digits are the same
    new_id, _ = newcomer(program, referrer, phone=phone_of(referrer)[:-2] + "99")
    earn(new_id, program, "invoice:7101")
    held = referral_of(new_id)
    assert (held.status, held.reason) == ("review", "phone_prefix")
    phone = phone_of(referrer)
    with unit_of_work() as session:
        review.decide(session, held.review_item_id, approve=False, actor="ops@shakti.test")
        told = session.scalars(select(OutboxMessage.body).where(
            OutboxMessage.phone == phone)).all()
    assert referral_of(new_id).status == "refused" and bonus_entries(referrer) == []
    reason = translate("en", referral_notices.REASONS[ref.Reason.PHONE_PREFIX])
    assert told[-1] == translate("en", referral_notices.REFUSED,
                                 program="Shakti Cement Pro Retailer", name="Meena K.",
                                 reason=reason)


def test_the_monthly_cap_per_referrer_refuses_the_sixth(app, program, member):
    referrer = member("en")
    newcomers = [newcomer(program, referrer)[0] for _ in range(6)]
    for n, new_id in enumerate(newcomers):
        earn(new_id, program, f"invoice:72{n:02d}")
    assert bonus_entries(referrer) == [50] * 5
    last = referral_of(newcomers[-1])
    assert (last.status, last.reason) == ("refused", "monthly_cap")


@BOTH
def test_a_campaigns_unsubscribe_word_mid_campaign_leaves_that_campaign_only(
        app, program, member, twilio, twilio_api):
    leaving, staying = member("hi", name="Asha"), member("en", name="Bina")
    spec = {"messages": {"en": "Offer for {name}"}, "unsubscribe_word": "STOP OFFERS",
            "urgent": True}  # not held by quiet hours
    with unit_of_work() as session:
        program_ = session.merge(program)
        offers = campaigns.save(session, program_, CampaignSpec.model_validate(
            {"code": "OFFERS", **spec})).id
        other = campaigns.save(session, program_, CampaignSpec.model_validate(
            {"code": "TIPS", "messages": {"en": "Tip for {name}"}, "urgent": True})).id
        for campaign_id in (offers, other):
            campaigns.schedule(session, session.get(Campaign, campaign_id), None)
        campaigns.start(session, session.get(Campaign, offers))  # round built, not sent

    assert twilio.chat(phone_of(leaving), "stop  offers") == [
        translate("hi", dispatch.LEFT_CAMPAIGN)]
    runner.run(offers)
    runner.run(other)  # Bina is capped (one campaign message a day), Asha gets it

    assert [f.get("Body") for f in twilio_api.to(phone_of(staying))] == ["Offer for Bina"]
    assert [f.get("Body") for f in twilio_api.to(phone_of(leaving))] == ["Tip for Asha"]
    with unit_of_work() as session:
        assert session.get(Partner, leaving).status == PartnerStatus.ACTIVE
        assert session.scalar(select(func.count()).select_from(CampaignOptOut)) == 1
        assert session.get(Campaign, offers).status == CampaignStatus.DONE
        stats = campaigns.collect(session, session.get(Campaign, offers))
    assert stats.skipped == {"unsubscribed": 1}


@BOTH
def test_bulk_earns_pay_each_referrer_once(app, program, member):
    """An imported sales file's chunk (ledger.earn_many) is one event for all its partners."""
    referrer = member("en")
    first, _ = newcomer(program, referrer)
    second, _ = newcomer(program, referrer)
    chunk = [ledger.Earn(partner_id=p, credits=10, key=f"sale:{p}:{n}", cause="invoice",
                         cause_ref="sales") for p in (first, second) for n in range(2)]
    for _ in range(2):  # the chunk imported twice
        with unit_of_work() as session:
            ledger.earn_many(session, program.id, chunk)
    assert bonus_entries(referrer) == [50, 50]
    assert {referral_of(first).status, referral_of(second).status} == {"paid"}


@BOTH
@pytest.mark.parametrize("approve", [True, False])
def test_a_bonus_past_the_budget_cap_is_held_not_paid_until_the_cap_review(
        app, program, member, approve):
    """The referrer is told the bonus is being checked, not that they got it; approval pays
    it (one entry) and says so, refusal refuses the referral and says so."""
    referrer = member("en")
    new_id, _ = newcomer(program, referrer)
    with unit_of_work() as session:  # room for the newcomer's 20 credits, not the bonus
        budget.force(session, program.id, program.spec.budget.monthly_cap_credits - 30)
    earn(new_id, program, "invoice:7301")
    held = referral_of(new_id)
    assert (held.status, held.reason) == ("review", "budget_cap")
    phone = phone_of(referrer)
    with unit_of_work() as session:
        assert ledger.wallet_balance(session, referrer, program.id).balance == 0
        [item] = review.pending(session, "budget_cap")
        review.decide(session, item.id, approve=approve, actor="ops@shakti.test")
    with unit_of_work() as session:
        balance = ledger.wallet_balance(session, referrer, program.id).balance
        told = session.scalars(select(OutboxMessage.body).where(
            OutboxMessage.phone == phone).order_by(OutboxMessage.id)).all()
    reason = translate("en", referral_notices.REASONS[ref.Reason.BUDGET_CAP])
    name = {"program": "Shakti Cement Pro Retailer", "name": "Meena K."}
    assert told[0] == translate("en", referral_notices.HELD, reason=reason, **name)
    if approve:
        assert (referral_of(new_id).status, balance) == ("paid", 50)
        assert told[1:] == [translate("en", referral_notices.PAID, n=50, **name)]
    else:
        assert (referral_of(new_id).status, balance) == ("refused", 0)
        assert told[1:] == [translate("en", referral_notices.REFUSED, reason=reason, **name)]
