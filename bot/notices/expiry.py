"""Reminders before credits expire, on the program's reminder days (e.g. 30, 14 and 7)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.i18n import NP_, translate
from bot.notices.outbound import OutboundError, after_quiet_hours, queue_message
from models import keys
from models.base import ist_date, ist_day_start, utcnow
from models.ledger.internals import L, W
from models.messaging import outbox
from models.partners.partner import Partner
from models.programs.program import Program

log = logging.getLogger("saathi.ledger.expiry")


def due(session: Session, program: Program, days: int, now: datetime) -> list[tuple[int, int]]:
    """Return [(wallet_id, credits)] of the program's credits expiring on the IST day `days`
    ahead."""
    start = ist_day_start(now + timedelta(days=days))
    stmt = (select(W.c.id, func.sum(L.c.remaining)).join(W, W.c.id == L.c.wallet_id)
            .where(W.c.program_id == program.id, L.c.remaining > 0,
                   L.c.expires_at >= start, L.c.expires_at < start + timedelta(days=1))
            .group_by(W.c.id).order_by(W.c.id))
    return [(wallet_id, int(credits)) for wallet_id, credits in session.execute(stmt)]


def remind(session: Session, now: datetime | None = None) -> int:
    """Queue one reminder per wallet and reminder day; return how many were queued."""

    now = now or utcnow()
    queued = 0
    for program in session.scalars(select(Program).order_by(Program.id)):
        spec = program.spec
        for days in spec.expiry.reminder_days if spec.expiry.policy == "days" else []:
            for wallet_id, credits in due(session, program, days, now):
                partner_id = session.scalar(select(W.c.partner_id).where(W.c.id == wallet_id))
                partner = session.get(Partner, partner_id)
                if partner is None:
                    continue
                day = ist_date(now + timedelta(days=days))
                key = keys.expiry_reminder(wallet_id, day, days)
                if outbox.by_key(session, key) is not None:
                    continue
                text = translate(partner.language, NP_(
                    "{program}: {n} of your {currency} expires on {date}. Send MENU to redeem "
                    "it before then.",
                    "{program}: {n} of your {currency} expire on {date}. Send MENU to redeem "
                    "them before then."), n=credits, currency=spec.currency_in(partner.language),
                    program=spec.name, date=day.strftime("%d-%m-%Y"))
                try:
                    row = queue_message(session, phone=partner.phone, text=text,
                                        template="expiry_reminder",
                                        template_vars={"1": str(credits), "2": spec.name,
                                                       "3": day.isoformat()},
                                        key=key,
                                        not_before=after_quiet_hours(session, program.id, now))
                except OutboundError as exc:
                    log.warning("expiry reminder not queued",
                                extra={"partner_id": partner.id, "error": str(exc)})
                    continue
                queued += row is not None
    return queued
