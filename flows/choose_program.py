"""Choose one of the partner's programs: the step wallet and redeem call as a sub-flow
(`engine.call(FlowName.CHOOSE_PROGRAM, needs=..., ask=..., none=...)`), and the list of a
partner's programs that learn offers tracks from. One program is chosen without asking; with
none, the caller's `none` text is said and the conversation is back at the menu."""

from __future__ import annotations

from enum import StrEnum

from bot.messages import InboundMessage, Option, Reply
from flows import engine
from flows.answers import pick
from flows.engine import END, RETURN, Context, Flow, State
from flows.names import FlowName
from models import learning
from models.enrollment.join import MembershipStatus
from models.programs.catalog import catalog_of
from models.programs.program import Program, memberships_of


class Needs(StrEnum):
    """Which of a partner's programs count."""

    ANY = "any"  # every program joined
    REWARDS = "rewards"  # programs with a catalog to redeem from
    LEARNING = "learning"  # active memberships of programs with learning tracks


class S(StrEnum):
    CHOOSE = "choose"


def eligible(ctx: Context, needs: Needs) -> list[Program]:
    """The partner's programs that meet `needs`, in the order they were joined."""
    memberships = memberships_of(ctx.session, ctx.partner.id)
    if needs == Needs.LEARNING:
        memberships = [m for m in memberships if m.status == MembershipStatus.ACTIVE]
    programs = [p for m in memberships if (p := ctx.session.get(Program, m.program_id))]
    if needs == Needs.REWARDS:
        return [p for p in programs if catalog_of(p.spec.catalog).items]
    if needs == Needs.LEARNING:
        return [p for p in programs if learning.content_of(p).tracks]
    return programs


def _options(ctx: Context) -> tuple[Option, ...]:
    return tuple(Option(str(p.id), p.name) for p in eligible(ctx, Needs(ctx.data["needs"])))


def skip(ctx: Context) -> engine.Step | None:
    """Choose without asking when there is one program; leave when there is none."""
    programs = eligible(ctx, Needs(ctx.data["needs"]))
    if not programs:
        none = ctx.data["none"]  # the caller's msgid
        return engine.done(ctx.say(none))
    if len(programs) == 1:
        return engine.ret(program_id=programs[0].id)
    return None


def prompt(ctx: Context) -> list[Reply]:
    ask = ctx.data["ask"]  # the caller's msgid
    return [ctx.say(ask, options=_options(ctx))]


def choose(ctx: Context, msg: InboundMessage) -> engine.Step:
    chosen = pick(msg.text, _options(ctx))
    if chosen is None:
        return engine.retry(ctx, "Please reply with the number of a program.")
    return engine.ret(program_id=int(chosen))


def call(needs: Needs, ask: str, none: str) -> engine.Step:
    """The step that runs this sub-flow: `ask` and `none` are N_() msgids of the caller."""
    return engine.call(FlowName.CHOOSE_PROGRAM, needs=needs, ask=ask, none=none)


FLOW = engine.register(Flow(
    name=FlowName.CHOOSE_PROGRAM, states_enum=S, start=S.CHOOSE,
    states={S.CHOOSE: State(choose, prompt, before=skip,
                            goes=((RETURN, "a program (one is not asked)"), (END, "none")))},
))
