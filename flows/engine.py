"""The conversation engine: flows are tables of named states; a handler returns a Step.

A flow is written as a `StrEnum` of states and a `Flow(...)` mapping each state to a
`State(handle, prompt)`. A handler gets the `Context` and the message and returns one of:

    go(S.NEXT, *replies)      move on; the next state's prompt follows the replies
    retry(ctx, reason)        say why the answer was wrong and ask the same question again
    wait(*replies)            stay in this state without asking again
    switch("flow", *replies)  start another flow at its first state
    done(*replies, menu=True) end the flow; back at the menu (and show it)

Handlers do no I/O of their own: they call domain operations on `ctx.session` and record
slow work with `ctx.enqueue(...)`, which runs only after the router commits.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from sqlalchemy.orm import Session

from bot import jobs
from bot.i18n import DEFAULT, Message, translate
from bot.messages import InboundMessage, Option, Reply
from models.messaging.conversation import KEPT, Conversation
from models.partners.partner import Partner


@dataclass
class Context:
    session: Session
    conversation: Conversation
    partner: Partner | None
    message: InboundMessage
    now: datetime
    data: dict = field(default_factory=dict)

    @property
    def language(self) -> str:
        if self.partner is not None and self.partner.language:
            return self.partner.language
        return self.conversation.language or DEFAULT

    def _(self, msgid: Message, **values: object) -> str:
        """Translate `msgid` into the partner's language."""
        return translate(self.language, msgid, **values)

    def say(self, msgid: Message, *, options: tuple[Option, ...] = (), media_url: str | None = None,
            **values: object) -> Reply:
        """A reply with `msgid` translated and filled in."""
        return Reply(self._(msgid, **values), options=options, media_url=media_url)

    def keep(self, name: str, value: dict) -> None:
        """Remember `value` on this conversation past the end of the flow, until forgotten
        (entering a flow clears everything else in `data`)."""
        self.data.setdefault(KEPT, {})[name] = value

    def kept(self, name: str) -> dict | None:
        return (self.data.get(KEPT) or {}).get(name)

    def forget(self, name: str) -> None:
        kept = self.data.get(KEPT) or {}
        kept.pop(name, None)
        if not kept:
            self.data.pop(KEPT, None)

    def enqueue(self, func: str, *args: object) -> None:
        """Run `func(*args)` in a job once this message's transaction commits."""
        jobs.after_commit(self.session, func, *args)


Handler = Callable[[Context, InboundMessage], "Step"]
Prompt = Callable[[Context], list[Reply]]


@dataclass(frozen=True)
class Step:
    replies: tuple[Reply, ...] = ()
    state: str | None = None  # go to this state (its prompt follows)
    flow: str | None = None  # switch to this flow's start
    end: bool = False
    show_menu: bool = False
    reprompt: bool = False


def go(state: str, *replies: Reply) -> Step:
    return Step(replies=replies, state=state)


def retry(ctx: Context, msgid: Message, **values: object) -> Step:
    return Step(replies=(ctx.say(msgid, **values),), reprompt=True)


def wait(*replies: Reply) -> Step:
    return Step(replies=replies)


def switch(flow: str, *replies: Reply) -> Step:
    return Step(replies=replies, flow=flow)


def done(*replies: Reply, menu: bool = False) -> Step:
    return Step(replies=replies, end=True, show_menu=menu)


@dataclass(frozen=True)
class State:
    handle: Handler
    prompt: Prompt | None = None
    free_text: bool = False  # keyword triggers (JOIN, CODE…) are off while typing names


@dataclass(frozen=True)
class MenuEntry:
    label: str  # an N_() msgid
    order: int
    roles: frozenset[str] | None = None  # None: every role


@dataclass(frozen=True)
class Flow:
    name: str
    states_enum: type[StrEnum]
    states: Mapping[str, State]
    start: str
    needs_partner: bool = True
    triggers: tuple[str, ...] = ()  # first words that start this flow from any state
    entry: Handler | None = None  # handles the triggering message; default: enter `start`
    menu: MenuEntry | None = None

    def __post_init__(self) -> None:
        declared, mapped = set(self.states_enum), set(self.states)
        if declared != mapped or self.start not in mapped:
            raise ValueError(
                f"flow {self.name}: states {sorted(declared ^ mapped)} are declared but not "
                f"handled (or handled but not declared); start={self.start!r}"
            )


FLOWS: dict[str, Flow] = {}


def register(flow: Flow) -> Flow:
    """Add a flow to the table the router dispatches on."""
    if flow.name in FLOWS:
        raise ValueError(f"flow {flow.name!r} registered twice")
    FLOWS[flow.name] = flow
    return flow


def enter(ctx: Context, flow_name: str, state: str | None = None, *, fresh: bool = True,
          remember: bool = True) -> list[Reply]:
    """Put the conversation in `flow_name` at `state` (default: its start); return the prompt.

    The state left behind is where BACK returns to, unless `remember` is False: a step that
    asked nothing (skipped, as a choice of one) is no place to go back to."""
    flow = FLOWS[flow_name]
    state = state or flow.start
    if state not in flow.states:
        raise KeyError(f"flow {flow_name} has no state {state!r}")
    if fresh:
        kept = ctx.data.get(KEPT)
        ctx.data.clear()
        if kept:
            ctx.data[KEPT] = kept
    history = ctx.data.setdefault("_history", [])
    if ctx.conversation.flow == flow_name and ctx.conversation.state != state and not fresh \
            and remember:
        history.append(ctx.conversation.state)
    ctx.conversation.flow, ctx.conversation.state = flow_name, state
    prompt = flow.states[state].prompt
    return prompt(ctx) if prompt else []


def apply(ctx: Context, step: Step) -> list[Reply]:
    """Carry out a handler's Step; return every reply to send."""
    replies = list(step.replies)
    if step.flow:
        return replies + enter(ctx, step.flow)
    if step.end:
        menu_prompt = enter(ctx, "menu")
        return replies + (menu_prompt if step.show_menu else [])
    if step.state:
        return replies + enter(ctx, ctx.conversation.flow, step.state, fresh=False)
    if step.reprompt:
        prompt = FLOWS[ctx.conversation.flow].states[ctx.conversation.state].prompt
        return replies + (prompt(ctx) if prompt else [])
    return replies


def back(ctx: Context) -> list[Reply] | None:
    """Return to the previous state of the current flow, or None if there is none."""
    history = ctx.data.get("_history") or []
    if not history:
        return None
    previous = history.pop()
    ctx.conversation.state = previous
    prompt = FLOWS[ctx.conversation.flow].states[previous].prompt
    return prompt(ctx) if prompt else []


def trigger_for(word: str) -> Flow | None:
    """Return the flow a first word like JOIN or CODE starts, if any."""
    return next((f for f in FLOWS.values() if word in f.triggers), None)


def options(ctx: Context, pairs: list[tuple[str, str]]) -> tuple[Option, ...]:
    """Build translated options from (key, msgid) pairs."""
    return tuple(Option(key, ctx._(label)) for key, label in pairs)
