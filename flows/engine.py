"""The conversation engine: runs the flows' tables (flows/table.py explains a table).

A conversation is in one state of one flow. A message goes to the state's handler for its
kind, or to the flow's fallback for that kind; the handler's Step says where next, and the
engine checks that the table allows it. A sub-flow (choose a program, choose a language)
runs on a stack kept in the conversation's data: `call` pushes the caller, `ret` pops it.

Handlers do no I/O of their own: they call domain operations on `ctx.session` and record
slow work with `ctx.enqueue(...)`, which runs only after the router commits.
"""

from __future__ import annotations

import copy

from bot.messages import InboundMessage, Option, Reply
from flows.context import HISTORY, KEPT, RESERVED, STACK, Context
from flows.errors import FlowError
from flows.names import FlowName, current
from flows.table import (  # noqa: F401  (the public API of flows: one import for a flow)
    ANY_FLOW,
    END,
    FINISH_FIRST,
    RETURN,
    Edge,
    Exit,
    Fallback,
    Flow,
    Kind,
    MenuEntry,
    State,
    Step,
    again,
    any_kind,
    call,
    done,
    go,
    kind_of,
    ret,
    retry,
    switch,
    wait,
)

FLOWS: dict[str, Flow] = {}


def register(flow: Flow) -> Flow:
    """Add a flow to the table the router dispatches on."""
    if flow.name in FLOWS:
        raise FlowError(f"flow {flow.name!r} registered twice")
    FLOWS[flow.name] = flow
    return flow


def check() -> None:
    """Refuse to start if a table leads to a flow nobody registered."""
    for flow in FLOWS.values():
        for name, state in flow.tables():
            for edge in state.edges:
                if isinstance(edge.target, FlowName) and edge.target not in FLOWS:
                    raise FlowError(f"flow {flow.name}: {name} goes to unregistered flow "
                                    f"{str(edge.target)!r}")


def upgrade(ctx: Context) -> None:
    """Read a conversation stored under an old flow name under today's name."""
    ctx.flow = current(ctx.flow)


def flow_of(ctx: Context) -> Flow:
    return FLOWS[ctx.flow]


def state_of(ctx: Context) -> State:
    return flow_of(ctx).state(ctx.state)


def trigger_for(word: str) -> Flow | None:
    """Return the flow a first word like JOIN or CODE starts, if any."""
    return next((f for f in FLOWS.values() if word in f.triggers), None)


def options(ctx: Context, pairs: list[tuple[str, str]]) -> tuple[Option, ...]:
    """Build translated options from (key, msgid) pairs."""
    return tuple(Option(key, ctx._(label)) for key, label in pairs)


# Running a table ---------------------------------------------------------------------------

def start(ctx: Context, name: str, message: InboundMessage | None = None) -> list[Reply]:
    """Start flow `name` afresh; its entry takes `message` if given, else its start asks."""
    flow = FLOWS[name]
    if flow.roles is not None and (ctx.partner is None or ctx.partner.role not in flow.roles):
        return _refuse(ctx, flow)
    _place(ctx, name, flow.start, fresh=True)
    entry = flow.entry
    handler = entry.handler_for(kind_of(message)) if entry and message else None
    if handler is not None:
        return _apply(ctx, handler(ctx, message), source=entry, asked=False)
    return _show(ctx)


def to_menu(ctx: Context) -> list[Reply]:
    """Leave whatever is under way, sub-flows included; return the menu."""
    return start(ctx, FlowName.MENU)


def answer(ctx: Context, message: InboundMessage) -> list[Reply]:
    """Hand `message` to the current state's handler for its kind, or to the fallback."""
    kind, state = kind_of(message), state_of(ctx)
    handler = state.handler_for(kind)
    if handler is not None:
        return _apply(ctx, handler(ctx, message), source=state, asked=True)
    fallback = flow_of(ctx).fallback_for(kind)
    if (to := fallback.hands_to(message)) is not None:
        return start(ctx, to, message)
    return [ctx.say(fallback.say), *(_show(ctx) if fallback.again else [])]  # type: ignore[arg-type]


def ask_again(ctx: Context) -> list[Reply]:
    """The current state's question, asked again."""
    return _show(ctx)


