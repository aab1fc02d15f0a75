"""Check a rep's batch of shops (pasted lines or a CSV file) and send the rep the report."""

from __future__ import annotations

import logging

from bot import media
from bot.i18n import NP_, language_code, translate
from bot.notices.enrollment import ROW_STATUS, TOO_MANY
from bot.notices.outbound import queue_message
from models import keys
from models.db import unit_of_work
from models.enrollment import batches
from models.enrollment.bulk import (
    MAX_ROWS,
    BatchResult,
    RowStatus,
    invite_all,
    read_rows,
)
from models.partners.partner import Partner
from models.programs.program import Program

log = logging.getLogger("saathi.bulk_enroll")
REPORT_LIMIT = 1500  # characters; longer chat messages get cut by the providers
TEXT_ONLY = frozenset({"sms", "ussd"})  # a report that is one SMS (one DLT template)
SMS_REPORT = NP_("{program}: {n} row checked: {added} added, {skipped} not added.",
                 "{program}: {n} rows checked: {added} added, {skipped} not added.")


def run(rep_id: int, program_id: int, channel: str, message_id: str, text: str,
        media_url: str | None) -> None:
    """Enroll the batch and queue the report to the rep (once per inbound message)."""
    with unit_of_work() as session:
        rep = session.get(Partner, rep_id, with_for_update=True)  # a rep's batches in turn
        program = session.get(Program, program_id)
        lang = rep.language
        if media_url:
            try:
                text = decode(media.fetch(media_url))
            except media.MediaError as exc:
                log.warning("batch file unreadable", extra={"message_id": message_id,
                                                            "reason": str(exc)})
                text = None
        if text is None:
            answer = translate(lang, "Sorry, I could not open your file. Please send it again.")
        elif len(rows := read_rows(text)) > MAX_ROWS:
            answer = translate(lang, TOO_MANY, n=len(rows), limit=MAX_ROWS)
        else:
            result = invite_all(session, rep=rep, program=program, rows=rows,
                                language_of=language_code)
            batches.record(session, rep, program.id, result)
            log.info("batch enrolled", extra={"message_id": message_id, "rows": len(rows),
                                              "new_partners": result.totals()[RowStatus.CREATED]})
            answer = (sms_report if channel in TEXT_ONLY else report)(lang, program.name,
                                                                       result)
        queue_message(session, phone=rep.phone, channel=channel, text=answer,
                      key=keys.job_reply("bulk-report", message_id))


def decode(data: bytes) -> str:
    """CSV bytes as text: UTF-8 (with or without BOM), else Windows-1252 from older Excel."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def sms_report(lang: str, program: str, result: BatchResult) -> str:
    """The totals alone: an SMS is one registered DLT template, and a row's name and
    problem are free text no template can carry."""
    added = result.totals()[RowStatus.CREATED]
    return translate(lang, SMS_REPORT, program=program, n=len(result.rows), added=added,
                     skipped=len(result.rows) - added)


def report(lang: str, program: str, result: BatchResult) -> str:
    """Totals first, then each row that was not created, cut to fit one chat message."""
    totals = result.totals()
    lines = [translate(lang, NP_("{program}: {n} row checked.", "{program}: {n} rows checked."),
                       program=program, n=len(result.rows)),
             ", ".join(f"{translate(lang, ROW_STATUS[status])}: {totals[status]}"
                       for status in RowStatus if totals[status])]
    problems = [r for r in result.rows if r.status != RowStatus.CREATED]
    size = sum(len(line) + 1 for line in lines)
    for shown, row in enumerate(problems):
        line = translate(lang, "Row {number} ({name}): {problem}", number=row.number,
                         name=row.label, problem=translate(lang, ROW_STATUS[row.status]))
        more = translate(lang, NP_("…and {n} more.", "…and {n} more."), n=len(problems) - shown)
        if size + len(line) + len(more) + 2 > REPORT_LIMIT:
            lines.append(more)
            break
        lines.append(line)
        size += len(line) + 1
    return "\n".join(lines)
