"""TOP: a partner reads the leaders of their area (WhatsApp, SMS, USSD; any language), their
own rank first, names masked, ties sharing a rank; a partner may hide their name (and still
sees their own rank); the monthly rank message is a recurring campaign like any other."""

from __future__ import annotations

from sqlalchemy import update

from bot.channels.sms import MAX_SEGMENTS, segments
from bot.i18n import translate
from models import campaigns, ledger
from models.base import utcnow
from models.campaigns import leaderboard
from models.db import unit_of_work
from models.messaging.outbox import OutboxMessage
from models.partners.partner import Partner, PartnerStatus
from models.programs.campaign_spec import CampaignSpec
from models.programs.program import Membership
from tests.campaigns.conftest import BOTH, phone_of
from tests.ussd.conftest import KEY, Gateway
from workers import campaigns as campaign_jobs

NAME = "Shakti Cement Pro Retailer"
OWN = "You are #{rank} of {count} in your district."


def earn(program, partner_id: int, credits: int, key: str) -> None:
    with unit_of_work() as session:
        ledger.earn(session, partner_id=partner_id, program_id=program.id, credits=credits,
                    key=key, cause="qr_code", cause_ref="t", apply_tier_multiplier=False)


def pune(member, program, **channel) -> dict[str, int]:
    """Five shops in Pune's district (411…), one in Bengaluru; two tie on 40."""
    ids = {"ramesh": member(name="Ramesh Kumar Patil", pincode="411001", region="Pune",
                            **channel),
           "sunil": member(name="Sunil Kale", pincode="411038", region="Pune", **channel),
           "anil": member(name="Anil", pincode="411002", region="Pune", language="hi",
                          **channel),
           "vijay": member(name="Vijay Rao", pincode="411004", region="Pune", language="ta",
                           **channel),
           "meena": member(name="Meena Shah", pincode="411001", region="Pune", **channel),
           "far": member(name="Far Away", pincode="560001", region="Bengaluru", **channel)}
    for n, (who, credits) in enumerate((("ramesh", 40), ("sunil", 40), ("vijay", 90),
                                        ("anil", 10), ("far", 500))):
        earn(program, ids[who], credits, f"k{n}")
    return ids


BOARD = ("#1 Vijay R., Pune: 90\n#2 Ramesh P., Pune: 40\n#2 Sunil K., Pune: 40\n"
         "#4 Anil, Pune: 10\n#5 Meena S., Pune: 0")


@BOTH
def test_top_on_whatsapp_shows_the_district_this_month_then_other_areas_and_all_time(
        app, twilio, program, member, clock):
    ids = pune(member, program)
    phone = phone_of(ids["sunil"])
    text = "\n".join(twilio.chat(phone, "TOP"))
    assert text.startswith(f"{NAME} · District · This month\nYou are #2 of 5 in your "
                           f"district.\n{BOARD}\n")  # own rank first; ties share #2
    assert "Far" not in text and "Patil" not in text and "Kale" not in text
    assert text.endswith("1. PIN code area\n2. State\n3. All time\n4. Hide my name\n"
                         "5. Main menu")
    state = "\n".join(twilio.chat(phone, "2"))  # state 41: Pune's circle, not Bengaluru
    assert state.startswith(f"{NAME} · State · This month\nYou are #2 of 5 in your state.")
    clock.advance(days=40)  # a new month: this month all tie on 0, all time keeps the credits
    earn(program, ids["meena"], 5, "late")
    month = "\n".join(twilio.chat(phone, "TOP"))
    assert "You are #2 of 5 in your district.\n#1 Meena S., Pune: 5\n#2 Ramesh P., Pune: 0" \
        in month
    every = "\n".join(twilio.chat(phone, "3"))
    assert every.startswith(f"{NAME} · District · All time\nYou are #2 of 5")
    assert "#5 Meena S., Pune: 5" in every and "3. This month" in every
    pin = "\n".join(twilio.chat(phone, "1"))  # 411038: Sunil alone in his PIN code
    assert pin.startswith(f"{NAME} · PIN code area · All time\nYou are #1 of 1 in your PIN "
                          "code area.\n#1 Sunil K., Pune: 40")


def test_a_partner_who_hides_their_name_is_left_off_but_sees_their_own_rank(
        app, twilio, program, member):
    ids = pune(member, program)
    vijay, ramesh = phone_of(ids["vijay"]), phone_of(ids["ramesh"])
    twilio.chat(vijay, "TOP")
    hidden = "\n".join(twilio.chat(vijay, "4"))  # in Tamil
    assert translate("ta", "Your name is now hidden from the leaderboard. You still see your "
                     "own rank.") in hidden
    assert translate("ta", "Show my name") in hidden
    others = "\n".join(twilio.chat(ramesh, "TOP"))
    assert "Vijay" not in others and "You are #2 of 5" in others  # ranks count everyone
    assert "#2 Ramesh P., Pune: 40\n#2 Sunil K., Pune: 40\n#4 Anil" in others
    own = "\n".join(twilio.chat(vijay, "TOP"))
    assert translate("ta", OWN, rank=1, count=5) in own
    assert translate("ta", "Your name is hidden from others.") in own
    assert "Vijay" not in own
    twilio.chat(vijay, "4")  # shown again
    assert "#1 Vijay R., Pune: 90" in "\n".join(twilio.chat(ramesh, "TOP"))


