"""Self-enrollment: "JOIN <CODE> [REF <distributor> | <invite code>]" -> language, role, name,
shop, PIN code, GSTIN (optional), consent -> member with a wallet, welcome and menu; a
partner's invite code links the new member to them (models/campaigns/referrals).

Invited by a rep (profile known): language, then consent. Already a member elsewhere (profile
known): consent only. Said no to the terms before (answers kept 30 days, or the rep's
invitation declined): consent only. Diagram: docs/flows/enroll.md.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta
from enum import StrEnum

from bot.i18n import LANGUAGES, N_
from bot.messages import InboundMessage, Reply
from flows import engine, language, notice
from flows.answers import fold_digits, pick
from flows.engine import END, FINISH_FIRST, Context, Flow, Kind, MenuEntry, State, any_kind
from flows.keywords import Keyword, means
from flows.names import FlowName
from models.campaigns import referrals
from models.campaigns.leaderboard import masked
from models.enrollment import join as enrollment
from models.enrollment.join import Profile
from models.partners.gstin import is_valid_gstin
from models.partners.partner import Partner, PartnerStatus
from models.programs.program import Program, by_code

log = logging.getLogger("saathi.enroll")
NO_PROGRAM = N_("There is no program with the code {code}. Please check your invite.")
CODE = re.compile(r"^[A-Z][A-Z0-9]{1,19}$")  # as programs/*.yaml require
ROLES = [("retailer", N_("Retailer (shop)")), ("dealer", N_("Dealer")),
         ("technician", N_("Technician or mason"))]
SKIP_GSTIN = [("skip", N_("Skip"))]  # offered where a keypad is the input
DECLINED = "declined_join"  # the answers of someone who said no to the terms, kept a while
KEEP_ANSWERS = timedelta(days=30)
ANSWERS = ("role", "name", "shop", "pincode", "gstin", "ref_id", "invite")
INVITED_BY = N_("Invited by {name}: they get a bonus after your first earn.")
OWN_INVITE = N_("That invite code is your own, so it brings no bonus.")
UNKNOWN_INVITE = N_("We did not find the invite code {code}; you are a member all the same.")


class S(StrEnum):
    PROGRAM = "program"
    LANGUAGE = "language"
    ROLE = "role"
    NAME = "name"
    SHOP = "shop"
    PINCODE = "pincode"
    GSTIN = "gstin"
    CONSENT = "consent"


def parse_join(text: str, *, bare: bool = True) -> tuple[str | None, str | None]:
    """Read "JOIN CEMPRO REF SAITRD" (or, if `bare`, just "CEMPRO") as (program, distributor);
    "JOIN CEMPRO K7PD3X" gives the word after the program as the referrer's code too."""
    words = re.findall(r"[A-Z0-9]+", text.upper())
    if words[:1] == ["JOIN"]:
        words = words[1:]
    elif not bare:
        return None, None
    ref = None
    if "REF" in words:
        at = words.index("REF")
        ref = words[at + 1] if at + 1 < len(words) else None
        words = words[:at]
    elif len(words) == 2:
        ref = words[1]
    code = words[0] if words and CODE.match(words[0]) else None
    return code, ref


def own_name(code: str) -> str:
    """A language by its own name only: short enough for two SMS in any script."""
    return LANGUAGES[code][1]


# Entry: the JOIN message, a menu choice, or any first message of a partner a rep invited.

def begin(ctx: Context, msg: InboundMessage) -> engine.Step:
    code, ref = parse_join(msg.text, bare=False)
    partner = ctx.partner
    if code is None and partner is not None and partner.status == PartnerStatus.INVITED:
        program = enrollment.pending_invitation(ctx.session, partner.id)
        if program is None:
            return engine.done(ctx.say("To join a program, send JOIN and the program code, for "
                                       "example: JOIN CEMPRO"))
        return _chosen(ctx, program, None)
    if code is None:
        return engine.go(S.PROGRAM)
    program = by_code(ctx.session, code)
    if program is None:
        return engine.go(S.PROGRAM, ctx.say(NO_PROGRAM, code=code))
    return _chosen(ctx, program, ref)


def ask_program(ctx: Context) -> list[Reply]:
    return [ctx.say("Send the program code from your invite, for example CEMPRO.")]


def take_program(ctx: Context, msg: InboundMessage) -> engine.Step:
    code, ref = parse_join(msg.text)
    program = by_code(ctx.session, code) if code else None
    if program is None:
        return engine.retry(ctx, NO_PROGRAM, code=code or msg.text[:20])
    return _chosen(ctx, program, ref)


