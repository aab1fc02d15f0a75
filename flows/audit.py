"""AUDIT APPROVE <certificate id>: a distributor rep or admin confirms a field audit."""

from __future__ import annotations

from enum import StrEnum

from flows import engine
from flows.engine import Context, Flow, State
from models.learning import certificates as certification
from models.partners.partner import Role

AUDITORS = (Role.DISTRIBUTOR_REP, Role.ADMIN)


class S(StrEnum):
    APPROVE = "approve"


def approve(ctx: Context, msg) -> engine.Step:
    if ctx.partner.role not in AUDITORS:
        return engine.done(ctx.say("Only a distributor rep or an admin can approve audits."))
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


FLOW = engine.register(Flow(
    name="audit", states_enum=S, states={S.APPROVE: State(approve)}, start=S.APPROVE,
    triggers=("AUDIT",), entry=approve,
))
