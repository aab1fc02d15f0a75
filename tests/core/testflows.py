"""Flows registered only for these tests: a counter (exactly-once checks) and one that fails."""

from __future__ import annotations

from enum import StrEnum

from bot.messages import Reply
from flows import engine
from flows.engine import Flow, State


class S(StrEnum):
    COUNT = "count"


def _count(ctx, msg):
    ctx.data["count"] = ctx.data.get("count", 0) + 1
    return engine.wait(Reply(f"count {ctx.data['count']}"))


def _explode(ctx, msg):
    ctx.conversation.language = "hi"  # a change that must be rolled back
    raise RuntimeError("boom")


def _register() -> None:
    if "test_counter" in engine.FLOWS:
        return
    engine.register(Flow(name="test_counter", states_enum=S, states={S.COUNT: State(_count)},
                         start=S.COUNT, needs_partner=False, triggers=("PING",),
                         entry=_count))
    engine.register(Flow(name="test_explode", states_enum=S, states={S.COUNT: State(_explode)},
                         start=S.COUNT, needs_partner=False, triggers=("EXPLODE",),
                         entry=_explode))


_register()

