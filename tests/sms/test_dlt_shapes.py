"""How a flow's SMS answer is read back into its template (the same way whatever its values),
and answers whose shape the SMS walk (tests/i18n/test_sms_segments.py) does not meet as such
are registered DLT templates too, page by page (bot/channels/dlt_shapes.py): a list of any
length, the longest names, and an English answer that a value makes UCS-2."""

from __future__ import annotations

import copy
import re

import pytest

from bot.channels import dlt, dlt_shapes
from bot.channels.sms import MORE_HINT, segments
from bot.i18n import LANGUAGES, NP_, translate
from models import ledger
from models.programs.program import Program, load_spec
from models.programs.schema import parse
from tests.scan.conftest import add_partner, program_spec

NEXT_TIER = "Next tier {tier}: {distance}"


def _line(lang: str, distance: int) -> str:
    more = translate(lang, NP_("{n} more credit", "{n} more credits"), distance)
    return translate(lang, NEXT_TIER, tier="Master", distance=more)


@pytest.mark.parametrize("lang", ["kn", "en", "hi", "ta", "te", "as"])
def test_a_next_tier_line_reads_as_itself_whatever_the_distance(lang):
    """ "Next tier Master: 37 more credits" once read in Kannada as "{reward}: {n} credits"
    (the reward "Next tier Master", the count "37 more": short enough for a count) while
    "... 370 more credits" read as the next-tier line: one answer, two shapes, its pages cut
    on two plans, and the registry missed one (the SMS walk failed once a balance changed)."""
    for distance in (1, 7, 37, 370, 3_700, 37_000):
        (recipe,) = dlt_shapes.recipe(_line(lang, distance), lang)
        assert recipe[0] == "msg" and recipe[2] == NEXT_TIER, (distance, recipe)
    assert len({dlt_shapes.shape(_line(lang, d), lang) for d in (7, 37, 370, 3_700)}) == 1


# QRA's catalog (programs/cempro.yaml): cashback from 100 credits, vouchers at 125, 250, 500
# and 600 (and 1,200 for higher tiers); each balance affords one reward more.
AFFORDS = {100: 1, 125: 2, 250: 3, 500: 4, 600: 5}


def answers(twilio, phone: str, text: str, lang: str) -> list[str]:
    """The SMS that answer `text`, then each page MORE brings; each one registered
    template of at most two segments."""
    found = twilio.chat(phone, text, channel="sms")
    while found[-1].endswith(translate(lang, MORE_HINT)):
        found += twilio.chat(phone, "MORE", channel="sms")
    for page in found:
        assert segments(page) <= 2, page
        try:
            dlt.match(page)
        except dlt.DltRefused as exc:
            pytest.fail(f"{lang}: {exc}\n{page}")
    return found


def _rich(db, programs, lang: str, credits: int) -> str:
    partner = add_partner(db, programs, language=lang)
    ledger.adjust(db, partner_id=partner.id, program_id=programs["QRA"].id, credits=credits,
                  key=f"grant-{partner.phone}", reason="test", actor="admin")
    db.commit()
    return partner.phone


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_the_redeem_menu_with_one_to_five_rewards_is_registered_page_by_page(
        db, programs, twilio, lang):
    for credits, count in AFFORDS.items():
        pages = answers(twilio, _rich(db, programs, lang, credits), "REDEEM", lang)
        options = re.findall(r"^\d\. ", "\n".join(pages), re.M)
        assert len(options) == count, pages


@pytest.fixture
def devanagari_labels(db) -> dict[str, Program]:
    """QRD: QRA with its rewards named in Devanagari in English too (an operator may write
    them so)."""
    data = copy.deepcopy(program_spec("QRD"))
    for item in data["catalog"]["items"]:
        label = item["label"]
        item["label"] = {**label, "en": "शक्ति " + label["en"]}
    program = load_spec(db, parse(data))
    db.commit()
    return {"QRA": program}


