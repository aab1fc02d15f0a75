"""Flows registered only for these tests: a counter (exactly-once checks), one that fails, one
that hangs when HANG_SIGNAL names a file (for killing a process in the middle of a flow), and
two that break their own tables (a prompt that writes, a step the table does not allow)."""

from __future__ import annotations

import os
import time
from enum import StrEnum
from pathlib import Path

from bot.messages import Reply
from flows import engine
from flows.engine import Flow, State


class S(StrEnum):
    COUNT = "count"


class Two(StrEnum):
    FIRST = "first"
    SECOND = "second"


def _count(ctx, msg):
    ctx.data["count"] = ctx.data.get("count", 0) + 1
    return engine.wait(Reply(f"count {ctx.data['count']}"))


def _explode(ctx, msg):
    ctx.conversation.language = "hi"  # a change that must be rolled back
    raise RuntimeError("boom")


def _hang(ctx, msg):
    ctx.data["hung"] = True  # a change the killed process never commits
    if signal_file := os.environ.get("HANG_SIGNAL"):
        Path(signal_file).write_text("in the flow")
        time.sleep(60)  # until killed
    return engine.wait(Reply("answered after all"))


def _scribble(ctx):
    ctx.data["asked"] = True  # a prompt may only read
    return [Reply("scribbled")]


def _astray(ctx, msg):
    return engine.go(Two.SECOND)  # the table says FIRST goes nowhere


def _register() -> None:
    if "test_counter" in engine.FLOWS:
        return
    engine.register(Flow(name="test_counter", states_enum=S, states={S.COUNT: State(text=_count)},
                         start=S.COUNT, needs_partner=False, triggers=("PING",),
                         entry=_count))
    engine.register(Flow(name="test_explode", states_enum=S, states={S.COUNT: State(text=_explode)},
                         start=S.COUNT, needs_partner=False, triggers=("EXPLODE",),
                         entry=_explode))
    engine.register(Flow(name="test_hang", states_enum=S, states={S.COUNT: State(text=_hang)},
                         start=S.COUNT, needs_partner=False, triggers=("HANG",), entry=_hang))
    engine.register(Flow(name="test_scribble", states_enum=S, start=S.COUNT,
                         states={S.COUNT: State(_count, _scribble)}, needs_partner=False,
                         triggers=("SCRIBBLE",)))
    engine.register(Flow(name="test_astray", states_enum=Two, start=Two.FIRST,
                         states={Two.FIRST: State(_astray), Two.SECOND: State(_count)},
                         needs_partner=False, triggers=("ASTRAY",)))


_register()

