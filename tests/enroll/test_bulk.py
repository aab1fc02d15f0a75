"""Bulk enrollment by distributor reps, through the signed webhook; the report arrives by outbox."""

from __future__ import annotations

import pytest

from bot.i18n import translate
from models.db import unit_of_work
from models.partners.partner import Partner
from models.programs.privacy_settings import DEFAULT_SUMMARY
from tests.mediahost import media_host, provider_media

from .conftest import OTHER_REP, REP, memberships, outbox, partner

BATCH = """ENROLL TILEPRO
Ramesh Kumar, 98765 43210, Ramesh Hardware, 411001
Sita Devi, +919876543211, Sita Tiles, 411002, hindi
Bad Phone, 12345, Nowhere Store, 411003
Bad Pin, 9876543212, Zero Pin Shop, 011003
Ramesh Again, 9876543210, Ramesh Hardware, 411001
Only Name, 9876543213
"""


def _report() -> str:
    return [m for m in outbox() if m.phone == REP][-1].body


def test_rep_batch_reports_every_row_and_invites_only_new_shops(twilio, programs, clock):
    with unit_of_work() as session:
        session.add(Partner(phone="+919876543214", name="Old Member", shop="Old Shop",
                            pincode="411004"))
    twilio.chat("+919876543214", "JOIN TILEPRO")
    twilio.chat("+919876543214", "1")
    replies = twilio.chat(REP, BATCH + "Old Member, 9876543214, Old Shop, 411004\n"
                          "No Phone, No Phone Store, 411005\n")
    assert "Checking your list for Tile Pro" in replies[0]
    report = _report()
    assert report.splitlines()[0] == "Tile Pro: 8 rows checked."
    assert "created: 2" in report and "invalid phone: 1" in report
    assert "Row 3 (Bad Phone): invalid phone" in report
    assert "Row 4 (Bad Pin): invalid PIN code" in report
    assert "Row 5 (Ramesh Again): duplicate in this batch" in report
    assert "Row 6 (Only Name): needs name, phone, shop and PIN code" in report
    assert "Row 8 (No Phone): needs name, phone, shop and PIN code" in report
    assert "Row 7 (Old Member): already enrolled" in report
    assert "Ramesh Kumar" not in report
    sita = partner("+919876543211")
    assert (sita.status, sita.language, sita.shop) == ("invited", "hi", "Sita Tiles")
    assert memberships("+919876543211") == {"TILEPRO": "invited"}
    invites = [m for m in outbox() if m.phone in ("+919876543210", "+919876543211")]
    assert [m.channel for m in invites] == ["sms", "sms"]
    assert "Reply JOIN TILEPRO" in invites[0].body

    twilio.chat(REP, BATCH)  # the same batch again: nothing new, nobody re-invited
    assert "created" not in _report().splitlines()[1]
    assert "Row 1 (Ramesh Kumar): already invited" in _report()
    assert len([m for m in outbox() if m.phone == "+919876543210"]) == 1


def test_a_non_rep_cannot_enroll_shops(twilio, programs, clock):
    twilio.chat("+919876500009", "JOIN TILEPRO")
    with unit_of_work() as session:
        session.add(Partner(phone="+919876500010", name="Shop", shop="S", pincode="411001"))
    reply = twilio.chat("+919876500010", BATCH)
    assert "Only distributor reps can enroll shops" in reply[0]
    assert partner("+919876543210") is None


def test_a_rep_cannot_enroll_into_a_program_their_distributor_does_not_run(twilio, programs,
                                                                           clock):
    reply = twilio.chat(OTHER_REP, BATCH)
    assert "Send ENROLL and one of your programs: PAINTX" in reply[0]
    assert partner("+919876543210") is None


def test_rep_with_one_program_attaches_a_csv(app, twilio, programs, clock):
    csv_text = ("name,phone,shop,pincode,language\n"
                "Anil,9876543220,Anil Stores,560001,Kannada\n"
                "Bina,9876543221,Bina Paints,0560001,\n"
                "\"Rao, Sons\",9876543222,\"Rao & Sons, Tiles\",560002,kn\n")
    url = provider_media(csv_text.encode("utf-8-sig"), ".csv")
    replies = twilio.chat(REP, "ENROLL", NumMedia="1", MediaUrl0=url,
                          MediaContentType0="text/csv")
    assert "Checking your list for Tile Pro" in replies[0]
    report = _report()
    assert report.splitlines()[:2] == ["Tile Pro: 3 rows checked.",
                                       "created: 2, invalid PIN code: 1"]
    assert "Row 3 (Bina): invalid PIN code" in report  # spreadsheet rows: the header is row 1
    assert partner("+919876543222").shop == "Rao & Sons, Tiles"
    assert partner("+919876543220").language == "kn"


