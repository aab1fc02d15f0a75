"""Options drawn as WhatsApp does: how many become buttons or a list, and titles shortened
by one rule that keeps them within the limits and distinct in every script."""

from __future__ import annotations

import unicodedata

import pytest

from bot.channels import native
from bot.messages import Option, Reply
from tests.cloud.limits import problems


def _options(*labels: str) -> tuple[Option, ...]:
    return tuple(Option(f"k{n}", label) for n, label in enumerate(labels))


@pytest.mark.parametrize("count, kind", [(0, "text"), (1, "buttons"), (3, "buttons"),
                                         (4, "list"), (10, "list"), (11, "text")])
def test_how_many_options_decide_the_drawing(count, kind):
    assert native.kind(Reply("Choose", options=_options(*map(str, range(count))))) == kind


def test_a_long_text_or_a_picture_keeps_numbered_text():
    assert native.kind(Reply("x" * 1025, options=_options("a"))) == "text"
    assert native.kind(Reply("x", options=_options("a"), media_url="/media/c.png")) == "text"


def test_shortening_never_leaves_a_vowel_sign_without_its_consonant():
    for label in ("प्रोग्राममध्ये सामील व्हा आणि क्रेडिट मिळवा", "ప్రోగ్రామ్‌లో చేరండి మరియు క్రెడిట్‌లు పొందండి",
                  "প্রোগ্রামে যোগ দিন এবং ক্রেডিট পান"):
        for limit in (20, 24):
            title = native.shorten(label, limit)
            kept = title.removesuffix("…")
            assert len(title) <= limit and title.endswith("…") and label.startswith(kept)
            assert unicodedata.category(label[len(kept)])[0] != "M"  # nothing cut off it


def test_titles_alike_once_shortened_are_numbered_all_of_them():
    labels = ("Redeem credits for UPI payout", "Redeem credits for a voucher", "Balance")
    titles = [c.title for c in native.titles(_options(*labels), native.BUTTON_TITLE)]
    assert titles == ["1. Redeem credits f…", "2. Redeem credits f…", "3. Balance"]
    assert len(set(titles)) == 3 and all(len(t) <= 20 for t in titles)


def test_a_cut_title_keeps_its_whole_label_as_the_rows_description():
    (choice,) = native.titles(_options("தமிழ் மொழியில் பயிற்சி தொகுதிகள்"), native.ROW_TITLE)
    assert len(choice.title) <= 24 and choice.description == "தமிழ் மொழியில் பயிற்சி தொகுதிகள்"


def test_the_limits_checker_sees_what_whatsapp_refuses():
    fine = Reply("Choose", options=_options("a", "b", "c", "d"))
    assert problems(fine, "en") == []
    assert problems(Reply("Choose", options=(Option("", "a"),)), "en") == []  # drawn as text
    twins = Reply("Choose", options=(Option("same", "a"), Option("same", "b")))
    assert problems(twins, "en") == ["ids not distinct"]
