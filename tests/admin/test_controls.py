"""Operator controls from the partner's page and the command line: each needs a reason, is a
domain operation (suspend, adjust, reverse), and leaves an audit row with before and after."""

from __future__ import annotations

from sqlalchemy import select

from models import ledger
from models.admin.audit import AuditEntry
from models.db import unit_of_work
from models.ledger import tiers
from models.partners.partner import Partner


def _audit() -> list[AuditEntry]:
    with unit_of_work() as db:
        return list(db.scalars(select(AuditEntry).where(
            AuditEntry.action != "login.ok", AuditEntry.action.notlike("partner.view.%"))
            .order_by(AuditEntry.id)))


def _balance(world) -> ledger.Balance:
    with unit_of_work() as db:
        return ledger.wallet_balance(db, world.own_shop, world.cempro)


def test_suspend_needs_a_reason_and_is_audited(as_role, world):
    admin = as_role("brand-admin")
    page = f"/admin/partners/{world.own_shop}"
    admin.get(page)
    admin.post(f"{page}/status", {"action": "suspend", "reason": "  "})
    assert "a reason is required" in admin.get(page).get_data(as_text=True)
    admin.post(f"{page}/status", {"action": "suspend", "reason": "fake invoices"})
    assert admin.get(f"/admin/api/partners/{world.own_shop}").json["status"] == "suspended"
    [row] = _audit()
    assert (row.actor, row.action, row.target, row.reason) == (
        "brand-admin@shakti.test", "partner.suspend", f"partner:{world.own_shop}",
        "fake invoices")
    assert (row.before, row.after) == ({"status": "active"}, {"status": "suspended"})
    admin.post(f"{page}/status", {"action": "reinstate", "reason": "cleared"})
    assert admin.get(f"/admin/api/partners/{world.own_shop}").json["status"] == "active"
    audit_page = admin.get("/admin/audit").get_data(as_text=True)
    assert "partner.reinstate" in audit_page and "fake invoices" in audit_page


def test_a_suspended_partner_is_told_in_their_language_that_earning_is_refused(
        as_role, world, twilio):
    admin = as_role("brand-admin")
    admin.get(f"/admin/partners/{world.own_shop}")
    admin.post(f"/admin/partners/{world.own_shop}/status",
               {"action": "suspend", "reason": "fraud check"})
    [reply] = twilio.chat("+919811100001", "REDEEM")
    assert "निलंबित" in reply  # Hindi: suspended


def test_adjust_credits_once_per_form_and_reverse_it(as_role, world):
    admin = as_role("brand-admin")
    page = f"/admin/partners/{world.own_shop}"
    admin.get(page)
    form = {"program": str(world.cempro), "credits": "150", "reason": "missed scan",
            "request_id": "form-1"}
    admin.post(f"{page}/adjust", form)
    admin.post(f"{page}/adjust", form)  # a double click
    assert _balance(world).available == 150
    with unit_of_work() as db:
        entry = db.scalar(select(ledger.tables.JournalEntry).where(
            ledger.tables.JournalEntry.cause == "adjustment"))
    assert entry.actor == "brand-admin@shakti.test" and entry.description == "missed scan"
    admin.get(page)
    admin.post(f"/admin/entries/{entry.id}/reverse", {"reason": "scan found after all"})
    assert _balance(world).available == 0
    assert [r.action for r in _audit()] == ["wallet.adjust", "entry.reverse"]
    too_much = {**form, "credits": "-500", "request_id": "form-2"}
    admin.get(page)
    admin.post(f"{page}/adjust", too_much)
    assert "cannot remove 500 credits" in admin.get(page).get_data(as_text=True)


def test_controls_on_a_partner_outside_the_brand_are_404(as_role, world):
    other = as_role("other-brand")
    other.get("/admin/")
    assert other.post(f"/admin/partners/{world.own_shop}/status",
                      {"action": "suspend", "reason": "x"}).status_code == 404
    assert other.post(f"/admin/partners/{world.own_shop}/adjust",
                      {"program": str(world.cempro), "credits": "5", "reason": "x"}
                      ).status_code == 404


