"""No English sentence (and no other script) reaches a partner who chose another language:
a partner, a distributor's rep and an invited shop walk every dialogue state and get every
kind of proactive message in each language Saathi speaks; each text they read is checked.

The walk also proves it is complete: every state of every registered flow ran, and every
function in the code that queues an outbox message was reached. A new state or notice fails
here until the walk (tests/i18n/walk.py) reaches it.
"""

from __future__ import annotations

import pytest

from bot.i18n import LANGUAGES
from tests.cloud.limits import problems
from tests.i18n.leaks import leaks
from tests.i18n.walk import NAMES, Walk, load_programs, notice_producers, spy, walked_states


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_a_partner_reads_only_their_language_in_every_state_and_notice(
        app, twilio, clock, monkeypatch, lang):
    reached = spy(monkeypatch)
    load_programs()
    walk = Walk(twilio, clock, lang, reached)
    seen = walk.run()

    found = [f"{s.where}: {problem} in {s.text!r}" for s in seen if s.lang is not None
             for problem in leaks(s.text, s.lang, NAMES)]
    assert not found, f"{lang}: {len(found)} leaks:\n" + "\n".join(found[:40])
    drawn = [f"{problem}: {reply.text[:60]!r}" for reply_lang, reply in walk.drawn
             for problem in problems(reply, reply_lang)]
    assert len(walk.drawn) > 40 and not drawn, \
        f"{lang}: options WhatsApp cannot draw:\n" + "\n".join(drawn[:40])
    assert not walked_states() - reached.states, \
        f"the walk never reached these flow states: {sorted(walked_states() - reached.states)}"
    assert not notice_producers() - reached.producers, \
        f"the walk never reached these notices: {sorted(notice_producers() - reached.producers)}"
