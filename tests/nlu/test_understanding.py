"""The embedded NLU without a database: entities, the model cache, the fast reader agreeing
with scikit-learn, and the targets of issue 21 on the hand-written evaluation set."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from bot.config import ROOT
from flows.keywords import Keyword, match_keyword, means
from flows.nlu import HIGH, band
from flows.nlu.classifier import (
    UTTERANCES,
    Classifier,
    clean,
    examples,
    fingerprint,
    grams,
    load,
    phrases,
    train,
)
from flows.nlu.entities import amount, amount_in_words, code, language
from flows.nlu.evaluation import DEV_SET, EVAL_SET, acted_and_wrong, evaluate, share


@pytest.fixture(scope="session")
def model():
    """The model the app reads (kept under the utterances' hash; trained on a first run)."""
    return load(ROOT / "instance" / "nlu")


@pytest.mark.parametrize(("text", "expected"), [
    ("500 redeem karo", 500), ("₹1,500 nikalo", 1500), ("१,५०० निकालो", 1500),
    ("paanch sau nikalo", 500), ("do hazaar paanch sau", 2500), ("पाँच सौ रिडीम करो", 500),
    ("पाचशे रिडीम करा", 500), ("ஐநூறு ரிடீம் செய்", 500), ("ఐదు వందలు తీయండి", 500),
    ("ಸಾವಿರ ತೆಗೆಯಿರಿ", 1000), ("এক হাজার তুলুন", 1000), ("five hundred please", 500),
    ("ਦੋ ਹਜ਼ਾਰ ਪੰਜ ਸੌ ਕਢਵਾਓ", 2500), ("panj sau", 500), ("അഞ്ഞൂറ് റിഡീം", 500),
    ("ആയിരം എടുക്കണം", 1000), ("ପାଞ୍ଚ ଶହ ଉଠାନ୍ତୁ", 500), ("এহেজাৰ উলিয়াওক", 1000),
    ("test do", None), ("paise nikalo", None),
])
def test_amounts_in_digits_and_words(text, expected):
    assert amount(text) == expected


def test_an_answer_in_words_alone_is_an_amount():
    """The redeem flow's amount question takes words ("paanch sau"); digits it reads itself,
    so a text with any digit ("५००²", "5OO") is no amount in words."""
    assert [amount_in_words(t) for t in ("paanch sau", "ਪੰਜ ਸੌ", "५००²", "5OO", "abc")] == \
        [500, 500, None, None, None]


def test_product_code_inside_a_sentence():
    assert code("ye code ABCD-1234-EFGH-5678 nahi chala") == "ABCD1234EFGH5678"
    assert code("mera code nahi chalta hai bhai") is None  # 16 letters, but no digit


@pytest.mark.parametrize(("text", "lang"), [
    ("tamil me bhejo", "ta"), ("हिंदी में बात करो", "hi"), ("বাংলায় কথা বলুন", "bn"),
    ("தமிழில் பேசுங்க", "ta"), ("ಕನ್ನಡದಲ್ಲಿ ಮಾತಾಡಿ", "kn"), ("मराठीत बोला", "mr"),
    ("gujarati ma lakho", "gu"), ("telugu lo pampandi", "te"), ("balance batao", None),
    ("punjabi vich likho", "pa"), ("ਪੰਜਾਬੀ ਚ ਭੇਜੋ", "pa"), ("മലയാളത്തിൽ അയക്കൂ", "ml"),
    ("malayalathil", "ml"), ("oriya me bhejo", "or"), ("ଓଡ଼ିଆରେ କୁହନ୍ତୁ", "or"),
    ("অসমীয়াত কওক", "as"), ("axomiyat pothiyabo", "as"), ("ଭାଷା ବଦଳାନ୍ତୁ", None),
])
def test_language_names_in_any_script(text, lang):
    assert language(text) == lang


def test_reader_agrees_with_scikit_learn():
    """The numpy reader gives scikit-learn's n-grams, words and scores (`decision_function`)."""
    pipeline = train(examples()[::3])  # a third of the lines: the same arithmetic, sooner
    union = pipeline.named_steps["features"]
    letters, words = (union.named_transformers[n].build_analyzer() for n in ("grams", "words"))
    model = Classifier.of(pipeline)
    for text in ("mera balance kitna hai", "पाँच सौ निकालो 500", "zzzz", "a", "", "ok  ji",
                 "ਮੇਰਾ ਬੈਲੈਂਸ ਕਿੰਨਾ ਹੈ", "balance balance kitna", "qwerty uiop"):
        assert grams(clean(text)) == letters(clean(text))
        assert phrases(clean(text)) == words(clean(text))
        scores, _known = model.scores(text)
        assert np.allclose(scores, pipeline.decision_function([clean(text)])[0])


def test_gibberish_is_never_acted_on(model):
    for text in ("zzzz", "asdfgh", "qwerty uiop", "xkcd lol"):
        assert model.guess(text)[0].confidence < HIGH, text


def test_model_is_cached_by_the_utterances_hash(tmp_path):
    folder = tmp_path / "utterances"
    folder.mkdir()
    shutil.copy(UTTERANCES / "en.yaml", folder)  # one language: trains in a moment
    load(tmp_path / "cache", folder)
    kept = list((tmp_path / "cache").glob("*.npz"))
    assert [p.name for p in kept] == [f"intents-{fingerprint(folder)}.npz"]
    first = load(tmp_path / "cache", folder)  # the same files: read, not trained again
    assert list((tmp_path / "cache").glob("*.npz")) == kept
    assert first.guess("balance please")[0].intent == "balance"
    (folder / "en.yaml").write_text((folder / "en.yaml").read_text() + "  - bal pls\n")
    load(tmp_path / "cache", folder)
    assert len(list((tmp_path / "cache").glob("*.npz"))) == 2  # changed files: new model


def test_targets_on_the_held_out_set(model):
    """Issue 21: >= 90% overall, >= 85% in every language (the 12 and Roman Hindi), <= 1%
    wrong actions taken at high confidence, p99 under 5 ms a message (CPU time: on a shared
    machine the wall clock's p99 is the neighbours'; bench/nlu.py prints both), on the set
    written after tuning and never trained on."""
    report = evaluate(model, EVAL_SET)
    assert report.total >= 400
    assert set(report.by_language) >= {"en", "hinglish", "hi", "mr", "gu", "ta", "te", "kn",
                                       "bn", "pa", "ml", "or", "as"}
    assert set(report.by_intent) == set(model.intents)
    assert report.accuracy >= 0.90
    assert {lang: share(c) for lang, c in report.by_language.items()
            if share(c) < 0.85} == {}
    assert report.wrong_high_share <= 0.01
    assert report.p99_ms(report.cpu_seconds) < 5


def test_high_band_is_calibrated_on_the_dev_set(model):
    """HIGH was chosen where the dev set's wrong actions stay under 1% of messages."""
    _acted, wrong = acted_and_wrong(evaluate(model, DEV_SET), HIGH)
    assert wrong <= 0.01


def test_held_out_lines_are_not_training_lines():
    trained = {clean(text) for _, _, text in examples()}
    assert [text for _, _, text in examples(EVAL_SET) if clean(text) in trained] == []


def test_bands():
    assert (band(0.95), band(0.45), band(0.1)) == ("high", "medium", "low")


@pytest.mark.parametrize(("text", "keyword", "lang"), [
    ("aage", Keyword.NEXT, "hi"), ("पुढे", Keyword.NEXT, "mr"), ("Next", Keyword.NEXT, "en"),
    ("chhodo", Keyword.SKIP, "hi"), ("இல்லை", Keyword.SKIP, "ta"), ("skip", Keyword.SKIP, "en"),
    ("ਅਗਲਾ", Keyword.NEXT, "pa"), ("agge", Keyword.NEXT, "pa"), ("ਛੱਡੋ", Keyword.SKIP, "pa"),
    ("അടുത്തത്", Keyword.NEXT, "ml"), ("ഒഴിവാക്കുക", Keyword.SKIP, "ml"),
    ("ପରବର୍ତ୍ତୀ", Keyword.NEXT, "or"), ("chhada", Keyword.SKIP, "or"),
    ("পৰৱৰ্তী", Keyword.NEXT, "as"), ("এৰক", Keyword.SKIP, "as"), ("nai", Keyword.SKIP, "as"),
])
def test_answer_words_in_every_language(text, keyword, lang):
    assert means(text, keyword, lang)


@pytest.mark.parametrize(("text", "keyword"), [
    ("मेनू", Keyword.MENU), ("menu dikhao", Keyword.MENU), ("piche jao", Keyword.BACK),
    ("ಹಿಂದೆ", Keyword.BACK), ("நிறுத்து", Keyword.STOP), ("madad", Keyword.HELP),
    # Punjabi, Malayalam, Odia, Assamese (issue 23), in script and Roman letters
    ("ਮੀਨੂ", Keyword.MENU), ("ਮਦਦ", Keyword.HELP), ("ਪਿੱਛੇ", Keyword.BACK),
    ("ਬੰਦ", Keyword.STOP), ("ਸ਼ੁਰੂ", Keyword.START), ("ਭਾਸ਼ਾ", Keyword.LANGUAGE),
    ("menu kaanikku", Keyword.MENU), ("സഹായം", Keyword.HELP), ("തിരികെ", Keyword.BACK),
    ("നിർത്തുക", Keyword.STOP), ("തുടങ്ങുക", Keyword.START), ("ഭാഷ", Keyword.LANGUAGE),
    ("ମେନୁ", Keyword.MENU), ("ସାହାଯ୍ୟ", Keyword.HELP), ("ପଛକୁ", Keyword.BACK),
    ("bandha", Keyword.STOP), ("ଆରମ୍ଭ", Keyword.START), ("ଭାଷା", Keyword.LANGUAGE),
    ("মেনু দেখুৱাওক", Keyword.MENU), ("xohai", Keyword.HELP), ("পিছলৈ", Keyword.BACK),
    ("bondho", Keyword.STOP), ("আৰম্ভ", Keyword.START), ("ভাষা", Keyword.LANGUAGE),
])
def test_global_words_in_every_language(text, keyword):
    assert match_keyword(text, "en") == (keyword, "")
