"""Segments as carriers count them: GSM-7 (extension characters take two septets), UCS-2 for
Hindi, Tamil, emoji and ₹; pages of at most two segments."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.channels.sms import absolute, encoding, gsm_safe, pages, segments


@pytest.mark.parametrize(("text", "count", "kind"), [
    ("a" * 160, 1, "GSM-7"),
    ("a" * 161, 2, "GSM-7"),
    ("a" * 306, 2, "GSM-7"),
    ("a" * 307, 3, "GSM-7"),
    ("€" * 80, 1, "GSM-7"),  # extension table: two septets each
    ("€" * 81, 2, "GSM-7"),
    ("a" * 159 + "€", 2, "GSM-7"),  # 161 septets
    ("न" * 70, 1, "UCS-2"),  # Hindi
    ("न" * 71, 2, "UCS-2"),
    ("க" * 134, 2, "UCS-2"),  # Tamil
    ("க" * 135, 3, "UCS-2"),
    ("₹100 credited", 1, "UCS-2"),  # the rupee sign alone forces UCS-2
    ("😀" * 35, 1, "UCS-2"),  # an emoji is two UTF-16 units
    ("😀" * 36, 2, "UCS-2"),
    ("a" * 66 + "😀", 1, "UCS-2"),
    ("a" * 69 + "😀", 2, "UCS-2"),  # a surrogate pair is never split
])
def test_segments_and_encoding_as_carriers_count(text, count, kind):
    assert (segments(text), encoding(text)) == (count, kind)


def test_english_avoids_characters_that_force_ucs2():
    text = gsm_safe("₹1,200 credited – “thank you” …")
    assert text == 'Rs 1,200 credited - "thank you" ...'
    assert encoding(text) == "GSM-7"


def test_hindi_keeps_its_rupee_sign():
    assert gsm_safe("₹1,200 जमा") == "₹1,200 जमा"


def test_a_heading_goes_on_with_its_options_and_the_last_page_takes_all_that_fits():
    welcome, heading = "Welcome back! " * 6, "What would you like to do? Reply with a number."
    options = [f"{n}. Option number {n} of the menu" for n in range(1, 4)]
    found = pages("\n".join([welcome.strip(), "", heading, *options]), "Reply MORE.", limit=1)
    assert found == [f"{welcome.strip()}\nReply MORE.", "\n".join([heading, *options])]


def test_an_image_of_ours_becomes_a_whole_link():
    """SMS carries no media: an image goes as a link (inside its wording: flows/sms.py)."""
    assert absolute(["/media/certificates/AB.png", "https://cdn.example/a.png"],
                    "https://s.in/") == ["https://s.in/media/certificates/AB.png",
                                         "https://cdn.example/a.png"]


@pytest.mark.parametrize("text", [
    "\n".join(f"{n}. Lesson line number {n} about cement" for n in range(40)),
    "नमस्ते दुनिया " * 60,
    "x" * 1000,  # no space to cut at
    "வணக்கம் 😀 " * 50,
])
def test_long_text_is_paged_into_sms_of_two_segments(text):
    found = pages(text, "Reply MORE for the rest.")
    assert len(found) > 1
    assert all(segments(page) <= 2 for page in found)
    assert all(page.endswith("Reply MORE for the rest.") for page in found[:-1])
    assert "".join(p.removesuffix("Reply MORE for the rest.") for p in found).replace(
        "\n", "").replace(" ", "") == text.replace("\n", "").replace(" ", "")


def test_english_units_and_symbols_stay_gsm7():
    """A lesson's "N/mm²", "per m³", "≈400 kg" and "100 °C" forced a whole English SMS into
    UCS-2 (70 characters a segment): each has a plain GSM-7 writing."""
    text = gsm_safe("N/mm² (MPa), 8 bags (≈400 kg) per m³, 100 °C")
    assert text == "N/mm2 (MPa), 8 bags (~400 kg) per m3, 100 deg C"
    assert encoding(text) == "GSM-7"


def test_every_english_program_text_is_gsm7_on_sms():
    """Every English text of the demo programs (lessons, quizzes, labels) goes in GSM-7."""
    def english(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "en" and isinstance(value, str):
                    yield value
                yield from english(value)
        elif isinstance(node, list):
            for value in node:
                yield from english(value)

    root = Path(__file__).resolve().parents[2] / "programs"
    found = {ch for path in root.rglob("*.yaml")
             for text in english(yaml.safe_load(path.read_text(encoding="utf-8")))
             for ch in gsm_safe(text) if encoding(ch) != "GSM-7"}
    assert not found


@pytest.mark.parametrize("start", range(20, 40))
def test_a_long_line_is_never_cut_between_rs_and_its_amount(start):
    text = "x" * start + " " + "Your bonus is Rs 1,400 today and more. " * 10
    found = pages(text, "Reply MORE for the rest.")
    assert len(found) > 1
    assert not [page for page in found[:-1] if page.removesuffix(
        "\nReply MORE for the rest.").endswith(" Rs")], found


@pytest.mark.parametrize(("text", "sent"), [
    ("Cure it at 25°C for 7 days.", "Cure it at 25 deg C for 7 days."),
    ("bend it to 90°.", "bend it to 90 deg."), ("a 45° angle", "a 45 deg angle"),
    ("0.5 °F", "0.5 deg F")])
def test_a_degree_sign_is_written_as_a_word_apart(text, sent):
    assert gsm_safe(text) == sent
