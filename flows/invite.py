"""INVITE (in any language, or the menu's "Invite a partner"): the partner's own invite code
for each of their programs that pays an invite bonus, and how a new partner joins with it
(JOIN <program> <code>: flows/enroll.py links them, models/campaigns/referrals pays)."""

from __future__ import annotations

from enum import StrEnum

from bot.i18n import N_
from bot.messages import Reply
from flows import choose_program, engine
from flows.context import Context
from flows.engine import END, Flow, State
from flows.keywords import Keyword, first_words
from flows.names import FlowName
from models.campaigns import referrals

YOUR_CODE = N_("{program}: your invite code is {code}. A new partner joins by sending JOIN "
               "{program_code} {code}. You get {bonus} credits after their first earn.")
NO_BONUS = N_("Your programs have no invite bonus now.")
NOT_MEMBER = N_("You are not in a program yet. Send JOIN and the program code.")


class S(StrEnum):
    SHOW = "show"


def show(ctx: Context) -> engine.Step:
    joined = choose_program.eligible(ctx, choose_program.Needs.ANY)
    if not joined:
        return engine.done(ctx.say(NOT_MEMBER), menu=True)
    return engine.done(*code_lines(ctx), menu=True)


def code_lines(ctx: Context) -> list[Reply]:
    """One line per program of the partner's that pays an invite bonus."""
    joined = choose_program.eligible(ctx, choose_program.Needs.ANY)
    offering = [p for p in joined if p.spec.referrals is not None]
    if not offering:
        return [ctx.say(NO_BONUS)]
    code = referrals.invite_code(ctx.session, ctx.partner.id)
    return [ctx.say(YOUR_CODE, program=p.spec.name, code=code, program_code=p.code,
                    bonus=p.spec.referrals.bonus) for p in offering]


FLOW = engine.register(Flow(
    name=FlowName.INVITE, states_enum=S, start=S.SHOW,
    triggers=("INVITE", *first_words(Keyword.INVITE)),
    # Not a menu entry: with TOP and voice notes a partner's menu has ten, WhatsApp's most
    # rows in a list; INVITE (in every language) asks for the code.
    states={S.SHOW: State(before=show, goes=((END, "the invite codes"),))},
))
