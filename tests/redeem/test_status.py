"""`flask status` and `/admin/status`: each pile of waiting work, stuck past its limit, with
what clears it; and clear once the jobs that empty the piles have run."""

from __future__ import annotations

from bot.messages import InboundMessage
from models import review
from models.db import unit_of_work
from models.ledger.seal import seal_all
from models.messaging import inbox
from tests.conftest import status_lines
from workers.inbox import sweep as inbox_sweep

from .conftest import RETAILER, last_otp, start_upi

ADMIN = {"Authorization": "Bearer admin-secret"}


def _pile_up(app, twilio, retailer, cempro) -> None:
    """A payout whose provider never answers, a message whose request died, an item for
    review, and (from the retailer's opening credits) a ledger entry not yet sealed."""
    app.config["JOB_RETRIES"] = 0
    start_upi(twilio, vpa="timeout@sandbox")
    twilio.chat(RETAILER, last_otp(RETAILER))
    with unit_of_work() as session:
        died = InboundMessage(channel="whatsapp", sender=RETAILER, text="MENU",
                              provider_id="SM-died")
        inbox.store(session, channel="whatsapp", provider_id="SM-died", phone=RETAILER,
                    body="MENU", payload=died.to_dict())
        review.submit(session, kind="invoice", reason="total unsure", partner_id=retailer,
                      program_id=cempro)


def test_status_names_every_stuck_pile_and_what_clears_it(app, twilio, retailer, cempro,
                                                          clock):
    runner = app.test_cli_runner()
    _pile_up(app, twilio, retailer, cempro)
    fresh = runner.invoke(args=["status"])
    assert fresh.exit_code == 0, fresh.output
    assert status_lines(fresh.output) == {
        "messages not answered": ("ok", 1), "proactive messages not sent": ("ok", 0),
        "SMS refused: no DLT template": ("ok", 0), "payouts in flight": ("ok", 1),
        "jobs not done": ("ok", 0),
        "jobs given up": ("ok", 1),  # the payout job, out of retries: the sweep polls on
        "review items pending": ("ok", 1),
        "ledger entries not sealed": ("ok", 2),  # the opening credits and the hold
        "scheduler": ("ok", "never ticked")}  # none ever ran: a fresh install

    clock.advance(days=3)
    late = runner.invoke(args=["status"])
    assert late.exit_code == 1
    assert status_lines(late.output) == {
        "messages not answered": ("STUCK", 1), "proactive messages not sent": ("ok", 0),
        "SMS refused: no DLT template": ("ok", 0), "payouts in flight": ("STUCK", 1),
        "jobs not done": ("ok", 0),
        "jobs given up": ("STUCK", 1), "review items pending": ("STUCK", 1),
        "ledger entries not sealed": ("STUCK", 2), "scheduler": ("ok", "never ticked")}
    assert "oldest 12-03-2026 15:30 IST" in late.output  # 10:00 UTC, shown in IST
    assert "messages not answered: the inbox sweep answers them" in late.output
    assert "review items pending: `flask review list`" in late.output

    inbox_sweep()
    with unit_of_work() as session:
        seal_all(session)
    after = status_lines(runner.invoke(args=["status"]).output)
    assert after["messages not answered"] == ("ok", 0)
    assert after["ledger entries not sealed"] == ("ok", 0)
    assert after["payouts in flight"] == ("STUCK", 1)


def test_admin_status_is_json_and_503_while_something_is_stuck(app, twilio, retailer, cempro,
                                                               clock):
    client = app.test_client()
    app.config["ADMIN_TOKEN"] = "admin-secret"
    assert client.get("/admin/status").status_code == 401
    _pile_up(app, twilio, retailer, cempro)
    assert client.get("/admin/status", headers=ADMIN).status_code == 200
    clock.advance(hours=3)
    response = client.get("/admin/status", headers=ADMIN)
    assert response.status_code == 503
    body = response.get_json()
    assert body["stuck"] == ["messages not answered", "payouts in flight", "jobs given up",
                             "ledger entries not sealed"]
    review_pile = next(p for p in body["piles"] if p["name"] == "review items pending")
    assert review_pile == {"name": "review items pending", "count": 1,
                           "oldest": "2026-03-12T10:00:00+00:00",
                           "limit_seconds": 172800, "stuck": False}
