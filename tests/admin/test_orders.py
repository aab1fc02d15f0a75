"""Operator controls on invoices, redemptions and product code batches: a credit note claws
back its share of an invoice's credits; a redemption not yet paid can be cancelled (credits
come back); a batch is voided; each with its reason in the audit log."""

from __future__ import annotations

from sqlalchemy import select

from models import ledger
from models.admin.audit import AuditEntry
from models.admin.controls import Actor
from models.admin.orders import void_codes
from models.codes.tables import BatchStatus, create_batch
from models.db import unit_of_work
from models.invoices.invoice import Invoice
from models.partners.partner import Partner
from models.programs.program import Program
from models.redemptions import redemption as redemptions
from tests.admin.test_review import unsure_invoice


def _balance(world) -> int:
    with unit_of_work() as db:
        return ledger.wallet_balance(db, world.own_shop, world.cempro).balance


def _actions() -> list[str]:
    with unit_of_work() as db:
        return list(db.scalars(select(AuditEntry.action).where(
            AuditEntry.action.notlike("login%"), AuditEntry.action.notlike("partner.view.%"))
            .order_by(AuditEntry.id)))


def test_a_credit_note_claws_back_its_share_of_the_invoice(as_role, world, twilio, clock):
    item = unsure_invoice(world, twilio)
    admin = as_role("brand-admin")
    admin.get(f"/admin/queue/{item.id}")
    admin.post(f"/admin/queue/{item.id}", {"decision": "approve"})
    with unit_of_work() as db:
        invoice = db.scalar(select(Invoice))
    earned = _balance(world)
    assert earned == invoice.credits > 0
    page = admin.get(f"/admin/partners/{world.own_shop}").get_data(as_text=True)
    assert "/media/inbound/test/photo.jpg" in page and "ST/2026/00417" in page
    half = {"note": "CN-7", "rupees": str(invoice.total_paise / 200), "reason": "half returned"}
    admin.post(f"/admin/invoices/{invoice.id}/return", half)
    admin.get(f"/admin/partners/{world.own_shop}")
    admin.post(f"/admin/invoices/{invoice.id}/return", half)  # the same note again
    assert _balance(world) == earned - earned // 2
    assert _actions() == ["review.approve", "invoice.return"]
    other = as_role("distributor-admin")
    assert other.post(f"/admin/invoices/{invoice.id}/return", half).status_code == 403


def test_an_unpaid_redemption_is_cancelled_and_its_credits_come_back(as_role, world, clock):
    with unit_of_work() as db:
        ledger.adjust(db, partner_id=world.own_shop, program_id=world.cempro, credits=1000,
                      key="seed", reason="seed", actor="test")
        partner, program = db.get(Partner, world.own_shop), db.get(Program, world.cempro)
        item = program.spec.catalog.item("upi")
        started = redemptions.start(db, partner, program, item, 500, "ramesh@okaxis")
        redemptions._hold(db, started)  # confirmed with its OTP: the credits are held
        started.status = redemptions.Status.PROCESSING
    admin = as_role("brand-admin")
    page = admin.get(f"/admin/partners/{world.own_shop}").get_data(as_text=True)
    assert f"/admin/redemptions/{started.id}/cancel" in page
    admin.post(f"/admin/redemptions/{started.id}/cancel", {"reason": "asked by the shop"})
    with unit_of_work() as db:
        assert db.get(redemptions.Redemption, started.id).status == "cancelled"
        assert ledger.wallet_balance(db, world.own_shop, world.cempro).available == 1000
    admin.get(f"/admin/partners/{world.own_shop}")
    admin.post(f"/admin/redemptions/{started.id}/retry", {"reason": "again"})
    assert "cannot be retried" in admin.get(f"/admin/partners/{world.own_shop}"
                                            ).get_data(as_text=True)
    assert _actions() == ["redemption.cancel"]


def test_voiding_a_batch_is_audited(app, world):
    with unit_of_work() as db:
        batch = create_batch(db, program=db.get(Program, world.cempro), name="B1", count=2,
                             credits=10)
        void_codes(db, Actor("ops@shakti.test", brand="Shakti Cement"), batch, "stolen box")
        assert batch.status == BatchStatus.VOID
    assert _actions() == ["codes.void"]


def test_a_credit_note_from_the_command_line(app, world, twilio, clock):
    item = unsure_invoice(world, twilio)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["review", "approve", str(item.id)]).exit_code == 0
    with unit_of_work() as db:
        invoice = db.scalar(select(Invoice))
    rupees = str(invoice.total_paise / 100)
    done = runner.invoke(args=["wallet", "credit-note", str(invoice.id), "CN-1", rupees,
                               "--reason", "all returned"])
    assert done.exit_code == 0, done.output
    assert _balance(world) == 0 and _actions() == ["review.approve", "invoice.return"]
    with unit_of_work() as db:
        rows = list(db.scalars(select(AuditEntry).where(AuditEntry.action != "login.ok")))
    assert {(r.actor.startswith("cli:"), r.brand) for r in rows} == {(True, "Shakti Cement")}


def test_voiding_from_the_command_line_is_audited_for_the_brand(app, as_role, world):
    with unit_of_work() as db:
        create_batch(db, program=db.get(Program, world.cempro), name="B2", count=2,
                     credits=10)
    done = app.test_cli_runner().invoke(args=["codes", "void", "B2", "--reason", "lost box"])
    assert done.exit_code == 0, done.output
    page = as_role("brand-admin").get("/admin/audit").get_data(as_text=True)
    assert "codes.void" in page and "lost box" in page and "cli:" in page


def test_a_sum_that_is_not_a_number_is_refused_not_a_server_error(as_role, world, twilio,
                                                                   clock):
    """'inf' and 'nan' parse as floats: a return of them, or a review's corrected total,
    answered 500 (OverflowError); both are a bad request, and nothing is written."""
    item = unsure_invoice(world, twilio)
    admin = as_role("brand-admin")
    admin.get(f"/admin/queue/{item.id}")
    for bad in ("inf", "-inf", "nan", "1e400"):
        assert admin.post(f"/admin/queue/{item.id}", {"decision": "approve",
                                                       "total_rupees": bad}).status_code == 400
    admin.post(f"/admin/queue/{item.id}", {"decision": "approve"})
    with unit_of_work() as db:
        invoice = db.scalar(select(Invoice))
    earned = _balance(world)
    for bad in ("inf", "nan", "1e400"):
        assert admin.post(f"/admin/invoices/{invoice.id}/return",
                          {"note": "CN-9", "rupees": bad, "reason": "x"}).status_code == 400
    assert _balance(world) == earned
    assert _actions() == ["review.approve"]