def test_a_photo_instead_of_a_csv_is_refused_with_the_reason(twilio, programs, clock):
    replies = twilio.chat(REP, "ENROLL TILEPRO", NumMedia="1",
                          MediaUrl0=provider_media(b"\xff\xd8", ".jpg"),
                          MediaContentType0="image/jpeg")
    assert replies[0] == "Please attach a CSV file (or paste the lines)."


def test_enroll_alone_waits_for_the_lines(twilio, programs, clock):
    assert twilio.chat(REP, "ENROLL TILEPRO")[0].startswith("Send one shop per line")
    twilio.chat(REP, "Anil, 9876543220, Anil Stores, 560001")
    assert _report().splitlines()[1] == "created: 1"


def _send_csv(twilio, rows: list[str]) -> list[str]:
    url = provider_media("\n".join(rows).encode(), ".csv")
    return twilio.chat(REP, "ENROLL TILEPRO", NumMedia="1", MediaUrl0=url,
                       MediaContentType0="text/csv")


def test_a_batch_over_500_rows_is_refused_with_the_limit(twilio, programs, clock):
    rows = [f"Shop {n}, 98765{n:05d}, Store {n}, 411001" for n in range(501)]
    _send_csv(twilio, rows)
    assert _report() == "That list has 501 rows. The limit is 500 per message: please split it."
    assert partner("+919876500000") is None
    pasted = twilio.chat(REP, "ENROLL TILEPRO\n" + "\n".join(rows))
    assert pasted[0] == ("That list is too long for one chat message. Please attach it as a "
                         "CSV file.")


def test_a_full_batch_of_500_gets_a_short_report(twilio, programs, clock):
    rows = [f"Shop {n}, 98765{n:05d}, Store {n}, {'411001' if n < 50 else '011001'}"
            for n in range(500)]
    _send_csv(twilio, rows)
    report = _report()
    assert len(report) <= 1500
    assert report.splitlines()[:2] == ["Tile Pro: 500 rows checked.",
                                       "created: 50, invalid PIN code: 450"]
    assert report.splitlines()[2] == "Row 51 (Shop 50): invalid PIN code"
    assert report.splitlines()[-1].startswith("…and ") and report.endswith(" more.")


def test_invited_shop_finishes_enrollment_with_its_own_consent(twilio, programs, clock):
    twilio.chat(REP, BATCH)
    invited = "+919876543210"
    assert twilio.chat(invited, "hello") == [
        "Welcome to Tile Pro!",
        "Choose your language:\n1. English\n2. हिन्दी\n3. मराठी\n"
        "4. ગુજરાતી\n5. தமிழ்\n6. తెలుగు\n7. ಕನ್ನಡ\n8. বাংলা\n9. ਪੰਜਾਬੀ\n10. More"]
    assert twilio.chat(invited, "English") == [
        "Do you accept the Tile Pro terms? How we use your data: "
        "https://saathi.test/privacy/TILEPRO/en\n1. Yes, I agree\n2. No"]
    assert twilio.chat(invited, "1")[0] == \
        "Welcome to Tile Pro, Ramesh Kumar! You are now a member."
    shop = partner(invited)
    assert (shop.status, shop.shop, shop.pincode) == ("active", "Ramesh Hardware", "411001")
    assert shop.parent_id == partner("+919820000001").id
    assert memberships(invited) == {"TILEPRO": "active"}
    assert "What would you like to do" in twilio.chat(invited, "MENU")[0]


def test_invited_shop_can_answer_the_invite_with_join(twilio, programs, clock):
    twilio.chat(REP, BATCH)
    hello = translate("hi", "Welcome to {program}!", program="Tile Pro")  # Sita's language
    assert twilio.chat("+919876543211", "JOIN TILEPRO")[0] == hello
    twilio.chat("+919876543211", "2")  # declines (the rep gave her language: not asked again)
    assert memberships("+919876543211") == {"TILEPRO": "declined"}


@pytest.mark.parametrize("channel", ["whatsapp", "sms"])
def test_a_shop_the_rep_gave_a_language_is_not_asked_it_again(twilio, programs, clock,
                                                               channel):
    """The rep wrote "tamil" on the shop's line: the shop is welcomed in Tamil and asked its
    consent, not the language list again (QA finding E)."""
    twilio.chat(REP, "ENROLL TILEPRO\nMurugan, 9876543215, Murugan Tiles, 600017, tamil")
    replies = twilio.chat("+919876543215", "vanakkam", channel=channel)
    text = "\n".join(replies)
    assert text.startswith(translate("ta", "Welcome to {program}!", program="Tile Pro")), text
    assert translate("ta", "Choose your language:") not in text
    if channel == "sms":  # the consent question waits for MORE, the notice's short form in it
        text = "\n".join(twilio.chat("+919876543215", "MORE", channel=channel))
        assert DEFAULT_SUMMARY["ta"] in text, text  # not the English sentence
    assert "1. " + translate("ta", "Yes, I agree") in text, text
    twilio.chat("+919876543215", "1", channel=channel)
    shop = partner("+919876543215")
    assert (shop.status, shop.language) == ("active", "ta")