def _chosen(ctx: Context, program: Program, ref: str | None) -> engine.Step:
    partner = ctx.partner
    if partner is not None and partner.status == PartnerStatus.SUSPENDED:
        return engine.done(ctx.say("Your account is on hold, so you cannot join a program now. "
                                   "Please contact your distributor."))
    if partner is not None and enrollment.is_member(ctx.session, partner.id, program.id):
        return engine.done(ctx.say("You are already a member of {program}.",
                                   program=program.name), menu=True)
    ctx.data.update(program_id=program.id, program=program.name, code=program.code)
    answered = _answers_kept(ctx) if partner is None else None
    ctx.data.update(answered or {})
    referrer = enrollment.distributor_by_code(ctx.session, ref) if ref else None
    if referrer is not None:
        ctx.data["ref_id"] = referrer.id
    elif ref and program.spec.referrals is not None:
        ctx.data["invite"] = ref
    elif ref:
        log.info("unknown referral code", extra={"ref": ref, "program": program.code})
    invited = partner is not None and partner.status == PartnerStatus.INVITED
    ctx.data["short"] = invited or enrollment.has_profile(partner)
    hello = ctx.say("Welcome to {program}!", program=program.name)
    if answered or (ctx.data["short"] and not invited) or \
            (invited and enrollment.declined(ctx.session, partner.id, program.id)):
        return engine.go(S.CONSENT, hello)
    if invited and partner.language_named:  # the rep wrote the shop's language
        language.switch(ctx, partner.language)
        return engine.go(S.CONSENT, hello)
    return engine.go(S.LANGUAGE, hello)


def _answers_kept(ctx: Context) -> dict | None:
    """The answers of an earlier JOIN this phone said no to, if that was under 30 days ago."""
    kept = ctx.kept(DECLINED)
    if kept is None or ctx.now - datetime.fromisoformat(kept["at"]) > KEEP_ANSWERS:
        ctx.forget(DECLINED)
        return None
    return {key: kept[key] for key in ANSWERS if key in kept}


# The questions, one small handler each.

def ask_language(ctx: Context) -> list[Reply]:
    return [ctx.say("Choose your language:", options=language.page_options(ctx, own_name))]


def take_language(ctx: Context, msg: InboundMessage) -> engine.Step:
    code = language.take_answer(ctx, msg, own_name)
    if code is None:
        return engine.retry(ctx, "Please reply with the number of your language.")
    if code == language.MORE:
        return engine.again()
    return engine.go(S.CONSENT if ctx.data.get("short") else S.ROLE)


def ask_role(ctx: Context) -> list[Reply]:
    return [ctx.say("What is your work?", options=engine.options(ctx, ROLES))]


def take_role(ctx: Context, msg: InboundMessage) -> engine.Step:
    role = pick(msg, engine.options(ctx, ROLES))
    if role is None:
        return engine.retry(ctx, "Please reply with a number from the list.")
    ctx.data["role"] = role
    return engine.go(S.NAME)


def ask_name(ctx: Context) -> list[Reply]:
    return [ctx.say("What is your full name?")]


def clean_name(text: str) -> str | None:
    """A name of 2 to 80 characters with letters in it, spaces squeezed; else None."""
    name = " ".join(text.split())
    return name if 2 <= len(name) <= 80 and any(c.isalpha() for c in name) else None


def clean_shop(text: str) -> str | None:
    """A shop name of 2 to 120 characters with a letter or digit; else None."""
    shop = " ".join(text.split())
    return shop if 2 <= len(shop) <= 120 and any(c.isalnum() for c in shop) else None


def take_name(ctx: Context, msg: InboundMessage) -> engine.Step:
    name = clean_name(msg.text)
    if name is None:
        return engine.retry(ctx, "Please send your name in letters (2 to 80 characters).")
    ctx.data["name"] = name
    return engine.go(S.SHOP)


def ask_shop(ctx: Context) -> list[Reply]:
    return [ctx.say("What is the name of your shop or business?")]


def take_shop(ctx: Context, msg: InboundMessage) -> engine.Step:
    shop = clean_shop(msg.text)
    if shop is None:
        return engine.retry(ctx, "Please send the shop name (2 to 120 characters).")
    ctx.data["shop"] = shop
    return engine.go(S.PINCODE)


def ask_pincode(ctx: Context) -> list[Reply]:
    return [ctx.say("What is your shop's 6-digit PIN code?")]


def take_pincode(ctx: Context, msg: InboundMessage) -> engine.Step:
    pincode = enrollment.clean_pincode(fold_digits(msg.text))
    if pincode is None:
        return engine.retry(ctx, "A PIN code has 6 digits and does not start with 0, "
                                 "like 400001.")
    ctx.data["pincode"] = pincode
    return engine.go(S.GSTIN)


def ask_gstin(ctx: Context) -> list[Reply]:
    """Where people type words, SKIP; on a keypad (where 0 is Back) a numbered Skip."""
    if ctx.message.traits.free_text:
        return [ctx.say("Send your GSTIN, or SKIP if you have none.")]
    return [ctx.say("Send your GSTIN, or choose Skip if you have none.",
                    options=engine.options(ctx, SKIP_GSTIN))]


