"""The transcript runner fails a transcript that expects what did not happen, and refuses
keys it does not know (a misspelt expectation must not pass by checking nothing)."""

from __future__ import annotations

import pytest

from tests.transcripts.runner import Transcript

CHAT = """
title: the menu of a number nobody enrolled
phone: "+919812345678"
chat:
  - send: hello
    replies: [{reply}]
"""


def _run(tmp_path, twilio, clock, text: str) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(text, encoding="utf-8")
    Transcript(path, twilio, clock).run()


def test_a_reply_other_than_the_one_expected_fails(tmp_path, twilio, clock):
    _run(tmp_path, twilio, clock, CHAT.format(reply='{starts: "You are not enrolled yet."}'))
    with pytest.raises(AssertionError, match="expected 'Welcome!'"):
        _run(tmp_path, twilio, clock, CHAT.format(reply="Welcome!"))


def test_an_unknown_key_is_refused(tmp_path, twilio, clock):
    with pytest.raises(AssertionError, match="unknown expectations"):
        _run(tmp_path, twilio, clock, CHAT.format(reply='{starts: "You"}')
             + "expect: {balances: {CEMPRO: 1}}\n")
    with pytest.raises(AssertionError, match="unknown keys"):
        _run(tmp_path, twilio, clock, CHAT.format(reply='{starts: "You"}').replace(
            "send: hello", "sned: hello"))