def test_invitations_use_the_whatsapp_template_where_configured(app, twilio, programs, clock):
    app.config["WHATSAPP_TEMPLATES"] = {"invite": "HX0123"}
    twilio.chat(REP, BATCH)
    invite = next(m for m in outbox() if m.phone == "+919876543210")
    assert (invite.channel, invite.template) == ("whatsapp", "invite")
    assert invite.template_vars == {"1": "Ramesh Kumar", "2": "Tile Distributors",
                                    "3": "Tile Pro", "4": "TILEPRO"}


def test_rows_pasted_from_a_spreadsheet_are_tab_separated(twilio, programs, clock):
    twilio.chat(REP, "ENROLL\nAnil\t9876543220\tAnil Stores, Main Road\t560001")
    assert _report().splitlines()[1] == "created: 1"
    assert partner("+919876543220").shop == "Anil Stores, Main Road"


def test_reps_find_enroll_shops_in_their_menu(twilio, programs, clock):
    assert "Enroll shops" in twilio.chat(REP, "MENU")[0]
    assert twilio.chat(REP, "Enroll shops")[0].startswith("Send one shop per line")
    twilio.chat(REP, "Anil, 9876543220, Anil Stores, 560001")
    assert _report().splitlines()[:2] == ["Tile Pro: 1 row checked.", "created: 1"]


@pytest.mark.parametrize("url", [
    "missing", "http://169.254.169.254/latest/meta-data/", "https://127.0.0.1/etc/passwd"])
def test_an_unreadable_file_gets_a_polite_reply_and_creates_nothing(twilio, programs, clock, url):
    if url == "missing":
        url = media_host().origin + "/Media/MEmissing.csv"
    twilio.chat(REP, "ENROLL", NumMedia="1", MediaUrl0=url, MediaContentType0="text/csv")
    assert _report() == "Sorry, I could not open your file. Please send it again."
    assert [m.phone for m in outbox()] == [REP]


def test_a_batch_runs_in_a_real_rq_worker(app, twilio, programs, redis_url, clock):
    from rq import SimpleWorker

    from bot import jobs

    app.config["REDIS_URL"] = redis_url
    try:
        twilio.chat(REP, BATCH)
        assert partner("+919876543210") is None  # nothing until the worker runs
        SimpleWorker([jobs.queue()], connection=jobs.redis_connection()).work(burst=True)
    finally:
        jobs.queue().delete(delete_jobs=True)
    assert _report().splitlines()[1].startswith("created: 2")
    assert partner("+919876543210").status == "invited"
    assert {m.status for m in outbox()} == {"sent"}


def test_invited_shop_may_change_language_first(twilio, programs, clock):
    twilio.chat(REP, BATCH)
    invited = "+919876543210"
    twilio.chat(invited, "LANG")
    assert twilio.chat(invited, "English")[0] == "Language changed to English."
    assert twilio.chat(invited, "hi")[0] == "Welcome to Tile Pro!"
    assert partner(invited).language == "en"


def test_names_and_shops_longer_than_their_columns_are_cut_not_lost(twilio, programs, clock):
    _send_csv(twilio, [f"{'N' * 300}, 9876543230, {'S' * 400}, 411001"])
    assert _report().splitlines()[1] == "created: 1"
    assert (len(partner("+919876543230").name), len(partner("+919876543230").shop)) == \
        (120, 160)


def test_a_shop_the_rep_gave_english_is_not_asked_its_language_again(twilio, programs, clock):
    """"english" on the shop's line is a language named, as "tamil" is: the shop is welcomed
    in English and asked its consent (it was asked the language list, as if none was named)."""
    twilio.chat(REP, "ENROLL TILEPRO\nMurugan, 9876543215, Murugan Tiles, 600017, english")
    replies = twilio.chat("+919876543215", "vanakkam")
    assert replies[0] == "Welcome to Tile Pro!"
    assert "Choose your language:" not in "\n".join(replies)
    assert "Do you accept the Tile Pro terms?" in replies[-1]
    twilio.chat("+919876543215", "1")
    shop = partner("+919876543215")
    assert (shop.status, shop.language) == ("active", "en")