def test_top_in_other_languages_and_roman_hindi(app, twilio, program, member):
    ids = pune(member, program)
    for words in ("टॉप", "meri rank", "TOP"):
        text = "\n".join(twilio.chat(phone_of(ids["anil"]), words))
        assert translate("hi", OWN, rank=4, count=5) in text, words
        assert translate("hi", "District") in text.split("\n")[0]
    tamil = "\n".join(twilio.chat(phone_of(ids["vijay"]), "டாப்"))
    assert translate("ta", OWN, rank=1, count=5) in tamil


def test_top_by_sms_is_one_sms_of_two_segments_with_the_own_rank_first(app, twilio, program,
                                                                       member):
    ids = pune(member, program, whatsapp=None)
    leaders = {}
    for who, lang in (("sunil", "en"), ("anil", "hi"), ("vijay", "ta")):
        [sms] = twilio.chat(phone_of(ids[who]), "TOP", channel="sms")
        assert segments(sms) <= MAX_SEGMENTS, sms
        rank = {"sunil": 2, "anil": 4, "vijay": 1}[who]
        own, leaders[lang] = sms.split("#1 Vijay R., Pune: 90")
        assert own.startswith(f"{NAME}, {translate(lang, 'District')}, ")
        assert f"#{rank}" in own and "5" in own
    # no menu: in English the whole board in one SMS, in UCS-2 as many leaders as fit
    assert leaders["en"].endswith("#5 Meena S., Pune: 0")
    assert leaders["ta"] == "; #2 Ramesh P., Pune: 40"
    assert twilio.chat(phone_of(ids["sunil"]), "MORE", channel="sms") == [
        translate("en", "There is nothing more to show. Send HELP for the commands.")]


def test_top_on_ussd_screens(app, program, member):
    ids = pune(member, program)
    app.config["USSD_KEY"] = KEY
    call = Gateway(app.test_client()).dial(phone_of(ids["ramesh"]))
    screen = call.press("TOP")
    assert screen.startswith(f"CON {NAME} · District · This month\nYou are #2 of 5")
    assert all(len(s) - 4 <= app.config["USSD_SCREEN_CHARS"] for s in call.screens)


def test_no_pin_code_no_board(app, twilio, program, member):
    phone = phone_of(member(name="Nobody Known"))
    text = "\n".join(twilio.chat(phone, "TOP"))
    assert "There is no PIN code on your profile, so you are on no leaderboard." in text


@BOTH
def test_the_monthly_rank_message_is_a_recurring_campaign(app, program, member, twilio_api):
    ids = pune(member, program)
    with unit_of_work() as session:
        campaign = campaigns.save(session, program, CampaignSpec(
            code="MONTH-RANK", kind="recurring", cron="30 12 25 * *", urgent=True,
            msgid="{name}, you are #{rank} of {count} in your district this month in "
                  "{program}. Send TOP to see the leaders."))
        campaigns.schedule(session, campaign, None)
        campaign.next_run_at = campaign.created_at
        campaign_id = campaign.id
    nobody = member(name="No Pin")  # no PIN code: skipped, not told "#? of 0"
    campaign_jobs.run(campaign_id)
    with unit_of_work() as session:
        bodies = {row.partner_id: row.body for row in session.query(OutboxMessage)}
        skipped = {d.partner_id: d.reason for d in session.query(campaigns.Delivery)
                   if d.status == "skipped"}
    assert bodies[ids["sunil"]] == (f"Sunil Kale, you are #2 of 5 in your district this month "
                                    f"in {NAME}. Send TOP to see the leaders.")
    assert bodies[ids["vijay"]].startswith("Vijay Rao, ") and "#1" in bodies[ids["vijay"]]
    assert skipped == {nobody: "no_pin_code"}


def test_board_counts_only_active_members_who_have_not_stopped(app, program, member):
    ids = pune(member, program)
    with unit_of_work() as session:
        session.get(Partner, ids["meena"]).status = PartnerStatus.OPTED_OUT
        session.execute(update(Membership).where(Membership.partner_id == ids["sunil"])
                        .values(status="withdrawn"))  # LEAVE: consent withdrawn
    with unit_of_work() as session:
        board = leaderboard.board(session, program.id, session.get(Partner, ids["anil"]),
                                  "district", True, utcnow())
        assert board.count == 3 and [(p.rank, p.shown_as) for p in board.shown] == [
            (1, "Vijay R., Pune"), (2, "Ramesh P., Pune"), (3, "Anil, Pune")]
        left = leaderboard.board(session, program.id, session.get(Partner, ids["sunil"]),
                                 "district", True, utcnow())
        assert left.own.rank == 2 and left.count == 4  # still told where they stand