def take_gstin(ctx: Context, msg: InboundMessage) -> engine.Step:
    answer = re.sub(r"\s", "", fold_digits(msg.text)).upper()
    if means(msg.text, Keyword.SKIP, ctx.language) or (
            not msg.traits.free_text and pick(msg, engine.options(ctx, SKIP_GSTIN)) == "skip"):
        ctx.data["gstin"] = None
        return engine.go(S.CONSENT)
    if len(answer) != 15 or not answer.isalnum():
        return engine.retry(ctx, "A GSTIN has 15 letters and digits, like 27AAACS1234P1Z7.")
    if not is_valid_gstin(answer):
        return engine.retry(ctx, "That GSTIN has a mistake (its check letter does not match). "
                                 "Please check it.")
    ctx.data["gstin"] = answer
    return engine.go(S.CONSENT)


def ask_consent(ctx: Context) -> list[Reply]:
    return [notice.ask(ctx, ctx.session.get(Program, ctx.data["program_id"]))]


def take_consent(ctx: Context, msg: InboundMessage) -> engine.Step:
    answer = pick(msg, notice.consent_options(ctx))
    if answer is None:
        return engine.retry(ctx, "Please reply 1 for yes or 2 for no.")
    program = ctx.session.get(Program, ctx.data["program_id"])
    if answer == "no":
        if ctx.partner is not None:
            enrollment.decline(ctx.session, ctx.partner, program)
        if not ctx.data.get("short"):  # so that a JOIN later asks only this question again
            ctx.keep(DECLINED, {"at": ctx.now.isoformat(),
                                **{key: ctx.data[key] for key in ANSWERS if key in ctx.data}})
        return engine.done(ctx.say("You have not been enrolled. Send JOIN {code} whenever you "
                                   "are ready.", code=program.code))
    member = enrollment.join(ctx.session, phone=ctx.message.sender, program=program,
                             profile=_profile(ctx), referred_by=_referrer(ctx))
    ctx.partner = ctx.session.get(Partner, member.partner_id)
    notice.agreed(ctx, program)
    ctx.forget(DECLINED)
    log.info("partner enrolled", extra={"partner_id": member.partner_id,
                                        "program": program.code})
    welcome = ctx.say("Welcome to {program}, {name}! You are now a member.",
                      program=program.name, name=ctx.partner.name or "")
    return engine.done(welcome, *_invited(ctx, program), menu=True)


def _invited(ctx: Context, program: Program) -> list[Reply]:
    """Link the new member to the partner whose invite code they joined with, and say so."""
    code = ctx.data.get("invite")
    if not code:
        return []
    linked = referrals.link(ctx.session, program, ctx.partner, code)
    if linked == referrals.Linked.LINKED:
        referrer = referrals.owner_of(ctx.session, code)
        return [ctx.say(INVITED_BY, name=masked(referrer.name, None))]
    if linked == referrals.Linked.OWN:
        return [ctx.say(OWN_INVITE)]
    if linked == referrals.Linked.UNKNOWN:
        return [ctx.say(UNKNOWN_INVITE, code=code)]
    return []


def _profile(ctx: Context) -> Profile | None:
    if ctx.data.get("short"):
        return None
    data = ctx.data
    return Profile(name=data["name"], shop=data["shop"], pincode=data["pincode"],
                   role=data["role"], language=ctx.conversation.language,
                   gstin=data.get("gstin"))


def _referrer(ctx: Context) -> Partner | None:
    ref_id = ctx.data.get("ref_id")
    return ctx.session.get(Partner, ref_id) if ref_id else None


CHOSEN = ((S.LANGUAGE, "a program"), (S.CONSENT, "profile known, or said no before"),
          (END, "member already, on hold"))
FLOW = engine.register(Flow(
    name=FlowName.ENROLL, states_enum=S, start=S.PROGRAM, needs_partner=False,
    triggers=("JOIN",), menu=MenuEntry(N_("Join a program"), order=80),
    entry=any_kind(begin, (S.PROGRAM, "no code, unknown code"), *CHOSEN),
    states={
        S.PROGRAM: State(take_program, ask_program, goes=CHOSEN),
        S.LANGUAGE: State(take_language, ask_language,
                          goes=(S.ROLE, (S.CONSENT, "profile known"))),
        S.ROLE: State(take_role, ask_role, goes=(S.NAME,)),
        S.NAME: State(take_name, ask_name, free_text=True, goes=(S.SHOP,)),
        S.SHOP: State(take_shop, ask_shop, free_text=True, goes=(S.PINCODE,)),
        S.PINCODE: State(take_pincode, ask_pincode, goes=(S.GSTIN,)),
        S.GSTIN: State(take_gstin, ask_gstin, goes=(S.CONSENT,)),
        S.CONSENT: State(take_consent, ask_consent, goes=((END, "yes (member) or no"),)),
    },
    fallbacks={Kind.MEDIA: FINISH_FIRST},
))
