"""A distributor's rep checks a voucher at the counter: "VERIFY SV-ABCD-2345" (or the menu,
which asks for the code or a photo of its QR). A good voucher is marked used; otherwise the
reason is given.

    [VERIFY + code] --verify--> done          [menu/VERIFY] --> CODE --text--> verify --> done
                                                                 CODE --photo--> job --> message
"""

from __future__ import annotations

import logging
import re
from enum import StrEnum

from sqlalchemy.orm import Session

from bot.i18n import N_, NP_, translate
from bot.messages import Reply
from flows import engine
from flows.engine import Context, Flow, MenuEntry, State
from models import vouchers
from models.catalog import catalog_of
from models.partner import Partner, Role
from models.program import Program

log = logging.getLogger("saathi.vouchers")
_CODE = re.compile(r"SV-?[A-Z0-9]{4}-?[A-Z0-9]{4}", re.IGNORECASE)
REFUSALS = {
    "unknown": N_("No voucher has the code {code}. Please check it."),
    "foreign": N_("Voucher {code} belongs to another distributor. Do not accept it."),
    "used": N_("Voucher {code} was already used. Do not accept it again."),
    "expired": N_("Voucher {code} has expired. Do not accept it."),
    "not_rep": N_("Only a distributor or their rep can check vouchers."),
}


class S(StrEnum):
    CODE = "code"


def prompt(ctx: Context) -> list[Reply]:
    return [ctx.say("Type the voucher code, like SV-ABCD-2345, or send a photo of its QR.")]


def find_code(text: str) -> str | None:
    """Return the voucher code in `text` in its printed form (SV-ABCD-2345), or None."""
    found = _CODE.search(text)
    if found is None:
        return None
    raw = re.sub(r"[^A-Z0-9]", "", found.group(0).upper())
    return f"SV-{raw[2:6]}-{raw[6:]}"


def check(session: Session, rep: Partner, code: str) -> str:
    """Verify `code` for this rep; return what to tell them, in their language."""
    verdict = vouchers.verify(session, rep, code)
    log.info("voucher checked", extra={"partner_id": rep.id, "code": code,
                                       "result": verdict.reason})
    if not verdict.ok:
        return translate(rep.language, REFUSALS[verdict.reason], code=code)
    voucher = verdict.voucher
    owner = session.get(Partner, voucher.partner_id)
    item = catalog_of(session.get(Program, voucher.program_id).spec.catalog).item(
        voucher.item_key)
    return translate(rep.language, NP_(
        "Voucher {code} is valid and now marked used: {item} for {n} credit, for {name}.",
        "Voucher {code} is valid and now marked used: {item} for {n} credits, for {name}."),
        code=code, item=item.label_in(rep.language) if item else voucher.item_key,
        n=voucher.credits, name=owner.shop or owner.name or owner.phone[-4:])


def _verify(ctx: Context, text: str) -> engine.Step:
    code = find_code(text)
    if code is None:
        return engine.retry(ctx, "That is not a voucher code. It looks like SV-ABCD-2345.")
    return engine.done(Reply(check(ctx.session, ctx.partner, code)))


def entry(ctx: Context, msg) -> engine.Step:
    if ctx.partner.role not in (Role.DISTRIBUTOR, Role.DISTRIBUTOR_REP):
        reason = REFUSALS["not_rep"]
        return engine.done(ctx.say(reason))
    if msg.media:
        return handle(ctx, msg)
    if _CODE.search(msg.text) is None:
        return engine.go(S.CODE)
    return _verify(ctx, msg.text)


def handle(ctx: Context, msg) -> engine.Step:
    if msg.media:
        ctx.enqueue("workers.voucher_photo.check_photo", ctx.partner.id, ctx.message.channel,
                    msg.media[0].url, msg.provider_id)
        return engine.done(ctx.say("Reading the voucher photo… the answer follows shortly."))
    return _verify(ctx, msg.text)


FLOW = engine.register(Flow(
    name="voucher_check", states_enum=S, start=S.CODE, triggers=("VERIFY",), entry=entry,
    states={S.CODE: State(handle, prompt, free_text=True)},
    menu=MenuEntry(N_("Check a voucher"), order=45,
                   roles=frozenset({Role.DISTRIBUTOR, Role.DISTRIBUTOR_REP})),
))
