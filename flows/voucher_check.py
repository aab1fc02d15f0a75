"""A distributor's rep checks a voucher at the counter: "VERIFY SV-ABCD-2345" (or the menu,
which asks for the code or a photo of its QR). A good voucher is described (what it is for,
its worth, whose it is, until when) and marked used only once the rep confirms; otherwise
the reason not to accept it is given.

Diagram: docs/flows/voucher_check.md.
"""

from __future__ import annotations

import logging
import re
from enum import StrEnum

from sqlalchemy.orm import Session

from bot.i18n import N_, NP_, format_rupees, translate
from bot.jobs.names import Job
from bot.messages import InboundMessage, Option, Reply
from flows import engine
from flows.answers import pick
from flows.engine import END, Context, Flow, MenuEntry, State
from flows.names import FlowName
from models.base import ist_date
from models.partners.partner import Partner, Role
from models.programs.catalog import catalog_of, rupees_paise
from models.programs.program import Program
from models.redemptions import vouchers

log = logging.getLogger("saathi.vouchers")
_CODE = re.compile(r"SV-?[A-Z0-9]{4}-?[A-Z0-9]{4}", re.IGNORECASE)
REFUSALS = {
    "unknown": N_("No voucher has the code {code}. Please check it."),
    "foreign": N_("Voucher {code} belongs to another distributor. Do not accept it."),
    "used": N_("Voucher {code} was already used. Do not accept it again."),
    "expired": N_("Voucher {code} has expired. Do not accept it."),
    "not_rep": N_("Only a distributor or their rep can check vouchers."),
}
CHOICES = [("yes", N_("Yes, mark it used")), ("no", N_("No"))]


class S(StrEnum):
    CODE = "code"
    CONFIRM = "confirm"


def prompt(ctx: Context) -> list[Reply]:
    return [ctx.say("Type the voucher code, like SV-ABCD-2345, or send a photo of its QR.")]


def find_code(text: str) -> str | None:
    """Return the voucher code in `text` in its printed form (SV-ABCD-2345), or None."""
    found = _CODE.search(text)
    if found is None:
        return None
    raw = re.sub(r"[^A-Z0-9]", "", found.group(0).upper())
    return f"SV-{raw[2:6]}-{raw[6:]}"


def _details(session: Session, voucher: vouchers.Voucher, lang: str) -> dict[str, str]:
    """What the voucher buys, its worth and whose it is, in `lang`."""
    program = session.get(Program, voucher.program_id)
    item = catalog_of(program.spec.catalog).item(voucher.item_key)
    owner = session.get(Partner, voucher.partner_id)
    return {"code": voucher.code,
            "item": item.label_in(lang) if item else voucher.item_key,
            "rupees": format_rupees(rupees_paise(voucher.credits,
                                                 program.spec.credit_value_paise), lang),
            "name": owner.shop or owner.name or owner.phone[-4:],
            "date": ist_date(voucher.expires_at).strftime("%d-%m-%Y")}


def offer(session: Session, rep: Partner, code: str) -> tuple[bool, Reply]:
    """Check `code` for this rep without using it: (True, what it is for and the question
    whether to mark it used), or (False, why not to accept it)."""
    verdict = vouchers.inspect(session, rep, code)
    log.info("voucher checked", extra={"partner_id": rep.id, "code": code,
                                       "result": verdict.reason})
    if not verdict.ok:
        return False, Reply(translate(rep.language, REFUSALS[verdict.reason], code=code))
    text = translate(rep.language, NP_(
        "Voucher {code} is valid: {item} worth {rupees} ({n} credit) for {name}, valid until "
        "{date}. Mark it used?",
        "Voucher {code} is valid: {item} worth {rupees} ({n} credits) for {name}, valid until "
        "{date}. Mark it used?"), n=verdict.voucher.credits,
        **_details(session, verdict.voucher, rep.language))
    choices = tuple(Option(key, translate(rep.language, label)) for key, label in CHOICES)
    return True, Reply(text, options=choices)


def _verify(ctx: Context, text: str) -> engine.Step:
    code = find_code(text)
    if code is None:
        return engine.retry(ctx, "That is not a voucher code. It looks like SV-ABCD-2345.")
    good, reply = offer(ctx.session, ctx.partner, code)
    if not good:
        return engine.done(reply)
    ctx.data["code"] = code
    return engine.go(S.CONFIRM)


def typed(ctx: Context, msg: InboundMessage) -> engine.Step:
    return _verify(ctx, msg.text)


def photo(ctx: Context, msg: InboundMessage) -> engine.Step:
    ctx.enqueue(Job.CHECK_VOUCHER_PHOTO, ctx.partner.id, ctx.message.channel,
                msg.media[0].url, msg.provider_id)
    return engine.done(ctx.say("Reading the voucher photo… the answer follows shortly."))


def entry(ctx: Context, msg: InboundMessage) -> engine.Step:
    """"VERIFY SV-…" checks the code; a bare "VERIFY" asks for it."""
    if _CODE.search(msg.text) is None:
        return engine.again()
    return _verify(ctx, msg.text)


def confirm_prompt(ctx: Context) -> list[Reply]:
    return [offer(ctx.session, ctx.partner, ctx.data["code"])[1]]


def confirm(ctx: Context, msg: InboundMessage) -> engine.Step:
    """Mark the voucher used once the rep says so; it is checked again as it is used."""
    answer = pick(msg.text, engine.options(ctx, CHOICES))
    if answer is None:
        return engine.retry(ctx, "Please reply 1 to mark it used or 2 to keep it.")
    code = ctx.data["code"]
    if answer == "no":
        return engine.done(ctx.say("Voucher {code} was not used.", code=code))
    verdict = vouchers.use(ctx.session, ctx.partner, code)
    log.info("voucher used" if verdict.ok else "voucher refused at use",
             extra={"partner_id": ctx.partner.id, "code": code, "result": verdict.reason})
    if not verdict.ok:
        return engine.done(ctx.say(REFUSALS[verdict.reason], code=code))
    return engine.done(ctx.say("Voucher {code} is now marked used. Give {name} the {item}.",
                               **_details(ctx.session, verdict.voucher, ctx.language)))


CHECKED = ((S.CONFIRM, "a good voucher"), (END, "not to accept, or photo being read"))
FLOW = engine.register(Flow(
    name=FlowName.VOUCHER_CHECK, states_enum=S, start=S.CODE, triggers=("VERIFY",),
    roles=frozenset({Role.DISTRIBUTOR, Role.DISTRIBUTOR_REP}), refusal=REFUSALS["not_rep"],
    entry=State(text=entry, media=photo, goes=CHECKED),
    states={S.CODE: State(typed, prompt, media=photo, free_text=True, goes=CHECKED),
            S.CONFIRM: State(confirm, confirm_prompt, media=photo,
                             goes=((END, "marked used, kept, or refused at use"),))},
    parked=((S.CONFIRM, "a good voucher in a photo (workers/voucher_photo.py)"),),
    menu=MenuEntry(N_("Check a voucher"), order=45),
))