def test_an_english_answer_a_value_makes_ucs2_is_registered_in_gsm7_wording(
        db, twilio, devanagari_labels):
    pages = answers(twilio, _rich(db, devanagari_labels, "en", 600), "REDEEM", "en")
    text = "\n".join(pages)
    assert "शक्ति UPI cashback: 100-2,500 credits" in text  # "–" as "-", as registered
    assert "₹" not in text and "Rs " in text
    assert len(pages) > 1 and all(segments(page) <= 2 for page in pages)  # 67 a segment


LONG_PROGRAM = ("Shakti Cement Pro Retailer Loyalty and Rewards Programme for Hardware, Tile, "
                "Paint and Sanitaryware Shops of Maharashtra")[:120]
LONG_NAME = "Ramesh Kumar Venkataraman Subramaniam Iyer Chandrasekhar Balasubramanian Nair Ji"
STEPS = ["JOIN QRL", "{lang}", "1", "{name}", "Ramesh Hardware", "411 001", "SKIP", "1", "1"]
CHOICE = {"en": 1, "hi": 2, "ta": 5}  # in the list of languages JOIN shows


@pytest.fixture
def long_named(db) -> None:
    """QRL: QRA named as long as a program's name may be (models/programs/schema.py)."""
    data = copy.deepcopy(program_spec("QRL"))
    data["name"] = LONG_PROGRAM
    load_spec(db, parse(data))
    db.commit()


@pytest.mark.parametrize(("lang", "name"), [("en", LONG_NAME), ("hi", LONG_NAME),
                                           ("ta", LONG_NAME), ("en", "रमेश कुमार शर्मा")])
def test_the_longest_names_are_registered_sms_welcome_and_credits(twilio, long_named, lang,
                                                                  name):
    """A partner's 80-character name (or one in Devanagari: an English SMS in UCS-2) and a
    program's 120-character one: welcome, menu and credits, every page of them one
    registered template (the program's name shortened)."""
    assert len(LONG_PROGRAM) == 120 and len(LONG_NAME) == 80
    said = [answers(twilio, "+919876511111", step.format(lang=CHOICE[lang], name=name), lang)
            for step in STEPS]
    welcome, credits = "\n".join(said[-2]), "\n".join(said[-1])
    shortened = LONG_PROGRAM[:27].rstrip() + "..."  # one variable, as the leaderboard shows
    assert name in welcome and shortened in welcome and shortened in credits


@pytest.mark.parametrize("lang", ["hi", "ta", "ml"])
def test_a_quiz_whose_answers_page_alone_asks_for_a_number_there(lang):
    """A question too long to share its page with its answers left a last page of answers
    alone ("1. 15–20 सेमी\n2. 2 मीटर\n3. सीधे फ़र्श पर"): variables alone, which no DLT
    portal registers, so Gupshup sent the fallback instead of the quiz. Whatever the
    question's length, no page is values alone: such a page opens with "Reply with a
    number."."""
    from bot.channels import sms
    word = {"hi": "लंबा प्रश्न ", "ta": "கேள்வி ", "ml": "ചോദ്യം "}[lang]
    hint, ask = translate(lang, MORE_HINT), translate(lang, sms.ASK_NUMBER)
    alone = 0
    for words in range(5, 40):
        text = "\n".join([translate(lang, "Q{n}/{total}: {question}", n=1, total=3,
                                    question=(word * words).strip()),
                          "1. 15–20 सेमी", "2. 2 मीटर", "3. सीधे फ़र्श पर"])
        plan = dlt_shapes.plan(text, lang)
        made = sms.pages(text, hint, plan=plan, ask=ask)
        assert all(segments(page) <= 2 and dlt.words(dlt_shapes.shape(page, lang))
                   for page in made), made
        if not dlt.words(dlt_shapes.shape(sms.pages(text, hint, plan=plan)[-1], lang)):
            alone += 1  # what was sent before: the answers alone
            assert made[-1].startswith(f"{ask}\n1. "), made[-1]
    assert alone, "no question length left the answers alone: the test tests nothing"
