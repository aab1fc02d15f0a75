"""SMS: one-shot keywords that need no menu state, and answers of at most two segments.

A keyword (flows/keywords.py: "bal", "बैलेंस", "reedem 500") either answers at once, in any
state (BAL, HIST, TIER, HELP, MORE, LANG <language>), or stands for the English word the
dispatcher and the flows already know ("कोड X" is "CODE X", "शुरू" is "START").

Every answer on SMS is one text of at most two segments: the replies are joined, an image
becomes its link, English avoids UCS-2 characters (₹ is "Rs"), and what does not fit is
kept on the conversation (it survives a restart) for MORE.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from bot.channels import dlt_shapes, sms
from bot.channels.text import render_text
from bot.i18n import LANGUAGES, N_, translate
from bot.messages import Reply
from bot.notices import outbound
from flows import choose_program, language, redeem, wallet
from flows.answers import number
from flows.context import Context
from flows.keywords import Keyword, KeywordMatch, match_keyword
from models.programs.program import Program
from models.programs.schema import ProgramSpec

PAGE = "sms_page"  # Reply.extra flag: already one SMS, not to be paged again
NOTHING_MORE = N_("There is nothing more to show. Send HELP for the commands.")
HELP = N_("Send: BAL balance, HIST last entries, CODE <code>, LEARN or QUIZ, "
          "REDEEM <amount>, TOP ranks, LANG <language>, JOIN <program>, MORE, STOP, START")
NO_TIER = N_("{program}: no tiers in this program.")
# The word the dispatcher and the flows know for each keyword that is not answered here.
WORDS = {Keyword.CODE: "CODE", Keyword.LEARN: "LEARN", Keyword.QUIZ: "LEARN",
         Keyword.REDEEM: "REDEEM", Keyword.STOP: "STOP", Keyword.START: "START",
         Keyword.MENU: "MENU", Keyword.JOIN: "JOIN", Keyword.ENROLL: "ENROLL",
         Keyword.LANGUAGE: "LANG", Keyword.BALANCE: "BALANCE", Keyword.HISTORY: "BALANCE",
         Keyword.TIER: "BALANCE", Keyword.HELP: "HELP", Keyword.MORE: "MORE",
         Keyword.LEAVE: "LEAVE", Keyword.MY_DATA: "MYDATA", Keyword.DELETE: "DELETE",
         Keyword.INVITE: "INVITE", Keyword.TOP: "TOP"}
NEEDS_PARTNER = frozenset({Keyword.BALANCE, Keyword.HISTORY, Keyword.TIER})


def keyword(ctx: Context, free_text: bool) -> KeywordMatch | None:
    """The keyword an SMS starts with; never while the partner types a name or an address
    (`free_text`), where "Top Hardware" is a shop's name."""
    if not ctx.message.traits.keywords or free_text or not ctx.message.text:
        return None
    return match_keyword(ctx.message.text, ctx.language, frozenset(WORDS))


def command(found: KeywordMatch) -> str:
    """The message as the dispatcher reads it: "CODE ABCD-…", "START"."""
    return f"{WORDS[found.keyword]} {found.args}".strip()


def answer_now(ctx: Context, found: KeywordMatch) -> Callable[[Context], list[Reply]] | None:
    """The one-shot answer for `found`, or None when the flows take it from here (REDEEM
    <amount> leaves the amount for the redeem flow)."""
    if found.keyword == Keyword.REDEEM:
        redeem.want(ctx, number(found.args.split()[0]) if found.args else None)
    if found.keyword == Keyword.LANGUAGE and found.args:
        code = language.parse_language(found.args)
        return (lambda c: _language(c, code)) if code else None
    return ONE_SHOT.get(found.keyword)


def _language(ctx: Context, code: str) -> list[Reply]:
    language.switch(ctx, code)
    return [ctx.say("Language changed to {language}.", language=LANGUAGES[code][1])]


