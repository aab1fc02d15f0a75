"""What a flow is: a table of named states. Each state says how it asks (`prompt`), which kinds
of message it takes (a handler per kind: `text`, `media`, `location`) and where it may go next
(`goes`); the flow adds what to answer to a kind a state does not take (`fallbacks`), its
entry (the message that started it), triggers, menu entry and the roles it is open to.

A handler returns a `Step`, built with one of:

    go(S.NEXT, *replies)          move on; the next state's prompt follows the replies
    retry(ctx, reason)            say why the answer was wrong and ask the same question again
    again(*replies)               ask the same question again
    wait(*replies)                stay in this state without asking again
    switch(FLOW, *replies)        start another flow (`forward=True`: hand it this message)
    call(FLOW, **args)            run a sub-flow; its `ret` resumes here (State.resume)
    ret(*replies, **result)       end a sub-flow: back to its caller with `result` in its data
    done(*replies, menu=False)    end the flow: back at the menu (and show it)

Prompts only read: a prompt that changes the conversation is refused (FlowError). A state
that may be skipped (a choice of one) decides so in `before`, which may return a Step. A
state that can tell its expected answers (`hears`: an amount, a listed reward) lets the NLU
read anything else, and act on it when sure (flows/dispatch.py); an expected answer always
reaches the handler.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from bot.i18n import N_, Message
from bot.messages import InboundMessage, Reply
from flows.context import Context
from flows.errors import FlowError
from flows.names import FlowName


class Kind(StrEnum):
    """The kinds of inbound message a state may take."""

    TEXT = "text"
    MEDIA = "media"
    LOCATION = "location"


def kind_of(message: InboundMessage) -> Kind:
    """A message's kind: a file wins over a location, which wins over text."""
    if message.media:
        return Kind.MEDIA
    return Kind.LOCATION if message.location is not None else Kind.TEXT


class Exit(StrEnum):
    """Where a step may lead besides a state of its own flow or another flow."""

    END = "end"  # the flow is over: the menu
    RETURN = "return"  # back to the flow that called this sub-flow
    ANY_FLOW = "any flow"  # whichever flow the partner chooses (the menu)


END, RETURN, ANY_FLOW = Exit.END, Exit.RETURN, Exit.ANY_FLOW


@dataclass(frozen=True)
class Step:
    replies: tuple[Reply, ...] = ()
    state: str | None = None  # go to this state (its prompt follows)
    flow: str | None = None  # start this flow, or call it (`call`)
    forward: bool = False  # the started flow's entry handles this message
    call: bool = False
    args: Mapping[str, object] = field(default_factory=dict)
    result: Mapping[str, object] | None = None  # end this sub-flow with this result
    end: bool = False
    show_menu: bool = False
    again: bool = False

    @property
    def target(self) -> str | None:
        """Where this step leads in the table's terms; None: it stays."""
        if self.result is not None:
            return RETURN
        if self.end:
            return END
        return self.flow or self.state


def go(state: str, *replies: Reply) -> Step:
    return Step(replies=replies, state=state)


def retry(ctx: Context, msgid: Message, **values: object) -> Step:
    return Step(replies=(ctx.say(msgid, **values),), again=True)


def again(*replies: Reply) -> Step:
    return Step(replies=replies, again=True)


def wait(*replies: Reply) -> Step:
    return Step(replies=replies)


def switch(flow: str, *replies: Reply, forward: bool = False) -> Step:
    return Step(replies=replies, flow=flow, forward=forward)


def call(flow: FlowName, **args: object) -> Step:
    return Step(flow=flow, call=True, args=args)


def ret(*replies: Reply, **result: object) -> Step:
    return Step(replies=replies, result=result)


def done(*replies: Reply, menu: bool = False) -> Step:
    return Step(replies=replies, end=True, show_menu=menu)


Handler = Callable[[Context, InboundMessage], Step]
Prompt = Callable[[Context], list[Reply]]
Before = Callable[[Context], Step | None]
Resume = Callable[[Context], Step]


@dataclass(frozen=True)
class Edge:
    target: str
    label: str = ""


