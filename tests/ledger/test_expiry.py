"""Expiry reminders on the program's reminder days, once each, and the expiry job."""

from __future__ import annotations

from sqlalchemy import select

from bot.notices.expiry import remind
from models import ledger
from models.messaging.outbox import OutboxMessage


def test_reminders_go_out_on_reminder_days_once(db, programs, make_partner, clock):
    cempro = programs["CEMPRO"]  # 365 days; reminders 30, 14 and 7 days before
    p = make_partner(cempro)
    ledger.earn(db, partner_id=p.id, program_id=cempro.id, credits=1500, key="cert",
                cause="certification", cause_ref="master")
    clock.advance(days=300)
    assert remind(db) == 0
    clock.advance(days=35)  # 30 days before expiry
    assert remind(db) == 1
    assert remind(db) == 0  # the same reminder never goes twice
    clock.advance(days=23)  # 7 days before
    assert remind(db) == 1
    bodies = db.scalars(select(OutboxMessage.body).where(OutboxMessage.phone == p.phone)).all()
    assert bodies[0] == ("Shakti Cement Pro Retailer: 1,500 of your Shakti credits expire on "
                         "12-03-2027. Send MENU to redeem them before then.")


def test_expire_command_expires_and_reports(app, programs, make_partner, db, clock):
    lube = programs["LUBE"]
    p = make_partner(lube)
    ledger.earn(db, partner_id=p.id, program_id=lube.id, credits=10, key="e", cause="qr_code",
                cause_ref="Q")
    db.commit()
    clock.advance(days=366)
    result = app.test_cli_runner().invoke(args=["ledger", "expire"])
    assert result.exit_code == 0 and "1 lot(s) expired" in result.output, result.output
    assert ledger.wallet_balance(db, p.id, lube.id).balance == 0
    assert ledger.history(db, p.id, lube.id)[0].cause == "expiry"
