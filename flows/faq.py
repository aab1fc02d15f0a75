"""Answers to questions about a program's rules, read from its YAML so they change with it:
how credits are earned (invoices by category, product codes, certificates), when they
expire, which rewards the catalog holds, and the tiers; plus the program's own `faq:`
questions and answers, matched against what the partner typed."""

from __future__ import annotations

from collections.abc import Callable

from rapidfuzz import fuzz, process

from bot.i18n import N_, NP_, format_credits, format_rupees
from bot.messages import Reply
from flows.answers import normalize
from flows.context import Context
from flows.wallet import tier_lines
from models.programs.catalog import ItemKind, catalog_of
from models.programs.labels import local
from models.programs.program import Program
from models.programs.schema import Tiers

FAQ_CUTOFF = 80  # a program question this close (0-100) to the text is the one asked
ALL = N_("all products")
TIER_BASIS = {
    "credits": NP_("{program} tiers, by credits earned in {n} day:",
                   "{program} tiers, by credits earned in {n} days:"),
    "cases": NP_("{program} tiers, by cases bought in {n} day:",
                 "{program} tiers, by cases bought in {n} days:"),
    "paise": NP_("{program} tiers, by purchases in {n} day:",
                 "{program} tiers, by purchases in {n} days:"),
    "units": NP_("{program} tiers, by units bought in {n} day:",
                 "{program} tiers, by units bought in {n} days:"),
}


def _category(ctx: Context, name: str) -> str:
    return ctx._(ALL) if name == "*" else name.upper()


def earning(ctx: Context, program: Program) -> Reply:
    spec, lang = program.spec, ctx.language
    lines = [ctx._("{program} - how to earn:", program=spec.name)]
    for rule in spec.earning.invoice:
        category = _category(ctx, rule.category)
        if rule.cashback_percent is not None:
            line = ctx._("Invoices ({category}): {percent}% back in credits",
                         category=category, percent=f"{rule.cashback_percent:g}")
        else:
            line = ctx._(NP_("Invoices ({category}): {n} credit for every {rupees}",
                             "Invoices ({category}): {n} credits for every {rupees}"),
                         n=rule.credits or 0, category=category,
                         rupees=format_rupees((rule.per_rupees or 1) * 100, lang))
        if rule.min_amount_rupees:
            line += " " + ctx._("(bills from {amount})",
                                amount=format_rupees(rule.min_amount_rupees * 100, lang))
        lines.append(line)
    lines += [ctx._(NP_("Product code ({product}): {n} credit a scan",
                        "Product code ({product}): {n} credits a scan"),
                    n=rule.credits, product=_category(ctx, rule.product))
              for rule in spec.earning.qr_code]
    lines += [ctx._(NP_("Certificate {level}: {n} credit", "Certificate {level}: {n} credits"),
                    n=rule.credits, level=rule.level) for rule in spec.earning.certification]
    return Reply("\n".join(lines))


def expiry(ctx: Context, program: Program) -> Reply:
    spec = program.spec
    if spec.expiry.policy == "never" or not spec.expiry.days:
        return ctx.say("{program}: your credits never expire.", program=spec.name)
    return ctx.say(NP_("{program}: credits expire {n} day after you earn them.",
                       "{program}: credits expire {n} days after you earn them."),
                   n=spec.expiry.days, program=spec.name)


def rewards(ctx: Context, program: Program) -> Reply:
    spec, lang = program.spec, ctx.language
    lines = [ctx._("{program} - rewards:", program=spec.name)]
    for item in catalog_of(spec.catalog).items:
        if item.kind == ItemKind.UPI:
            lines.append(ctx._("{reward}: {low} to {high} credits", reward=item.label_in(lang),
                               low=format_credits(item.min_credits or 0, lang),
                               high=format_credits(item.max_credits or 0, lang)))
        else:
            lines.append(ctx._(NP_("{reward}: {n} credit", "{reward}: {n} credits"),
                               n=item.credits or 0, reward=item.label_in(lang)))
    lines.append(ctx._("Send REDEEM to redeem."))
    return Reply("\n".join(lines))


def _threshold(tiers: Tiers, value: int, lang: str) -> str:
    return format_rupees(value, lang) if tiers.unit == "paise" else format_credits(value, lang)


def tiers(ctx: Context, program: Program) -> Reply:
    spec = program.spec
    if spec.tiers is None:
        return ctx.say("{program}: no tiers in this program.", program=spec.name)
    basis = "credits" if spec.tiers.basis == "credits" else spec.tiers.unit
    lines = [ctx._(TIER_BASIS.get(basis, TIER_BASIS["units"]), program=spec.name,
                   n=spec.tiers.window_days)]
    for level in spec.tiers.levels:
        boost = f" (x{level.multiplier:g})" if level.multiplier != 1 else ""
        lines.append(f"{level.label_in(ctx.language)}: "
                     f"{_threshold(spec.tiers, level.threshold, ctx.language)}+{boost}")
    return Reply("\n".join([*lines, *tier_lines(ctx, program)]))


TOPICS: dict[str, Callable[[Context, Program], Reply]] = {
    "faq_earn": earning, "faq_redeem": rewards, "faq_tiers": tiers,
}


def program_answer(ctx: Context, programs: list[Program], text: str) -> list[Reply]:
    """The answers of the programs' own FAQ whose question is the one typed (any language's
    wording of it), in the partner's language."""
    typed = normalize(text)
    found = []
    for program in programs:
        for entry in program.spec.faq:
            questions = [normalize(q) for q in entry.question.values()]
            best = process.extractOne(typed, questions, scorer=fuzz.token_sort_ratio)
            if best is not None and best[1] >= FAQ_CUTOFF:
                found.append(Reply(local(entry.answer, ctx.language)))
    return found