def detour(ctx: Context, name: FlowName) -> list[Reply]:
    """Run sub-flow `name` from wherever the conversation is (LANG); afterwards the same
    question is asked again."""
    return _call(ctx, name, {}, resume=False)


def back(ctx: Context) -> list[Reply] | None:
    """Return to the previous question of the current flow, or None if there is none."""
    history = ctx.data.get(HISTORY) or []
    if not history:
        return None
    ctx.state = history.pop()
    return _show(ctx)


def _refuse(ctx: Context, flow: Flow) -> list[Reply]:
    reply = ctx.say(flow.refusal)  # type: ignore[arg-type]
    _place(ctx, FlowName.MENU, FLOWS[FlowName.MENU].start, fresh=True)
    return [reply]


def _place(ctx: Context, name: str, state: str, *, fresh: bool) -> None:
    if fresh:
        kept = ctx.data.get(KEPT)
        ctx.data.clear()
        if kept:
            ctx.data[KEPT] = kept
    ctx.flow, ctx.state = name, state


def _show(ctx: Context) -> list[Reply]:
    """Enter the current state: its `before` may move on; else its prompt asks."""
    state = state_of(ctx)
    if state.before is not None:
        step = state.before(ctx)
        if step is not None:
            return _apply(ctx, step, source=state, asked=False)
    if state.prompt is None:
        return []
    where, data = (ctx.flow, ctx.state), copy.deepcopy(ctx.data)
    replies = state.prompt(ctx)
    if (ctx.flow, ctx.state) != where or ctx.data != data:
        raise FlowError(f"the prompt of {'.'.join(where)} changed the conversation")
    return replies


def _apply(ctx: Context, step: Step, *, source: State, asked: bool) -> list[Reply]:
    """Carry out a Step taken in `source` (`asked`: in answer to its question)."""
    target = step.target
    if target is not None and not source.leads_to(target):
        raise FlowError(f"{ctx.flow}.{ctx.state} may not go to {str(target)!r}: not in its table")
    replies = list(step.replies)
    if step.call:
        return replies + _call(ctx, step.flow, dict(step.args), resume=True)
    if step.result is not None:
        return replies + _return(ctx, dict(step.result), asked=asked)
    if step.flow:
        return replies + start(ctx, step.flow, ctx.message if step.forward else None)
    if step.end:
        menu = to_menu(ctx)
        return replies + (menu if step.show_menu else [])
    if step.state:
        return replies + _go(ctx, step.state, asked=asked)
    return replies + (_show(ctx) if step.again else [])


def _go(ctx: Context, state: str, *, asked: bool) -> list[Reply]:
    """Move to `state` of this flow; a state that asked nothing is no place to go BACK to."""
    if asked and state != ctx.state:
        ctx.data.setdefault(HISTORY, []).append(ctx.state)
    ctx.state = state
    return _show(ctx)


def _call(ctx: Context, name: str, args: dict, *, resume: bool) -> list[Reply]:
    frame = {"flow": ctx.flow, "state": ctx.state, "resume": resume,
             "data": {k: v for k, v in ctx.data.items() if k not in (KEPT, STACK)}}
    stack = [*ctx.data.get(STACK, []), frame]
    _place(ctx, name, FLOWS[name].start, fresh=True)
    ctx.data.update(args)
    ctx.data[STACK] = stack
    return _show(ctx)


def _return(ctx: Context, result: dict, *, asked: bool) -> list[Reply]:
    """Back to the caller with `result`; a sub-flow started on its own ends at the menu."""
    stack = list(ctx.data.get(STACK) or [])
    if not stack:
        return to_menu(ctx)
    frame = stack.pop()
    kept = ctx.data.get(KEPT)
    ctx.data.clear()
    ctx.data.update(frame["data"])
    ctx.data.update((k, v) for k, v in result.items() if k not in RESERVED)
    if kept:
        ctx.data[KEPT] = kept
    if stack:
        ctx.data[STACK] = stack
    ctx.flow, ctx.state = current(frame["flow"]), frame["state"]
    if not frame["resume"]:
        return _show(ctx)
    state = state_of(ctx)
    if state.resume is None:
        raise FlowError(f"{frame['flow']}.{frame['state']} called a sub-flow but has no resume")
    return _apply(ctx, state.resume(ctx), source=state, asked=asked)
