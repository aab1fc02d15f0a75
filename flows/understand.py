"""Free text at the menu, read by the NLU (flows/nlu): "mera balance kitna hai", "paanch sau
nikalo", "QR scan nahi ho raha". Sure of the intent: do it (money still through the redeem
flow's confirmation); fairly sure: "Did you mean 1) … 2) …?"; unsure: the menu, and at the
second miss in a row an offer of a call from a person. A question the program's own `faq:`
answers is answered first. Diagram: docs/flows/understand.md."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from enum import StrEnum

from bot.i18n import LANGUAGES, N_, Message
from bot.messages import InboundMessage, Option, Reply
from flows import engine, faq, language, redeem, sms
from flows.answers import is_numeric, pick
from flows.choose_program import Needs, eligible
from flows.engine import END, Context, Flow, State
from flows.menu import STOPPED
from flows.names import FlowName
from flows.nlu import Band, Understanding, understand
from flows.nlu.entities import Entities, extract
from flows.nlu.reader import read
from flows.wallet import expiring_reply
from models.partners.partner import PartnerStatus, set_status
from models.programs.program import Program

log = logging.getLogger("saathi.nlu")
DECIDED = "intent:"  # a message's `choice` naming an intent another reader decided (Rasa)
MISSES = "nlu_misses"  # kept: texts not understood in a row
MISSES_BEFORE_PERSON = 2
CHAT = frozenset({"greeting", "thanks"})  # answered even when unsure: nothing is done
NOT_UNDERSTOOD = N_("Sorry, I did not understand that.")
GREETING = N_("Namaste! Type what you need in your own words, like \"my balance\" or "
              "\"redeem 500\", or reply with a number:")
WELCOME = N_("You are welcome! Send MENU any time.")
SCAN_TIP = N_("Tip: hold the phone steady in good light, with the whole QR code in the photo.")
INVOICE_TIP = N_("Send a clear photo of the whole invoice, with GSTIN, number, date and total "
                 "readable. Credits come in minutes.")
NOT_IN_PROGRAM = N_("You are not in a program yet. Send JOIN and the program code.")
# What "Did you mean" offers for each intent.
LABELS: dict[str, Message] = {
    "balance": N_("My credits"), "history": N_("Last entries"),
    "expiring": N_("Expiring soon"), "redeem": N_("Redeem credits"),
    "learn": N_("Learn and get certified"), "certificate": N_("Learn and get certified"),
    "scan_help": N_("Scan product code"), "invoice_help": N_("Upload invoice"),
    "faq_earn": N_("How to earn"), "faq_redeem": N_("Rewards"), "faq_tiers": N_("Tiers"),
    "language": N_("Change language"), "human": N_("Talk to a person"),
    "greeting": N_("Main menu"), "thanks": N_("Main menu"), "stop": N_("Stop messages"),
}


# The menu entry each intent leads to, where it leads to one.
FLOW_OF: dict[str, FlowName] = {
    "balance": FlowName.WALLET, "history": FlowName.WALLET, "expiring": FlowName.WALLET,
    "redeem": FlowName.REDEEM, "learn": FlowName.LEARN, "certificate": FlowName.LEARN,
    "scan_help": FlowName.SCAN, "invoice_help": FlowName.INVOICE,
    "language": FlowName.LANGUAGE, "human": FlowName.SUPPORT,
}


def elsewhere(text: str, entry: str) -> bool:
    """Is a text surely about something other than the flow `entry`? A sentence that only
    loosely resembles a menu entry ("মোৰ চাৰ্টিফিকেট কেতিয়া পাম" beside "মোৰ ক্ৰেডিট"), or
    words a flow's question does not expect ("mera balance kitna hai" while the redeem flow
    asks for an amount): then the NLU reads it."""
    found = understand(text)
    return found.band == Band.HIGH and FLOW_OF.get(found.intent) != entry


class S(StrEnum):
    CLARIFY = "clarify"


Action = Callable[[Context, Entities], engine.Step]


def _programs(ctx: Context) -> list[Program]:
    return eligible(ctx, Needs.ANY)


def _each_program(answer: Callable[[Context, Program], list[Reply]]) -> Action:
    """Answer for every program the partner is in (or say they are in none)."""
    def run(ctx: Context, _found: Entities) -> engine.Step:
        programs = _programs(ctx)
        if not programs:
            return engine.done(ctx.say(NOT_IN_PROGRAM))
        return engine.done(*[r for p in programs for r in answer(ctx, p)])
    return run


def _expiring(ctx: Context, program: Program) -> list[Reply]:
    """What expires soon, and the program's rule."""
    return [expiring_reply(ctx, program.id), faq.expiry(ctx, program)]


def _rule(topic: str) -> Action:
    return _each_program(lambda ctx, program: [faq.TOPICS[topic](ctx, program)])


def _redeem(ctx: Context, found: Entities) -> engine.Step:
    redeem.want(ctx, found.amount)  # the flow still asks to confirm, then for the OTP
    return engine.switch(FlowName.REDEEM)


def _scan(ctx: Context, found: Entities) -> engine.Step:
    if found.code is None:
        return engine.switch(FlowName.SCAN, ctx.say(SCAN_TIP))
    ctx.message = dataclasses.replace(ctx.message, text=f"CODE {found.code}")
    return engine.switch(FlowName.SCAN, forward=True)


