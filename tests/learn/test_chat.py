"""The LEARN menu entry and tracks (none without content), Hindi content, resuming a quiz."""

from __future__ import annotations

from models.db import unit_of_work
from models.learning.progress import QuizAttempt
from models.partners.partner import Partner
from tests.learn.conftest import PHONE, Learner, add_partner, load_program, program_doc


def test_menu_offers_learning_and_lists_tracks_with_progress(app, twilio, clock, cempro):
    menu = twilio.chat(PHONE, "MENU")[-1]
    number = next(line.split(".")[0] for line in menu.split("\n")
                  if line.endswith("Learn and get certified"))
    tracks = twilio.chat(PHONE, number)[-1].split("\n")
    assert tracks == ["Learn and earn credits. Choose a track:",
                      "1. Basic Cement Retailer: 0/4 modules",
                      "2. Cement Specialist: 0/8 modules",
                      "3. Cement Master: 0/12 modules"]
    assert twilio.chat(PHONE, "7")[0] == "Please reply with the number of a track."

    load_program(program_doc("CHEMX"))  # a program without tracks offers nothing to learn
    add_partner("CHEMX", phone="+919812300002")
    assert twilio.chat("+919812300002", "LEARN")[-1] == (
        "No learning tracks are open for you yet. Send MENU for the menu.")


def test_hindi_partner_reads_hindi_content(app, twilio, clock, cempro):
    with unit_of_work() as session:
        session.query(Partner).filter_by(phone=PHONE).one().language = "hi"
    learner = Learner(twilio, clock, "CEMPRO")
    assert "बेसिक सीमेंट रिटेलर" in learner.say("SEEKHO")[-1]
    part = learner.say("1")[-1]
    assert "ऑर्डिनरी पोर्टलैंड सीमेंट" in part
    assert learner.say("आगे")[-1] != part


def test_leaving_mid_quiz_resumes_the_same_attempt(app, twilio, clock, cempro):
    learner = Learner(twilio, clock, "CEMPRO")
    learner.read_track("1")
    clock.advance(minutes=3)
    first = learner.start_quiz("1")[-1]
    second = learner.say(learner.choice(first))[-1]
    assert second.startswith("Q2/4: ")
    learner.say("MENU")
    assert learner.start_quiz("1")[-1] == second
    with unit_of_work() as session:
        assert session.query(QuizAttempt).count() == 1
