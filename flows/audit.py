"""AUDIT APPROVE <certificate id>: a distributor rep or admin confirms a field audit."""

from __future__ import annotations

from enum import StrEnum

from bot.i18n import N_
from bot.messages import InboundMessage
from flows import engine
from flows.engine import END, Context, Flow, any_kind
from flows.names import FlowName
from models.learning import certificates as certification
from models.partners.partner import Role

AUDITORS = frozenset({Role.DISTRIBUTOR_REP, Role.ADMIN})


class S(StrEnum):
    APPROVE = "approve"


def approve(ctx: Context, msg: InboundMessage) -> engine.Step:
    words = msg.text.split()
    if len(words) != 3 or words[1].upper() != "APPROVE":
        return engine.done(ctx.say("To approve a field audit, send: AUDIT APPROVE <certificate "
                                   "id>"))
    cert = certification.audit_approve(ctx.session, ctx.partner, words[2])
    if cert is None:
        return engine.done(ctx.say("No certificate {id} is waiting for your audit.",
                                   id=words[2].upper()))
    return engine.done(ctx.say("Certificate {id} approved. The partner gets it now.",
                               id=cert.public_id))


APPROVED = ((END, "approved, or why not"),)
FLOW = engine.register(Flow(
    name=FlowName.AUDIT, states_enum=S, start=S.APPROVE, triggers=("AUDIT",),
    roles=AUDITORS, refusal=N_("Only a distributor rep or an admin can approve audits."),
    entry=any_kind(approve, *APPROVED), states={S.APPROVE: any_kind(approve, *APPROVED)},
))