def _language(ctx: Context, found: Entities) -> engine.Step:
    if found.language is None or found.language == ctx.language:
        return engine.switch(FlowName.LANGUAGE)
    language.switch(ctx, found.language)
    return engine.done(ctx.say("Language changed to {language}.",
                               language=LANGUAGES[found.language][1]))


def _stop(ctx: Context, _found: Entities) -> engine.Step:
    set_status(ctx.session, ctx.partner, PartnerStatus.OPTED_OUT)
    return engine.done(ctx.say(STOPPED))


def _say(msgid: Message, *, menu: bool = False) -> Action:
    return lambda ctx, _found: engine.done(ctx.say(msgid), menu=menu)


def _start(flow: FlowName) -> Action:
    return lambda _ctx, _found: engine.switch(flow)


ACTIONS: dict[str, Action] = {
    "balance": _start(FlowName.WALLET),
    "history": lambda ctx, _found: engine.done(*sms.history(ctx)),
    "expiring": _each_program(_expiring),
    "redeem": _redeem,
    "learn": _start(FlowName.LEARN), "certificate": _start(FlowName.LEARN),
    "scan_help": _scan,
    "invoice_help": _say(INVOICE_TIP),
    "faq_earn": _rule("faq_earn"), "faq_redeem": _rule("faq_redeem"),
    "faq_tiers": _rule("faq_tiers"),
    "language": _language,
    "human": _start(FlowName.SUPPORT),
    "greeting": _say(GREETING, menu=True),
    "thanks": _say(WELCOME),
    "stop": _stop,
}


def act(ctx: Context, intent: str, found: Entities) -> engine.Step:
    """Do what `intent` asks; the partner was understood, so the misses start again."""
    ctx.forget(MISSES)
    return ACTIONS[intent](ctx, found)


def _missed(ctx: Context) -> engine.Step:
    """The menu again; at the second miss in a row, the offer of a person's call back."""
    misses = (ctx.kept(MISSES) or {}).get("n", 0) + 1
    if misses >= MISSES_BEFORE_PERSON:
        ctx.forget(MISSES)
        return engine.switch(FlowName.SUPPORT, ctx.say(NOT_UNDERSTOOD))
    ctx.keep(MISSES, {"n": misses})
    return engine.done(ctx.say(NOT_UNDERSTOOD), menu=True)


def decided(msg: InboundMessage) -> str | None:
    """The intent a message comes with, already decided (a Rasa action's), if any."""
    if msg.choice and msg.choice.startswith(DECIDED):
        intent = msg.choice.removeprefix(DECIDED)
        return intent if intent in ACTIONS else None
    return None


def understood(ctx: Context, msg: InboundMessage) -> engine.Step:
    """Read free text: the program's own FAQ first, then the intent by its confidence."""
    if intent := decided(msg):
        return act(ctx, intent, extract(msg.text))
    own = faq.program_answer(ctx, _programs(ctx), msg.text)
    if own:
        ctx.forget(MISSES)
        return engine.done(*own)
    found: Understanding = read(msg.text)
    log.info("free text read", extra={"intent": found.intent, "band": str(found.band),
                                      "confidence": round(found.confidence, 2)})
    if found.band == Band.HIGH or (found.band == Band.MEDIUM and found.intent in CHAT):
        return act(ctx, found.intent, found.entities)
    if found.band == Band.MEDIUM:
        ctx.data.update(text=msg.text, choices=_choices_of(found))
        return engine.go(S.CLARIFY)
    return _missed(ctx)


def _choices_of(found: Understanding) -> list[str]:
    """The two likeliest intents, once each, without a second "Main menu"."""
    first, second = found.intent, found.runner_up.intent
    same = LABELS[first] == LABELS[second] or second in CHAT
    return [first] if same else [first, second]


def _options(ctx: Context) -> tuple[Option, ...]:
    pairs = [(intent, LABELS[intent]) for intent in ctx.data["choices"]]
    return engine.options(ctx, [*pairs, ("menu", N_("Main menu"))])


def clarify_prompt(ctx: Context) -> list[Reply]:
    return [ctx.say("Did you mean:", options=_options(ctx))]


def clarified(ctx: Context, msg: InboundMessage) -> engine.Step:
    """A choice does what it names; other words are read afresh."""
    chosen = pick(msg, _options(ctx))
    if chosen is None and is_numeric(msg.text):
        return engine.retry(ctx, "Please reply with a number from the list.")
    if chosen == "menu":
        ctx.forget(MISSES)
        return engine.done(menu=True)
    if chosen is not None:
        return act(ctx, chosen, extract(ctx.data["text"]))
    return understood(ctx, msg)


ACTED = ((FlowName.WALLET, "balance"), (FlowName.REDEEM, "redeem (+ amount)"),
         (FlowName.LEARN, "learn, certificate"), (FlowName.SCAN, "scan help (+ code)"),
         (FlowName.LANGUAGE, "language"), (FlowName.SUPPORT, "a person, or 2 misses"),
         (END, "answered (history, FAQ, tips), stop, a miss"))
FLOW = engine.register(Flow(
    name=FlowName.UNDERSTAND, states_enum=S, start=S.CLARIFY,
    entry=State(text=understood, goes=(*ACTED, (S.CLARIFY, "not sure, did you mean"))),
    states={S.CLARIFY: State(clarified, clarify_prompt, goes=(
        *ACTED, (S.CLARIFY, "not sure again, or a number not listed")))},
))