def test_html_in_names_and_shops_is_shown_as_text(as_role, world):
    with unit_of_work() as db:
        partner = db.get(Partner, world.own_shop)
        partner.name, partner.shop = "<script>alert(1)</script>", "<b>Shop</b>"
    admin = as_role("brand-admin")
    for path in ("/admin/partners", f"/admin/partners/{world.own_shop}"):
        page = admin.get(path).get_data(as_text=True)
        assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page
        assert "<b>Shop</b>" not in page


def test_the_same_controls_from_the_command_line(app, world):
    runner = app.test_cli_runner()
    done = runner.invoke(args=["partners", "suspend", "+919811100001", "--reason", "audit"])
    assert done.exit_code == 0 and "suspended" in done.output
    missing = runner.invoke(args=["partners", "suspend", "+919811100001"])
    assert missing.exit_code == 2 and "--reason" in missing.output
    added = runner.invoke(args=["wallet", "adjust", "+919811100001", "CEMPRO", "40",
                                "--reason", "goodwill"])
    assert added.exit_code == 0, added.output
    assert _balance(world).available == 40
    entry_id = added.output.split()[-1]
    back = runner.invoke(args=["wallet", "reverse", entry_id, "--reason", "oops"])
    assert back.exit_code == 0, back.output
    assert _balance(world).available == 0
    assert [r.action for r in _audit()] == ["partner.suspend", "wallet.adjust",
                                            "entry.reverse"]
    assert _audit()[0].actor.startswith("cli:")
    assert {r.brand for r in _audit()} == {"Shakti Cement"}  # the brand admin sees them


def test_the_partner_page_shows_the_tier_and_its_history(as_role, world, clock):
    with unit_of_work() as db:
        ledger.earn(db, partner_id=world.own_shop, program_id=world.cempro, credits=800,
                    cause="invoice", cause_ref="big", key="t1", apply_tier_multiplier=False)
        tiers.recompute(db, world.cempro)
    page = as_role("analyst").get(f"/admin/partners/{world.own_shop}").get_data(as_text=True)
    assert "<strong>Specialist</strong>" in page and "→ Specialist" in page


def test_every_view_of_a_partner_personal_data_is_in_the_audit_log(as_role, world):
    admin = as_role("support")
    admin.get(f"/admin/partners/{world.own_shop}")
    admin.get(f"/admin/api/partners/{world.own_shop}")
    admin.get(f"/admin/partners/{world.own_shop}/entries.csv")
    admin.get("/admin/partners?q=Ramesh")
    with unit_of_work() as db:
        views = db.execute(select(AuditEntry.actor, AuditEntry.action, AuditEntry.target).where(
            AuditEntry.action.like("partner.view.%")).order_by(AuditEntry.id)).all()
    target = f"partner:{world.own_shop}"
    assert [tuple(v) for v in views] == [
        ("support@shakti.test", "partner.view.page", target),
        ("support@shakti.test", "partner.view.api", target),
        ("support@shakti.test", "partner.view.ledger_csv", target),
        ("support@shakti.test", "partner.view.search", "")]
    auditor = as_role("brand-admin").get("/admin/audit").get_data(as_text=True)
    assert "partner.view.page" in auditor and "support@shakti.test" in auditor


def test_an_operator_erases_a_partner_from_their_page(as_role, world, twilio):
    admin = as_role("brand-admin")
    page = f"/admin/partners/{world.own_shop}"
    assert "Erase personal data" in admin.get(page).get_data(as_text=True)
    admin.post(f"{page}/erase", {"reason": "asked by letter"})
    with unit_of_work() as db:
        partner = db.get(Partner, world.own_shop)
        assert partner.status == "erased" and partner.name is None
    assert ("partner.erase", "asked by letter") in [(r.action, r.reason) for r in _audit()]
