"""SMS keywords in every language, with the typos people make, and the words they must not
take for a command."""

from __future__ import annotations

import pytest

from flows.keywords import Keyword, match_keyword


@pytest.mark.parametrize(("text", "lang", "keyword", "args"), [
    ("bal", "en", Keyword.BALANCE, ""),
    ("BAL", "hi", Keyword.BALANCE, ""),
    ("balance kitna", "hi", Keyword.BALANCE, ""),
    ("kitna balance hai", "hi", Keyword.BALANCE, "hai"),
    ("बैलेंस", "hi", Keyword.BALANCE, ""),
    ("blance", "en", Keyword.BALANCE, ""),
    ("இருப்பு", "ta", Keyword.BALANCE, ""),
    ("ব্যালেন্স", "bn", Keyword.BALANCE, ""),
    ("histry", "en", Keyword.HISTORY, ""),
    ("hisab", "hi", Keyword.HISTORY, ""),
    ("लेन-देन", "hi", Keyword.HISTORY, ""),
    ("CODE ABCD-1234-EFGH-5678 WXYZ-9876-STUV-5432", "en", Keyword.CODE,
     "ABCD-1234-EFGH-5678 WXYZ-9876-STUV-5432"),
    ("कोड abcd-1234-efgh-5678", "hi", Keyword.CODE, "abcd-1234-efgh-5678"),
    ("lern", "en", Keyword.LEARN, ""),
    ("seekho", "hi", Keyword.LEARN, ""),
    ("quiz", "te", Keyword.QUIZ, ""),
    ("reedem 500", "en", Keyword.REDEEM, "500"),
    ("paise nikalo 200", "hi", Keyword.REDEEM, "200"),
    ("tier", "en", Keyword.TIER, ""),
    ("top", "en", Keyword.TOP, ""),
    ("टॉप", "hi", Keyword.TOP, ""),
    ("meri rank", "hi", Keyword.TOP, ""),
    ("leaderbord", "en", Keyword.TOP, ""),
    ("டாப்", "ta", Keyword.TOP, ""),
    ("ర్యాంక్", "te", Keyword.TOP, ""),
    ("ಟಾಪ್", "kn", Keyword.TOP, ""),
    ("lang tamil", "en", Keyword.LANGUAGE, "tamil"),
    ("भाषा हिन्दी", "hi", Keyword.LANGUAGE, "हिन्दी"),
    ("madad", "hi", Keyword.HELP, ""),
    ("உதவி", "ta", Keyword.HELP, ""),
    ("stop", "en", Keyword.STOP, ""),
    ("शुरू", "hi", Keyword.START, ""),
    ("more", "kn", Keyword.MORE, ""),
    ("और", "hi", Keyword.MORE, ""),
    ("Join CEMPRO", "en", Keyword.JOIN, "CEMPRO"),
    ("invte", "en", Keyword.INVITE, ""),
    ("आमंत्रण कोड", "hi", Keyword.INVITE, ""),
    ("அழைப்பு", "ta", Keyword.INVITE, ""),
    ("enrol", "en", Keyword.ENROLL, ""),
])
def test_keyword_is_read_in_every_language_with_typos(text, lang, keyword, args):
    assert match_keyword(text, lang) == (keyword, args)


@pytest.mark.parametrize("text", [
    "shop", "hello", "Hi", "1", "99", "x", "NEXT", "SKIP", "Ramesh Kumar", "",
    "stop sending me these messages every day",  # a sentence, not a command
    "bal@okhdfc",
])
def test_ordinary_answers_are_not_keywords(text):
    assert match_keyword(text, "en") is None


def test_every_word_for_top_means_the_leaderboard_in_its_language():
    """TOP (the leaderboard) has words in all 12 languages and Roman Hindi, none taken by
    another keyword; the tier keeps its own words."""
    import yaml

    from bot.i18n import LANGUAGES
    from flows.keywords import LEXICON

    words = yaml.safe_load(LEXICON.read_text(encoding="utf-8"))["TOP"]
    assert set(words) == set(LANGUAGES)
    wrong = [(lang, w) for lang, phrases in words.items() for w in phrases
             if match_keyword(str(w), lang) != (Keyword.TOP, "")]
    assert not wrong