def help_reply(ctx: Context) -> list[Reply]:
    return [ctx.say(HELP)]


def _each_program(answer: Callable[[Context, Program], Reply]) -> Callable[[Context],
                                                                            list[Reply]]:
    """Answer for every program the partner is in (or say they are in none)."""
    def run(ctx: Context) -> list[Reply]:
        joined = choose_program.eligible(ctx, choose_program.Needs.ANY)
        if not joined:
            return [ctx.say("You are not in a program yet. Send JOIN and the program code.")]
        return [answer(ctx, program) for program in joined]
    return run


@_each_program
def balance(ctx: Context, program: Program) -> Reply:
    return wallet.balance_reply(ctx, program)


@_each_program
def history(ctx: Context, program: Program) -> Reply:
    return named(program.spec, wallet.history_reply(ctx, program.id).text)


@_each_program
def tier(ctx: Context, program: Program) -> Reply:
    lines = wallet.tier_lines(ctx, program)
    if not lines:
        return ctx.say(NO_TIER, program=program.spec.name)
    return named(program.spec, *lines)


def named(spec: ProgramSpec, *lines: str) -> Reply:
    """`lines` under the program's name, on a line of its own (registered as it is, per
    program: flows/program_sms.py)."""
    return Reply("\n".join([spec.name, *lines]))


def more(ctx: Context) -> list[Reply]:
    """The next page of the last long answer."""
    page = sms.next_page(ctx.data)
    if page is None:
        return [ctx.say(NOTHING_MORE)]
    return [single(page)]


ONE_SHOT: dict[Keyword, Callable[[Context], list[Reply]]] = {
    Keyword.HELP: help_reply, Keyword.BALANCE: balance, Keyword.HISTORY: history,
    Keyword.TIER: tier, Keyword.MORE: more,
}


def as_text(lang: str, reply: Reply, base_url: str) -> str:
    """A reply as SMS text in `lang`: numbered options, the image as a link in its wording
    (SMS carries no media; a link alone would be a DLT template of a variable alone)."""
    links = sms.absolute([reply.media_url] if reply.media_url else [], base_url)
    options = tuple(replace(o, label=dlt_shapes.option_label(o.label, lang))
                    for o in reply.options)
    text = "\n".join([render_text(replace(reply, options=options)),
                      *(translate(lang, sms.LINK, url=url) for url in links)]).strip("\n")
    return sms.gsm_safe(text, english=lang == "en")


def single(text: str) -> Reply:
    """`text` sent as it is: one SMS already, not to be paged."""
    return Reply(text, extra={PAGE: True})


def longest_fitting(text_for: Callable[[int], str], most: int) -> Reply:
    """One SMS of at most two segments holding as many of `most` items as fit (at least
    one): `text_for(n)` writes the text with the first n of them."""
    shown = next((n for n in range(most, 1, -1) if sms.fits(sms.gsm_safe(text_for(n)))), 1)
    return single(sms.gsm_safe(text_for(shown)))


def answer_text(lang: str, replies: list[Reply], base_url: str) -> str:
    """`replies` as one SMS answer's text in `lang`, before it is paged."""
    return "\n\n".join(t for t in (as_text(lang, r, base_url) for r in replies) if t)


def fit(ctx: Context, replies: list[Reply]) -> list[Reply]:
    """The replies as one SMS of at most two segments; the rest is kept for MORE. Pages are
    cut where the text's DLT shape says, so that each is a registered template."""
    if not ctx.message.traits.paged or not replies:
        return replies
    if all(r.extra.get(PAGE) for r in replies):
        return replies
    base = outbound.base_url()
    text = answer_text(ctx.language, replies, base)
    found = sms.pages(text, ctx._(sms.MORE_HINT), plan=dlt_shapes.plan(text, ctx.language),
                      ask=ctx._(sms.ASK_NUMBER))
    sms.keep_pages(ctx.data, found[1:])
    return [single(found[0])]
