"""TOP: the leaders of a program near the partner (their district this month unless they
choose their PIN code area, their state, or all time), names masked, and their own rank;
a partner may hide their name from the boards others see. Diagram: docs/flows/leaderboard.md.
"""

from __future__ import annotations

from enum import StrEnum

from bot.i18n import N_, format_credits
from bot.messages import InboundMessage, Option, Reply
from flows import choose_program, engine
from flows import sms as sms_flow
from flows.answers import pick
from flows.choose_program import Needs
from flows.engine import END, Context, Flow, MenuEntry, State
from flows.names import FlowName
from models.campaigns import leaderboard
from models.programs.program import Program

AREAS = {"pin": N_("PIN code area"), "district": N_("District"), "state": N_("State")}
OWN = {"pin": N_("You are #{rank} of {count} in your PIN code area."),
       "district": N_("You are #{rank} of {count} in your district."),
       "state": N_("You are #{rank} of {count} in your state.")}
MONTH, ALL_TIME = N_("This month"), N_("All time")
HIDDEN = N_("Your name is hidden from others.")
NO_PIN = N_("There is no PIN code on your profile, so you are on no leaderboard.")
NO_NAMES = N_("No names to show here yet.")
HIDE, SHOW = N_("Hide my name"), N_("Show my name")
NOW_HIDDEN = N_("Your name is now hidden from the leaderboard. You still see your own rank.")
NOW_SHOWN = N_("Your name is shown on the leaderboard again.")
# On SMS the board is one registered DLT wording (bot/channels/dlt.yaml leaderboard_sms: the
# leaders as free text), one line of at most two segments, and no menu: TOP asks again.
BOARD_SMS = N_("{program}, {area}, {period}: you are #{rank} of {count}. Leaders: {names}")


class S(StrEnum):
    PROGRAM = "program"
    VIEW = "view"


def _program(ctx: Context) -> Program:
    return ctx.session.get(Program, ctx.data["program_id"])


def board_reply(ctx: Context, program: Program, area: leaderboard.Area = "district",
                monthly: bool = True) -> Reply:
    """The partner's own place first (an SMS or a USSD screen shows it before any paging),
    then the first ten of their area."""
    board = leaderboard.board(ctx.session, program.id, ctx.partner, area, monthly, ctx.now)
    title = f"{program.spec.name} · {ctx._(AREAS[area])} · {ctx._(MONTH if monthly else ALL_TIME)}"
    if board.own is None:
        return Reply("\n".join([title, ctx._(NO_PIN)]))
    lines = [title, ctx._(OWN[area], rank=board.own.rank, count=board.count)]
    if board.own.hidden:
        lines.append(ctx._(HIDDEN))
    names = [f"#{p.rank} {p.shown_as}: {format_credits(p.credits, ctx.language)}"
             for p in board.shown]
    return Reply("\n".join(lines + (names or [ctx._(NO_NAMES)])))


def sms_board(ctx: Context, program: Program) -> Reply:
    """The board as one SMS: the partner's own place, then as many leaders as fit in two
    segments (at least the first)."""
    area: leaderboard.Area = "district"
    board = leaderboard.board(ctx.session, program.id, ctx.partner, area, True, ctx.now)
    if board.own is None:
        return sms_flow.single(ctx._(NO_PIN))
    names = [f"#{p.rank} {p.shown_as}: {format_credits(p.credits, ctx.language)}"
             for p in board.shown] or [ctx._(NO_NAMES)]
    return sms_flow.longest_fitting(lambda count: ctx._(
        BOARD_SMS, program=program.spec.name[:30], area=ctx._(AREAS[area]),
        period=ctx._(MONTH), rank=board.own.rank, count=board.count,
        names="; ".join(names[:count])), len(names))


def which_program(ctx: Context) -> engine.Step:
    return choose_program.call(
        Needs.ANY, ask=N_("Which program?"),
        none=N_("You are not in a program yet. Send JOIN and the program code."))


def _shown(ctx: Context) -> Reply:
    return board_reply(ctx, _program(ctx), ctx.data.setdefault("area", "district"),
                       ctx.data.setdefault("monthly", True))


def show_board(ctx: Context) -> engine.Step:
    if ctx.message.traits.paged:
        return engine.done(sms_board(ctx, _program(ctx)))
    return engine.go(S.VIEW, _shown(ctx))


def _view_options(ctx: Context) -> tuple[Option, ...]:
    hidden = leaderboard.is_hidden(ctx.session, ctx.partner.id, ctx.data["program_id"])
    areas = [(area, label) for area, label in AREAS.items() if area != ctx.data.get("area")]
    return engine.options(ctx, [*areas, ("period", ALL_TIME if ctx.data.get("monthly")
                                         else MONTH),
                                ("hide", SHOW if hidden else HIDE), ("menu", N_("Main menu"))])


def view_prompt(ctx: Context) -> list[Reply]:
    return [ctx.say("Reply with a number.", options=_view_options(ctx))]


def view(ctx: Context, msg: InboundMessage) -> engine.Step:
    chosen = pick(msg, _view_options(ctx))
    if chosen in AREAS:
        ctx.data["area"] = chosen
    elif chosen == "period":
        ctx.data["monthly"] = not ctx.data.get("monthly", True)
    elif chosen == "hide":
        hide = not leaderboard.is_hidden(ctx.session, ctx.partner.id, ctx.data["program_id"])
        leaderboard.set_hidden(ctx.session, ctx.partner.id, ctx.data["program_id"], hide)
        return engine.go(S.VIEW, ctx.say(NOW_HIDDEN if hide else NOW_SHOWN))
    elif chosen == "menu":
        return engine.done(menu=True)
    else:
        return engine.retry(ctx, "Please reply with the number of an option.")
    return engine.go(S.VIEW, _shown(ctx))


FLOW = engine.register(Flow(
    name=FlowName.LEADERBOARD, states_enum=S, start=S.PROGRAM, triggers=("TOP",),
    states={
        S.PROGRAM: State(before=which_program, resume=show_board,
                         goes=(FlowName.CHOOSE_PROGRAM, (S.VIEW, "the board"),
                               (END, "the board as one SMS"))),
        S.VIEW: State(view, view_prompt,
                      goes=((S.VIEW, "another area or period, hide or show my name"),
                            (END, "main menu"))),
    },
    menu=MenuEntry(N_("Leaderboard"), order=97),
))
