"""The USSD screen renderer: counting as each gateway counts, paging that keeps every word."""

from __future__ import annotations

import pytest

from bot.channels.ussd.africastalking import newest_input
from bot.channels.ussd.screens import Screen, body, gsm_septets, paginate, utf16_units
from bot.config import ConfigError, load_settings
from bot.messages import Option, Reply


def test_each_counting_rule_counts_as_its_gateway_does():
    assert utf16_units("नमस्ते") == 6 and utf16_units("ok 😀") == 5
    assert Screen(160, "chars").count("ok 😀") == 4
    assert gsm_septets("Rs 100 {x}") == 12  # braces are GSM extension characters
    assert gsm_septets("₹100") == 4  # not GSM-7: counted as UCS-2


def test_options_become_numbered_lines_and_media_is_left_out():
    reply = Reply("Choose:", options=(Option("a", "One"), Option("b", "Two")),
                  media_url="/media/x.png")
    assert body([reply, Reply("Bye")]) == "Choose:\n1. One\n2. Two\nBye"


@pytest.mark.parametrize("rule", ["utf16", "chars", "gsm7"])
@pytest.mark.parametrize("text", [
    "word " * 120,
    "\n".join(f"{n}. पाठ्यक्रम विकल्प संख्या {n}" for n in range(1, 30)),
    "x" * 700,
    "emoji 😀 " * 60,
])
def test_long_text_is_paged_within_the_limit_and_nothing_is_lost(text, rule):
    screen = Screen(80, rule)
    pages = paginate(text, screen, "en")
    assert len(pages) > 1
    assert all(screen.fits(p) for p in pages)
    assert pages[0].endswith("\n98 More") and "\n0 Back" not in pages[0]
    assert pages[-1].endswith("\n0 Back") and "98 More" not in pages[-1]
    kept = "".join(p.replace("\n98 More", "").replace("\n0 Back", "") for p in pages)
    assert "".join(kept.split()) == "".join(text.split())


def test_a_menu_heading_goes_on_the_page_of_its_options():
    """QA: the voice toggle's screen showed its message, the menu's heading and only
    "98 More"; the heading now opens the next screen, with its options."""
    text = "Voice notes are on: answers now also come as audio.\nWhat would you like to do?" \
        "\n1. My credits\n2. Upload invoice\n3. Learn and get certified"
    pages = paginate(text, Screen(90), "en")
    assert pages[0] == "Voice notes are on: answers now also come as audio.\n98 More"
    assert pages[1].startswith("What would you like to do?\n1. My credits")


def test_a_short_text_is_one_page_without_footers():
    assert paginate("Balance: 2,000", Screen(160), "hi") == ["Balance: 2,000"]


def test_footers_are_in_the_partners_language():
    pages = paginate("शब्द " * 80, Screen(100), "hi")
    assert pages[0].endswith("\n98 आगे") and pages[1].endswith("\n0 पीछे")


@pytest.mark.parametrize(("consumed", "text", "new", "expected"), [
    ("", "", True, ""),
    ("", "1", False, "1"),
    ("1", "1*12*34", False, "12*34"),
    ("1*12*34", "1*12*34*", False, ""),
    ("1*2", "1*3", False, None),
    ("1*2", "1", False, None),
])
def test_the_newest_input_is_what_follows_the_consumed_text(consumed, text, new, expected):
    assert newest_input(consumed, text, new=new) == expected


def test_ussd_settings_are_read_from_the_environment_and_checked():
    settings = load_settings({"USSD_ALLOWED_NETWORKS": "10.0.0.0/8, 196.201.214.0/24",
                              "CHANNEL_TIMEOUT_MINUTES": '{"ussd": 3}'})
    assert settings["USSD_ALLOWED_NETWORKS"] == ["10.0.0.0/8", "196.201.214.0/24"]
    assert settings["CHANNEL_TIMEOUT_MINUTES"] == {"ussd": 3}
    assert settings["USSD_KEY"] == "" and settings["USSD_SCREEN_CHARS"] == 160
    for bad in ({"USSD_ALLOWED_NETWORKS": "10.0.0/33"}, {"USSD_COUNT_RULE": "bytes"},
                {"USSD_SCREEN_CHARS": "20"}):
        with pytest.raises(ConfigError):
            load_settings(bad)


MONEY = ("Invoice No. 417 from Sharma Traders is checked. You earned Rs. 1,400 on it, and your "
         "balance now stands at 9,000 credits in all.")


@pytest.mark.parametrize("limit", range(40, 100, 3))
def test_a_page_never_ends_after_an_abbreviation_nor_splits_money(limit):
    """"Rs." and "No." end no sentence, and the number after them stays with them."""
    pages = paginate(MONEY, Screen(limit, "chars"), "en")
    ends = [p.replace("\n98 More", "").replace("\n0 Back", "").rstrip() for p in pages]
    assert not [e for e in ends if e.endswith(("Rs.", "No.", "Rs", "₹"))], pages
    assert "".join(ends).count("Rs. 1,400") + "".join(ends).count("No. 417") == 2, pages


def test_a_page_is_not_cut_short_when_a_fuller_cut_exists():
    """The last sentence end would leave "Saved." alone on a screen: the page goes on to its
    last space instead."""
    text = ("Saved. Your invoice from Sharma Traders will be checked by our team within two "
            "working days and we will message you then.")
    screen = Screen(80, "chars")
    first = paginate(text, screen, "en")[0]
    assert screen.count(first) >= screen.limit // 2, first
    assert first.startswith("Saved. Your invoice")
