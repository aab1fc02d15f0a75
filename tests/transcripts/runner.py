"""Run one transcript file: a conversation over the signed Twilio webhook, with a fixed clock.

    title: What the conversation shows
    converts: tests/…::test_…           # the Python test(s) it replaced, if any
    phone: "+919811100001"              # who chats (a step may say `from:`)
    clock: 2026-03-12T10:00:00+00:00    # the default
    given: {…}                          # tests/transcripts/given.py
    chat:
      - send: REDEEM                    # text in; `media:`, `location:`, `channel: sms`, `sid:`
        replies: ["…", {has: "…"}]      # every reply, in order (tests/transcripts/checks.py)
        sent: [{has: "6-digit"}]        # proactive messages queued for the phone since
        expect: {conversation: [redeem, otp]}                    # the previous step
      - advance: {minutes: 31}          # or `clock: <ISO time>`
    expect: {balance: {CEMPRO: 1500}}   # at the end

Texts may name variables: $code1 (given batches), $otp (the code in the phone's latest SMS),
$wrong_otp, $right and $wrong (an answer to the quiz question being asked), and anything a
matcher saved; ${code1|typo} is the code as a partner might mistype it.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select

from models import yamltext
from models.db import unit_of_work
from models.learning.progress import content_of, question
from models.messaging.conversation import Conversation
from models.messaging.outbox import OutboxMessage
from models.programs.program import Program
from tests.conftest import message_sid, replies_of
from tests.mediahost import provider_media
from tests.transcripts import given
from tests.transcripts.checks import check, match_all

TOP = {"title", "converts", "phone", "channel", "clock", "given", "chat", "expect"}
STEP = {"send", "from", "channel", "media", "location", "sid", "advance", "clock", "replies",
        "sent", "expect"}
_NAME = re.compile(r"\$\{(\w+)(?:\|(\w+))?\}|\$([a-z_]\w*)")
FILTERS = {"typo": lambda code: code.lower().replace("-", " ").replace("0", "o")
           .replace("1", "l")}


class Transcript:
    def __init__(self, path: Path, twilio, clock) -> None:
        self.doc = yamltext.load_shared(path.read_text(encoding="utf-8"))
        assert not set(self.doc) - TOP, f"{path.name}: unknown keys {set(self.doc) - TOP}"
        self.twilio, self.clock, self.name = twilio, clock, path.stem
        self.phone = self.doc["phone"]
        self.names: dict[str, str] = {}
        self.seen = 0  # the last outbox row a step has looked at

    def run(self) -> int:
        """Play the conversation, checking every step as it goes; return the steps played."""
        if "clock" in self.doc:
            self.clock.set(_moment(self.doc["clock"]))
        self.names.update(given.build(self.doc.get("given") or {}))
        for n, step in enumerate(self.doc["chat"], 1):
            self.step(f"{self.name} step {n}", step)
        check(f"{self.name} end", self.doc.get("expect") or {}, self.phone, self.names)
        return len(self.doc["chat"])

    def step(self, where: str, step: dict) -> None:
        assert not set(step) - STEP, f"{where}: unknown keys {set(step) - STEP}"
        phone = step.get("from", self.phone)
        if "advance" in step:
            self.clock.advance(**step["advance"])
        if "clock" in step:
            self.clock.set(_moment(step["clock"]))
        if "send" in step or "media" in step or "location" in step:
            replies = self.send(phone, step)
            if "replies" in step:
                match_all(f"{where} replies", self.fill(step["replies"], phone), replies,
                          self.names)
        if "sent" in step:
            match_all(f"{where} sent", self.fill(step["sent"], phone), self.sent(phone),
                      self.names)
        check(where, self.fill(step.get("expect") or {}, phone), phone, self.names)

    def send(self, phone: str, step: dict) -> list[str]:
        extra: dict[str, str] = {}
        if media := step.get("media"):
            url = provider_media(media["data"].encode(), media.get("suffix", ".jpg"))
            extra.update(NumMedia="1", MediaUrl0=url, MediaContentType0=media["type"])
        if location := step.get("location"):
            extra.update(Latitude=str(location[0]), Longitude=str(location[1]))
        sid = message_sid(f"{self.name}:{step['sid']}") if "sid" in step else None
        response = self.twilio.send(phone, self.fill(str(step.get("send", "")), phone),
                                    channel=step.get("channel", self.doc.get("channel",
                                                                             "whatsapp")),
                                    sid=sid, **extra)
        assert response.status_code == 200, response.data
        return replies_of(response)

    def sent(self, phone: str) -> list[str]:
        """Proactive messages queued for `phone` since the last look."""
        with unit_of_work() as session:
            rows = session.execute(select(OutboxMessage.id, OutboxMessage.body).where(
                OutboxMessage.phone == phone, OutboxMessage.id > self.seen)
                .order_by(OutboxMessage.id)).all()
            self.seen = session.scalar(select(func.max(OutboxMessage.id))) or 0
        return [row.body for row in rows]

    # Variables -----------------------------------------------------------------------------

    def fill(self, value, phone: str):
        """`value` with every $name replaced, in strings, lists and mappings."""
        if isinstance(value, str):
            return _NAME.sub(lambda m: self.value(m, phone), value)
        if isinstance(value, list):
            return [self.fill(v, phone) for v in value]
        if isinstance(value, dict):
            return {k: v if k == "save" else self.fill(v, phone) for k, v in value.items()}
        return value

    def value(self, found: re.Match, phone: str) -> str:
        name, filter_name = found.group(1) or found.group(3), found.group(2)
        text = self.names[name] if name in self.names else self.computed(name, phone)
        return FILTERS[filter_name](text) if filter_name else text

    def computed(self, name: str, phone: str) -> str:
        if name in ("otp", "wrong_otp"):
            with unit_of_work() as session:
                body = session.scalar(select(OutboxMessage.body).where(
                    OutboxMessage.phone == phone, OutboxMessage.channel == "sms")
                    .order_by(OutboxMessage.id.desc()).limit(1))
            code = re.search(r"\b(\d{6})\b", body or "").group(1)
            return code if name == "otp" else ("111111" if code == "000000" else "000000")
        if name in ("right", "wrong"):
            return _quiz_answer(phone, right=name == "right")
        raise AssertionError(f"unknown variable ${name}")


def _quiz_answer(phone: str, *, right: bool) -> str:
    """The option number of the right (or a wrong) answer to the question being asked."""
    with unit_of_work() as session:
        data = session.scalar(select(Conversation.data).where(
            Conversation.phone == phone, Conversation.flow == "learn"))
        content = content_of(session.get(Program, data["program_id"]))
    ref, order = data["plan"][data["q"]]
    answer = question(content, ref).answer - 1
    index = order.index(answer) if right else next(i for i, o in enumerate(order) if o != answer)
    return str(index + 1)


def _moment(value: str | datetime) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)
