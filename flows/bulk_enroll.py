"""Bulk enrollment: a distributor rep sends "ENROLL [CODE]" and one shop per line, or a CSV
(with the message, or after it). The rows are checked in a job (check, create, invite, report
to the rep): a 500-row batch or a CSV download never holds up the webhook.
Diagram: docs/flows/bulk_enroll.md.
"""

from __future__ import annotations

from enum import StrEnum

from bot.i18n import N_
from bot.jobs.names import Job
from bot.messages import MAX_TEXT, InboundMessage, Reply
from bot.notices.enrollment import TOO_MANY
from flows import engine
from flows.engine import END, Context, Flow, MenuEntry, State
from flows.names import FlowName
from models.enrollment.bulk import MAX_ROWS, read_rows, rep_programs
from models.partners.partner import Role
from models.programs.program import Program, by_code

CSV_TYPES = ("text/", "application/csv", "application/vnd.ms-excel", "application/octet-stream")
JOB = Job.BULK_ENROLL


class S(StrEnum):
    ROWS = "rows"


def begin(ctx: Context, msg: InboundMessage) -> engine.Step:
    first, _, rest = msg.text.partition("\n")
    words = first.split()
    named = by_code(ctx.session, words[1]) if len(words) > 1 else None  # not "Enroll shops"
    if not _choose(ctx, named.code if named else None):
        return engine.done(_which_program(ctx))
    if not rest.strip() and not msg.media:
        return engine.go(S.ROWS)
    return _submit(ctx, msg, rest)


def _choose(ctx: Context, code: str | None) -> bool:
    """Remember the program `code` names (or the rep's only one); False if there is none."""
    allowed = rep_programs(ctx.session, ctx.partner)
    program = next((p for p in allowed if p.code == code), None)
    if code is None and len(allowed) == 1:
        program = allowed[0]
    if program is not None:
        ctx.data.update(program_id=program.id, program=program.name)
    return program is not None


def _which_program(ctx: Context) -> Reply:
    codes = ", ".join(p.code for p in rep_programs(ctx.session, ctx.partner)) or "-"
    return ctx.say("Send ENROLL and one of your programs: {codes}", codes=codes)


def only_program(ctx: Context) -> None:
    """Started from the menu: the rep's only program is the one."""
    if "program_id" not in ctx.data:
        _choose(ctx, None)


def ask_rows(ctx: Context) -> list[Reply]:
    if "program_id" not in ctx.data:
        return [_which_program(ctx)]
    return [ctx.say("Send one shop per line: name, phone, shop, PIN code, language (optional). "
                    "Or attach a CSV file.")]


def take_rows(ctx: Context, msg: InboundMessage) -> engine.Step:
    if "program_id" not in ctx.data:
        return engine.done(_which_program(ctx))
    return _submit(ctx, msg, msg.text)


def _submit(ctx: Context, msg: InboundMessage, text: str) -> engine.Step:
    program = ctx.session.get(Program, ctx.data["program_id"])
    media_url = None
    if msg.media:
        if not msg.media[0].content_type.startswith(CSV_TYPES):
            return engine.retry(ctx, "Please attach a CSV file (or paste the lines).")
        media_url, text = msg.media[0].url, ""
    elif len(msg.text) >= MAX_TEXT:
        return engine.retry(ctx, "That list is too long for one chat message. Please attach "
                                 "it as a CSV file.")
    else:
        count = len(read_rows(text))
        if count == 0:
            return engine.retry(ctx, "I found no shops in that message.")
        if count > MAX_ROWS:
            return engine.done(ctx.say(TOO_MANY, n=count, limit=MAX_ROWS))
    ctx.enqueue(JOB, ctx.partner.id, program.id, msg.channel, msg.provider_id, text, media_url)
    return engine.done(ctx.say("Thank you! Checking your list for {program}; the results "
                               "follow in a moment.", program=program.name))


SUBMITTED = (END, "rows sent to the job, too many, no program")
FLOW = engine.register(Flow(
    name=FlowName.BULK_ENROLL, states_enum=S, start=S.ROWS, triggers=("ENROLL",),
    roles=frozenset({Role.DISTRIBUTOR_REP}),
    refusal=N_("Only distributor reps can enroll shops. To join yourself, send JOIN and the "
               "program code."),
    entry=State(text=begin, media=begin, goes=((S.ROWS, "no rows yet"), SUBMITTED)),
    states={S.ROWS: State(take_rows, ask_rows, media=take_rows, before=only_program,
                          free_text=True, goes=(SUBMITTED,))},
    menu=MenuEntry(N_("Enroll shops"), order=70),
))
