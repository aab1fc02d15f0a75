"""Over SMS every quiz question, with its numbered options, fits in 2 segments, in every
language."""

from __future__ import annotations

import pytest

from bot.channels.sms import segments
from bot.channels.text import render_text
from bot.i18n import LANGUAGES
from flows.learn import question_reply
from models.programs.schema import read_file
from tests.learn.conftest import ROOT


@pytest.mark.parametrize("code", ["cempro", "lube", "elec"])
@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_every_question_fits_two_sms_segments(code: str, lang: str) -> None:
    content = read_file(ROOT / "programs" / f"{code}.yaml").tracks
    assert content.modules, f"{code} ships no learning content"
    for module in content.modules:
        for question in module.questions:
            order = list(range(len(question.options)))
            text = render_text(question_reply(lang, question, order, 12, 12))
            assert segments(text) <= 2, (module.id, text)


@pytest.mark.parametrize("code", ["cempro", "lube", "elec"])
@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_every_module_and_question_is_in_every_language(code: str, lang: str) -> None:
    content = read_file(ROOT / "programs" / f"{code}.yaml").tracks
    for module in content.modules:
        texts = [module.title, *module.parts]
        for question in module.questions:
            texts += [question.ask, question.why, *question.options]
        assert all(t.get(lang) for t in texts), module.id