@dataclass(frozen=True)
class State:
    text: Handler | None = None
    prompt: Prompt | None = None
    media: Handler | None = None
    location: Handler | None = None
    goes: tuple[str | tuple[str, str], ...] = ()  # targets, or (target, label) for diagrams
    before: Before | None = None  # may answer instead of asking (a choice of one is skipped)
    resume: Resume | None = None  # where a sub-flow this state called comes back to
    free_text: bool = False  # keyword triggers (JOIN, CODE…) are off while typing names
    # The answers this state expects, where it can say: other words may be read by the NLU
    # ("mera balance kitna hai" while an amount is asked) and, when it is sure, acted on.
    hears: Callable[[Context, InboundMessage], bool] | None = None
    edges: tuple[Edge, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        edges = tuple(Edge(*g) if isinstance(g, tuple) else Edge(g) for g in self.goes)
        object.__setattr__(self, "edges", edges)

    def handler_for(self, kind: Kind) -> Handler | None:
        return getattr(self, kind.value)

    @property
    def takes(self) -> tuple[Kind, ...]:
        return tuple(k for k in Kind if self.handler_for(k) is not None)

    def leads_to(self, target: str) -> bool:
        targets = {e.target for e in self.edges}
        return target in targets or (ANY_FLOW in targets and target not in (END, RETURN))


def any_kind(handler: Handler, *goes: str | tuple[str, str]) -> State:
    """A state (or entry) that reads every kind of message with one handler."""
    return State(text=handler, media=handler, location=handler, goes=goes)


@dataclass(frozen=True)
class Fallback:
    """What a flow answers to a kind of message a state does not take: words (`say`), or
    the message handed to another flow's entry (`to`), leaving this one."""

    say: Message | None = None
    again: bool = True  # then ask the state's question again
    to: FlowName | None = None
    takes: tuple[str, ...] = ()  # with `to`: the files handed on (by type); others get `say`

    def hands_to(self, message: InboundMessage) -> FlowName | None:
        """The flow whose entry `message` goes to, if it is handed on."""
        taken = not self.takes or any(
            m.content_type.split(";")[0].strip() in self.takes for m in message.media)
        return self.to if taken else None


# A photo or PDF sent where none is asked for is an invoice or a product QR (the invoice
# flow's job tells them apart), from any state; a flow holding something half done (a redemption
# waiting for its OTP, joining, a consent) says FINISH_FIRST instead of dropping it.
INVOICE_FILES = ("image/jpeg", "image/jpg", "image/png", "application/pdf")
DEFAULT_FALLBACKS: Mapping[Kind, Fallback] = {
    # a sticker or a video sent mid-step is not an invoice: the step goes on
    Kind.MEDIA: Fallback(N_("Sorry, I cannot use a file here."), to=FlowName.INVOICE,
                         takes=INVOICE_FILES),
    Kind.LOCATION: Fallback(N_("Sorry, I cannot use a location here.")),
}
FINISH_FIRST = Fallback(N_("Please finish this step first, or send MENU to leave it; then send "
                           "your photo again."))


@dataclass(frozen=True)
class MenuEntry:
    label: str  # an N_() msgid
    order: int
    needs_audio: bool = False  # offered only where a voice note plays (ChannelTraits)


@dataclass(frozen=True)
class Flow:
    name: str
    states_enum: type[StrEnum]
    states: Mapping[str, State]
    start: str
    needs_partner: bool = True
    triggers: tuple[str, ...] = ()  # first words that start this flow from any state
    entry: State | Handler | None = None  # takes the message that started the flow
    menu: MenuEntry | None = None
    roles: frozenset[str] | None = None  # None: open to everyone
    refusal: Message | None = None  # what anyone else is told
    fallbacks: Mapping[Kind, Fallback] = field(default_factory=dict)
    parked: tuple[str | tuple[str, str], ...] = ()  # states a job puts the conversation in

    def __post_init__(self) -> None:
        declared, mapped = set(self.states_enum), set(self.states)
        if declared != mapped or self.start not in mapped:
            raise FlowError(
                f"flow {self.name}: states {sorted(declared ^ mapped)} are declared but not "
                f"handled (or handled but not declared); start={self.start!r}"
            )
        if self.entry is not None and not isinstance(self.entry, State):
            object.__setattr__(self, "entry", any_kind(self.entry))
        if (self.roles is None) != (self.refusal is None):
            raise FlowError(f"flow {self.name}: roles and refusal go together")
        for name, state in self.tables():
            self._check(name, state)

    def tables(self) -> list[tuple[str, State]]:
        """Every state by name; first the entry ("[entry]") and where jobs park ("[job]")."""
        entry = [("[entry]", self.entry)] if isinstance(self.entry, State) else []
        parked = [("[job]", State(goes=self.parked))] if self.parked else []
        return entry + parked + list(self.states.items())

    def _check(self, name: str, state: State) -> None:
        for edge in state.edges:
            if not isinstance(edge.target, FlowName | Exit) and edge.target not in self.states:
                raise FlowError(f"flow {self.name}: {name} goes to unknown {edge.target!r}")
        if name.startswith("["):
            return
        if not state.takes and state.before is None:
            raise FlowError(f"flow {self.name}: {name} neither takes a message nor moves on")
        for kind in Kind:
            if state.takes and state.handler_for(kind) is None and self.fallback_for(kind) is None:
                raise FlowError(f"flow {self.name}: {name} takes no {kind} and has no fallback")

    def fallback_for(self, kind: Kind) -> Fallback | None:
        return self.fallbacks.get(kind) or DEFAULT_FALLBACKS.get(kind)

    def state(self, name: str) -> State:
        if name not in self.states:
            raise FlowError(f"flow {self.name} has no state {name!r}")
        return self.states[name]
